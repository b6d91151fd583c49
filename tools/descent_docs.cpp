// Writes the generated references, or checks them:
//   descent_docs docs/layers.md            rewrites the file (docs/config.md likewise)
//   descent_docs --check docs/layers.md    exits 1 when the file differs from what it would write
// The file's name picks the reference: layers.md from nn's registries, config.md from the table of
// config keys and the registries.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "descent/nn/layer_reference.hpp"
#include "descent/train/config_reference.hpp"

int main(int argc, char** argv) {
  const bool check = argc == 3 && std::string(argv[1]) == "--check";
  if (argc != 2 && !check) {
    std::cerr << "usage: descent_docs [--check] docs/layers.md | docs/config.md\n";
    return 2;
  }
  const std::string path = argv[argc - 1];
  const std::string name = std::filesystem::path(path).filename().string();
  std::string text;
  if (name == "layers.md") text = descent::nn::layers_markdown();
  else if (name == "config.md") text = descent::train::config_markdown();
  else {
    std::cerr << "descent_docs: " << path << ": expected layers.md or config.md\n";
    return 2;
  }
  if (check) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream current;
    current << in.rdbuf();
    if (in && current.str() == text) return 0;
    std::cerr << path << " differs from what descent generates; regenerate it with:\n  " << argv[0] << " " << path
              << "\n";
    return 1;
  }
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out.flush()) {
    std::cerr << "descent_docs: cannot write " << path << "\n";
    return 1;
  }
  return 0;
}
