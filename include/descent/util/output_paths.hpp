#pragma once
// The files a command will write, checked before it starts its work: a run that saves into a missing
// directory should fail at once, not after its first epoch (or an hour of training). Each path is
// checked without creating anything: its directory exists and may be written (every file descent
// writes goes to a temporary file beside it, then is renamed), and the path itself is not a directory
// nor a file that may not be written. Two outputs naming the same file are an error too.
//   util::check_output_paths({{"--save", save_path}, {"--metrics", metrics_path}});
#include <span>
#include <string>

namespace descent::util {

struct OutputPath {
  std::string flag;  // what names it, for the message: "--save", "[diagnostics] record"
  std::string path;  // empty: no such output, not checked
};

// Throws IoError naming the flag, the path and why: "--save out/c.safetensors: the directory out does
// not exist".
void check_output_paths(std::span<const OutputPath> outputs);

}  // namespace descent::util
