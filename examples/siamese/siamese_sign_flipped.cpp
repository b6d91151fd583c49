// The Siamese founding bug: the cosine embedding loss's hand-written backward with the -1 pairs'
// slope given the +1 pairs' sign (cosine_loss_check.hpp). The check flags it; exit status 1.
#include "cosine_loss_check.hpp"

namespace {

// dl/dcos = -1 for every pair with a non-zero loss: the -1 pairs' +1 written as -1.
double sign_flipped(double y, double c, double margin) { return y > 0 ? -1.0 : (c > margin ? -1.0 : 0.0); }

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string dir = siamese_example::data_dir_from(argc, argv);
    if (dir.empty()) return 2;
    return siamese_example::check_cosine_toml(SIAMESE_EXAMPLE_DIR "/cosine.toml", dir, sign_flipped) ? 0 : 1;
  } catch (const descent::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
}
