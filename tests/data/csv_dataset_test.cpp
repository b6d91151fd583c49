// CSV data sets written here: a header with a label column found by its default name, by another
// name, or by index; a file without a header; quoted header names, CRLF line ends, comments, labels
// written as floats; limit. Then each bad file: the message names the file, the line, the column (with
// its header name) and the field.
#include "descent/data/csv_dataset.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "data/idx_files.hpp"
#include "descent/error.hpp"

namespace descent::data {
namespace {

using testing::error_message;
using testing::expect_contains;
using testing::TempDir;

class CsvDataset : public ::testing::Test {
 protected:
  std::string write(const std::string& text) {
    const std::string path = dir_.file("d.csv");
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  std::string error(const std::string& text, const CsvDatasetOptions& options = {}) {
    const std::string path = write(text);
    return error_message<IoError>([&] { load_csv_dataset(path, options); });
  }
  TempDir dir_;
};

TEST_F(CsvDataset, ReadsTheLabelColumnByItsDefaultName) {
  const Dataset d = load_csv_dataset(write("a,label,b\n0.5,1,2\n-3,0,4e-2\n"), {.classes = 2});
  EXPECT_EQ(d.inputs().shape(), (Shape{2, 2}));
  EXPECT_EQ(d.inputs().dtype(), Dtype::Float32);
  // Each field is the float nearest its text, as np.float32("4e-2").
  EXPECT_EQ(d.inputs().to_vector(), (std::vector<double>{0.5, 2, -3, static_cast<double>(4e-2f)}));
  EXPECT_EQ(d.targets.dtype(), Dtype::Int64);
  EXPECT_EQ(d.targets.to_vector(), (std::vector<double>{1, 0}));
  EXPECT_TRUE(d.image_shape.empty());
  EXPECT_FALSE(d.pixels.defined());
}

TEST_F(CsvDataset, ReadsTheLabelColumnByNameOrIndex) {
  const std::string path = write("# made by hand\r\n\"y\",\"x, one\",x2\r\n\r\n3,1,2\r\n4.0,5,6\r\n");
  const Dataset by_name = load_csv_dataset(path, {.label_name = "y", .dtype = Dtype::Float64});
  EXPECT_EQ(by_name.inputs().to_vector(), (std::vector<double>{1, 2, 5, 6}));
  EXPECT_EQ(by_name.targets.to_vector(), (std::vector<double>{3, 4}));
  const Dataset by_index = load_csv_dataset(path, {.label_index = 2});
  EXPECT_EQ(by_index.inputs().to_vector(), (std::vector<double>{3, 1, 4, 5}));
  EXPECT_EQ(by_index.targets.to_vector(), (std::vector<double>{2, 6}));
  const Dataset no_header = load_csv_dataset(write("1,0.25\n0,0.75\n1,1\n"), {.label_index = 0, .limit = 2});
  EXPECT_EQ(no_header.inputs().to_vector(), (std::vector<double>{0.25, 0.75}));
  EXPECT_EQ(no_header.targets.to_vector(), (std::vector<double>{1, 0}));
}

TEST_F(CsvDataset, BadFilesNameTheLineColumnAndField) {
  expect_contains(error("a,b\n1,2\n"), {"d.csv", "no column named \"label\" (the default)", "one of a, b"});
  expect_contains(error("a,b\n1,2\n", {.label_name = "c"}), {"no column named \"c\" in the header", "one of a, b"});
  expect_contains(error("1,2\n3,4\n"), {"d.csv", "no header line", "label_column = the 0-based index", "0 to 1"});
  expect_contains(error("1,2\n", {.label_name = "label"}), {"no header line", "so no column named \"label\""});
  expect_contains(error("1,2\n", {.label_index = 2}), {"label_column = 2", "2 columns", "[0, 2)"});
  expect_contains(error("x,label\n1,0\n2,1\n3\n"), {"d.csv:4", "2 fields as on line 1, found 1"});
  expect_contains(error("x,label\n1,0\nabc,1\n"), {"d.csv:3", "a finite number in column 0 (\"x\")", "\"abc\""});
  expect_contains(error("x,label\n1,0\nnan,1\n"), {"d.csv:3", "finite number", "\"nan\""});
  expect_contains(error("x,label\n1,0\n,1\n"), {"d.csv:3", "column 0 (\"x\")", "found \"\""});
  expect_contains(error("x,label\n1,10\n", {.classes = 10}),
                  {"d.csv:2", "a class label in [0, 10) in column 1 (\"label\")", "\"10\""});
  expect_contains(error("x,label\n1,-1\n"), {"d.csv:2", "class label", "\"-1\""});
  expect_contains(error("x,label\n1,0.5\n"), {"d.csv:2", "class label", "\"0.5\""});
  expect_contains(error("0,1\n2,3\n", {.label_index = 0, .classes = 2}), {"d.csv:2", "column 0,", "\"2\""});
  expect_contains(error("x,label\n\"1,0\n"), {"d.csv:2", "closing double quote"});
  expect_contains(error("x,label\n"), {"d.csv", "no examples"});
  expect_contains(error(""), {"d.csv", "no lines"});
  expect_contains(error("label\n1\n"), {"d.csv", "one column"});
  expect_contains(error_message<IoError>([&] { load_csv_dataset(dir_.file("missing.csv"), {}); }),
                  {"missing.csv", "cannot open"});
}

}  // namespace
}  // namespace descent::data
