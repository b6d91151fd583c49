#pragma once
// The error hierarchy: every failure descent reports derives from descent::Error, and its message
// names what was read and what was expected ("nielsen.toml: optim.lr = -0.1: expected lr >= 0").
#include <stdexcept>
#include <string>
#include <utility>

namespace descent {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A caller passed a value the function cannot take (bad shape, dtype, option).
class ValueError : public Error {
 public:
  using Error::Error;
};

// Shapes that do not broadcast, multiply or match.
class ShapeError : public ValueError {
 public:
  using ValueError::ValueError;
};

// Misuse of the autograd engine: backward on a non-scalar, through a released graph, ...
class AutogradError : public Error {
 public:
  using Error::Error;
};

// A file that cannot be read or does not hold what it should (data sets, checkpoints).
class IoError : public Error {
 public:
  using Error::Error;
};

// A checkpoint that could not be written while training (disk full, file-size limit, a directory
// removed): the run stops, the file at the path left as it was (the command line: exit status 1, a
// failed run, not bad input).
class CheckpointWriteError : public IoError {
 public:
  using IoError::IoError;
};

// A configuration file or command-line value that is invalid.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// An option of an optimizer or scheduler set to a value it cannot take. Besides the message
// ("Adam: betas[0] = 1.5: expected 0 <= beta < 1") it keeps the option's name ("betas") and what was
// expected, so that a config reader can restate the error with its own file and key.
class OptionError : public ValueError {
 public:
  OptionError(const std::string& message, std::string option, std::string expected)
      : ValueError(message), option_(std::move(option)), expected_(std::move(expected)) {}
  const std::string& option() const { return option_; }
  const std::string& expected() const { return expected_; }

 private:
  std::string option_;
  std::string expected_;
};

// Training stopped because the loss or a value in the network stopped being finite (the command
// line reports it with exit status 1: a failed run, not bad input).
class TrainingDiverged : public Error {
 public:
  using Error::Error;
};

}  // namespace descent
