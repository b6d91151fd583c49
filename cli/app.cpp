#include "app.hpp"

namespace descent::cli {

int run(const std::vector<std::string>&, std::ostream&, std::ostream&) { return 0; }

}  // namespace descent::cli
