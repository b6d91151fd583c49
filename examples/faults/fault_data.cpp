// The diagnosis suite's data faults on the command line (fault_data.hpp):
//   fault_data shuffled_labels|shifted_test|sorted|imbalanced SOURCE_DIR DEST_DIR
#include <cstdio>

#include "fault_data.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: fault_data shuffled_labels|shifted_test|sorted|imbalanced SOURCE_DIR DEST_DIR\n");
    return 2;
  }
  try {
    fault_data::write(argv[1], argv[2], argv[3]);
  } catch (const descent::Error& e) {
    std::fprintf(stderr, "fault_data: %s\n", e.what());
    return 2;
  }
  return 0;
}
