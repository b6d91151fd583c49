// The cosine embedding loss's hand-written backward, right (cosine_loss_check.hpp): every check passes.
#include "cosine_loss_check.hpp"

namespace {

// dl/dcos = -1 for a +1 pair; +1 for a -1 pair above the margin, else 0.
double right(double y, double c, double margin) { return y > 0 ? -1.0 : (c > margin ? 1.0 : 0.0); }

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string dir = siamese_example::data_dir_from(argc, argv);
    if (dir.empty()) return 2;
    return siamese_example::check_cosine_toml(SIAMESE_EXAMPLE_DIR "/cosine.toml", dir, right) ? 0 : 1;
  } catch (const descent::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
}
