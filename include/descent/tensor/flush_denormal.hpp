#pragma once
// Flushing subnormal numbers to zero, as torch.set_flush_denormal does. Late in training, gradients
// through saturated sigmoids fall below the smallest normal float (1.2e-38); on many x86 CPUs each
// arithmetic operation on such a number takes a slow microcode path (Nielsen's network on MNIST
// slows from about 720,000 to 630,000 samples/s by epoch 29 on an Intel Xeon). With the mode on,
// the CPU treats subnormal inputs as zero and writes zero for subnormal results, at full speed.

namespace descent {

// Turns flush-to-zero and denormals-are-zero on or off for the calling thread and for descent's own
// pooled threads (OpenBLAS's threads keep their mode). Returns false, changing nothing, on a CPU
// without the mode (anything but x86-64). Off by default, as in PyTorch.
bool set_flush_denormal(bool on);

// The mode set_flush_denormal set last.
bool flush_denormal();

// For thread pools: puts the calling thread in the mode set last, if it is not in it already.
void follow_flush_denormal();

// Sets a mode for a scope and puts back the one before it (a training run uses this).
class FlushDenormalGuard {
 public:
  explicit FlushDenormalGuard(bool on) : before_(flush_denormal()) { set_flush_denormal(on); }
  ~FlushDenormalGuard() { set_flush_denormal(before_); }
  FlushDenormalGuard(const FlushDenormalGuard&) = delete;
  FlushDenormalGuard& operator=(const FlushDenormalGuard&) = delete;

 private:
  bool before_;
};

}  // namespace descent
