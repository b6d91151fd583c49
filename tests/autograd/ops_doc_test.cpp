// docs/ops.md lists every differentiable op: each `Tensor NAME(` declared at the start of a line in
// include/descent/autograd/ops/*.hpp has a row there, and each row's gradcheck cases exist in the test
// file it names.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace descent {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = DESCENT_SOURCE_DIR;

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The table rows of docs/ops.md: lines starting "| `".
std::vector<std::string> rows() {
  std::vector<std::string> out;
  std::istringstream doc(read(kSource / "docs/ops.md"));
  for (std::string line; std::getline(doc, line);)
    if (line.rfind("| `", 0) == 0) out.push_back(line);
  return out;
}

TEST(OpsDoc, EveryDeclaredOpHasARow) {
  std::set<std::string> documented;
  const std::regex op_in_row("`([a-z_0-9]+)\\(");
  for (const std::string& row : rows()) {
    const std::string first_cell = row.substr(0, row.find(" | ", 2));
    for (std::sregex_iterator it(first_cell.begin(), first_cell.end(), op_in_row), end; it != end; ++it)
      documented.insert((*it)[1]);
  }
  const std::regex declaration("^Tensor ([a-z_0-9]+)\\(");
  int ops = 0;
  for (const fs::directory_entry& header : fs::directory_iterator(kSource / "include/descent/autograd/ops")) {
    std::istringstream text(read(header.path()));
    for (std::string line; std::getline(text, line);) {
      std::smatch m;
      if (!std::regex_search(line, m, declaration)) continue;
      ++ops;
      EXPECT_TRUE(documented.count(m[1]))
          << m[1] << " (" << header.path().filename().string() << ") has no row in docs/ops.md";
    }
  }
  EXPECT_GT(ops, 40);  // the headers were found and read
}

TEST(OpsDoc, EveryRowNamesGradcheckCasesThatExist) {
  const std::regex file_and_cases("(tests/[a-z_/0-9]+\\.cpp): (.*) \\|$");
  const std::regex case_name("`([A-Za-z_0-9.]+)`");
  for (const std::string& row : rows()) {
    std::smatch m;
    ASSERT_TRUE(std::regex_search(row, m, file_and_cases)) << "no gradcheck cell: " << row;
    const fs::path file = kSource / m[1].str();
    ASSERT_TRUE(fs::exists(file)) << file;
    const std::string test = read(file), cases = m[2];
    int named = 0;
    for (std::sregex_iterator it(cases.begin(), cases.end(), case_name), end; it != end; ++it, ++named)
      EXPECT_NE(test.find("{\"" + (*it)[1].str() + "\""), std::string::npos)
          << (*it)[1] << " is not a case of " << m[1] << " (row: " << row << ")";
    EXPECT_GT(named, 0) << row;
  }
}

}  // namespace
}  // namespace descent
