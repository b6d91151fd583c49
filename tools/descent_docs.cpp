// Writes docs/layers.md from nn's registries, or checks it:
//   descent_docs docs/layers.md            rewrites the file
//   descent_docs --check docs/layers.md    exits 1 when the file differs from what it would write
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "descent/nn/layer_reference.hpp"

int main(int argc, char** argv) {
  const bool check = argc == 3 && std::string(argv[1]) == "--check";
  if (argc != 2 && !check) {
    std::cerr << "usage: descent_docs [--check] docs/layers.md\n";
    return 2;
  }
  const std::string path = argv[argc - 1];
  const std::string text = descent::nn::layers_markdown();
  if (check) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream current;
    current << in.rdbuf();
    if (in && current.str() == text) return 0;
    std::cerr << path << " differs from what the layer registry generates; regenerate it with:\n  " << argv[0] << " "
              << path << "\n";
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
