#pragma once
// CSV as descent writes and reads it: RFC 4180 (fields that hold a comma, a double quote, CR or LF are
// quoted, quotes inside doubled; every line ends in CRLF), after '#' comment lines that say how the
// file was made. Traces of training and of minimize are both written by CsvWriter:
//   # descent minimize 'x^2' --optimizer sgd --lr 0.1 --x0 3 --steps 2 --trace walk.csv
//   step,x,loss,grad_norm
//   0,3,9,6
// read_csv reads them back, and files that end their lines in a bare LF (descent's training traces
// before they followed RFC 4180) as well.
#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace descent::util {

inline constexpr std::string_view kCsvLineEnd = "\r\n";

// `text` as one field: unchanged when it holds none of , " CR LF, else quoted with quotes doubled.
std::string csv_field(std::string_view text);

class CsvWriter {
 public:
  explicit CsvWriter(std::ostream& out) : out_(out) {}
  // "# text"; line breaks inside `text` become spaces, so that it stays one comment line.
  void comment(std::string_view text);
  // The fields, each through csv_field, separated by commas.
  void row(const std::vector<std::string>& fields);

 private:
  std::ostream& out_;
};

// A CSV file's text: comment lines (without "#" and one space after it) and records of fields.
struct CsvText {
  std::vector<std::string> comments;
  std::vector<std::vector<std::string>> records;
  std::vector<std::int64_t> lines;  // the line each record starts on, from 1, for messages
};

// Reads every record of `in`. A line that starts with '#' where a record would start is a comment;
// empty lines are skipped; a quoted field may span lines. CR outside quotes is dropped, so LF and
// CRLF line ends read alike.
CsvText read_csv(std::istream& in);

}  // namespace descent::util
