#pragma once
// Trajectory recording: chosen weights, the output, the loss, the gradient norm and the learning
// rate, step by step, written as CSV (util/csv.hpp: RFC 4180, CRLF line ends) that reads back exactly:
//   # comment lines (seed, config, command)
//   step,"0.weight[0,0]",2.bias[3],output,loss,grad_norm,lr
//   0,0.10000000000000001,...
// Row k holds the weights after k updates (row 0: the start) and the output and loss computed with
// those weights. The file is written to a temporary name and renamed when complete
// (util/atomic_file.hpp).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "descent/nn/module.hpp"
#include "descent/util/atomic_file.hpp"
#include "descent/util/csv.hpp"

namespace descent {

// What the training loop knows at a step, before the update.
struct StepValues {
  Tensor output;  // the model's output on the batch
  double loss = 0;
  double grad_norm = 0;  // L2 norm of all parameter gradients together
  double lr = 0;
};

class TrajectoryRecorder {
 public:
  // `names`: "<parameter>[i,j,...]" (a parameter element, indices in range), "<parameter>" for a
  // one-element parameter, "output" (a one-element output) or "output[i,j]", "loss", "grad_norm", "lr".
  // Throws ValueError naming the entry when it does not exist in `model`.
  TrajectoryRecorder(std::vector<std::string> names, const nn::Module& model, const std::string& path,
                     const std::vector<std::string>& comments, Dtype dtype);
  // Destroyed unfinished, the file is removed, never left half-written under `path`.

  void record(std::int64_t step, const StepValues& values);
  // Closes the file and moves it into place.
  void finish();

  // Sum of the squares of every gradient, square-rooted (parameters without a gradient count 0).
  static double grad_norm(const std::vector<Tensor>& parameters);

 private:
  struct Column {
    enum class Kind { Parameter, Output, Loss, GradNorm, Lr } kind;
    Tensor parameter;
    std::int64_t flat = 0;                   // element index within the parameter
    std::vector<std::int64_t> output_index;  // "output[i,j]"; empty for a one-element output
  };
  std::vector<Column> columns_;
  util::AtomicFile file_;
  util::CsvWriter csv_;
  std::string_view number_format_;  // ".17g" (float64) or ".9g" (float32): numbers that read back exactly
};

}  // namespace descent
