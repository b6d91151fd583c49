#pragma once
// Non-finite detection, as torch.autograd.detect_anomaly: while a DetectAnomalyGuard is alive, every
// recorded op's output and every gradient the engine computes is checked, and the first NaN or
// infinity throws NonFiniteError saying where it appeared: the op, forward or backward, the layer
// (from the LayerScope that modules open) and the range of the op's inputs. Off by default: the
// checks cost one pass over each tensor.
#include <span>
#include <string>

#include "descent/error.hpp"
#include "descent/tensor/tensor.hpp"

namespace descent {

class NonFiniteError : public Error {
 public:
  NonFiniteError(std::string op, std::string phase, std::string layer, std::string inputs);
  std::string op, phase, layer, inputs;  // phase: "forward" or "backward"
};

bool is_anomaly_enabled();

class DetectAnomalyGuard {
 public:
  explicit DetectAnomalyGuard(bool enabled = true);
  ~DetectAnomalyGuard();
  DetectAnomalyGuard(const DetectAnomalyGuard&) = delete;
  DetectAnomalyGuard& operator=(const DetectAnomalyGuard&) = delete;

 private:
  bool previous_;
};

// Names the layer being run, for the reports: Sequential opens one per child ("2", then "2.0" inside).
// Costs nothing while anomaly detection is off.
class LayerScope {
 public:
  explicit LayerScope(const std::string& name);
  ~LayerScope();
  LayerScope(const LayerScope&) = delete;
  LayerScope& operator=(const LayerScope&) = delete;
  static std::string current();  // "" outside any layer

 private:
  bool pushed_;
};

// "(shape [2, 3]): min -1.5, max 2.25" and, for several, "input 0 (shape ...): ...; input 1 ...":
// what the reports say of an op's inputs.
std::string describe_range(const Tensor& t);
std::string describe_ranges(std::span<const Tensor* const> inputs);
// Throws NonFiniteError when `t` holds a NaN or an infinity.
void check_finite(const Tensor& t, const char* op, const char* phase, const std::string& layer,
                  const std::string& inputs);

}  // namespace descent
