// CsvWriter and read_csv agree: any field, commas, quotes and line breaks included, reads back as written;
// CRLF (what descent writes) and bare LF (older traces) read alike.
#include "descent/util/csv.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace descent::util {
namespace {

TEST(Csv, FieldsAreQuotedOnlyWhenNeeded) {
  EXPECT_EQ(csv_field("0.bias[2]"), "0.bias[2]");
  EXPECT_EQ(csv_field("0.weight[1,0]"), "\"0.weight[1,0]\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("a\nb"), "\"a\nb\"");
  EXPECT_EQ(csv_field("a\rb"), "\"a\rb\"");
  EXPECT_EQ(csv_field(""), "");
}

TEST(Csv, WritesCrlfLines) {
  std::ostringstream out;
  CsvWriter csv(out);
  csv.comment("two\nlines");
  csv.row({"step", "0.weight[0,0]"});
  csv.row({"0", "0.5"});
  EXPECT_EQ(out.str(), "# two lines\r\nstep,\"0.weight[0,0]\"\r\n0,0.5\r\n");
}

TEST(Csv, RoundTrip) {
  const std::vector<std::vector<std::string>> records = {
      {"step", "0.weight[1,0]", "say \"hi\"", "multi\r\nline", "lf\nonly", ""},
      {"1", ",", "\"", "\"\"", "#not a comment", "x"},
  };
  std::ostringstream out;
  CsvWriter csv(out);
  csv.comment("made by a test");
  for (const auto& r : records) csv.row(r);
  std::istringstream in(out.str());
  const CsvText text = read_csv(in);
  EXPECT_EQ(text.comments, std::vector<std::string>{"made by a test"});
  EXPECT_EQ(text.records, records);
  EXPECT_EQ(text.lines, (std::vector<std::int64_t>{2, 5}));  // the first record spans lines 2 to 4
}

TEST(Csv, ReadsLfFilesAndSkipsEmptyLines) {
  std::istringstream in("#no space\n# seed 1\nstep,loss\n\n0,1.5\n1,0.5");
  const CsvText text = read_csv(in);
  EXPECT_EQ(text.comments, (std::vector<std::string>{"no space", "seed 1"}));
  EXPECT_EQ(text.records, (std::vector<std::vector<std::string>>{{"step", "loss"}, {"0", "1.5"}, {"1", "0.5"}}));
  EXPECT_EQ(text.lines, (std::vector<std::int64_t>{3, 5, 6}));
}

}  // namespace
}  // namespace descent::util
