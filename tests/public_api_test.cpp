// descent.hpp is the whole public API: every header under include/descent/ is reached from it, and
// the API's free functions a PyTorch user reaches for (argmax) are in namespace descent.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "descent/descent.hpp"

namespace descent {
namespace {

namespace fs = std::filesystem;

const fs::path kInclude = fs::path(DESCENT_SOURCE_DIR) / "include";

// Every "descent/..." header that `header` includes, directly or through the headers it includes.
std::set<std::string> included_from(const std::string& header) {
  const std::regex include_line(R"re(#include "(descent/[^"]+)")re");
  std::set<std::string> seen;
  std::vector<std::string> pending{header};
  while (!pending.empty()) {
    const std::string name = pending.back();
    pending.pop_back();
    if (!seen.insert(name).second) continue;
    std::ifstream in(kInclude / name);
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    for (std::sregex_iterator it(s.begin(), s.end(), include_line), end; it != end; ++it) pending.push_back((*it)[1]);
  }
  return seen;
}

TEST(PublicApi, DescentHppIncludesEveryHeader) {
  const std::set<std::string> reached = included_from("descent/descent.hpp");
  int headers = 0;
  for (const auto& entry : fs::recursive_directory_iterator(kInclude / "descent")) {
    if (entry.path().extension() != ".hpp") continue;
    ++headers;
    const std::string name = entry.path().lexically_relative(kInclude).generic_string();
    EXPECT_TRUE(reached.contains(name)) << "include/descent/descent.hpp does not include " << name;
  }
  EXPECT_GT(headers, 100);  // the glob found the tree
}

TEST(PublicApi, ArgmaxIsInNamespaceDescent) {
  // torch.argmax(torch.tensor([[1., 5., 2.], [7., 0., 7.]]), dim=1) is [1, 0] (the first of ties);
  // over the flattened tensor, 3.
  const Tensor a = from_vector(std::vector<double>{1, 5, 2, 7, 0, 7}, Shape{2, 3});
  EXPECT_EQ(argmax(a, 1).to_vector(), (std::vector<double>{1, 0}));
  EXPECT_EQ(argmax(a, -1, true).shape(), Shape({2, 1}));
  EXPECT_EQ(argmax(a, 1).dtype(), Dtype::Int64);
  EXPECT_EQ(argmax(a).item(), 3);
  // No gradient: an index of a tensor that requires one is a plain tensor.
  Tensor w = a.clone().requires_grad_();
  EXPECT_FALSE(argmax(w, 0).requires_grad());
}

}  // namespace
}  // namespace descent
