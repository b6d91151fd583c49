#include "descent/data/csv_dataset.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <optional>
#include <vector>

#include "descent/error.hpp"
#include "descent/util/join.hpp"

namespace descent::data {
namespace {

// The fields of one line: split at commas outside double quotes, quotes removed and "" read as ".
// `unterminated` is set when the line opens a quote that it never closes.
std::vector<std::string> split_fields(const std::string& line, bool& unterminated) {
  std::vector<std::string> fields(1);
  bool in_quotes = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (in_quotes) {
      if (c != '"') fields.back() += c;
      else if (i + 1 < line.size() && line[i + 1] == '"') fields.back() += line[++i];
      else in_quotes = false;
    } else if (c == '"') {
      in_quotes = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  unterminated = in_quotes;
  return fields;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A finite number of type T read exactly as std::from_chars does (so that "0.1" in float32 is the float
// nearest 0.1, as np.float32("0.1")), or nothing.
template <class T>
std::optional<T> parse_number(std::string_view text) {
  text = trimmed(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

// A class label: an integer, also when written as a float with no fraction ("3.0", as pandas writes a
// column that once held a NaN).
std::optional<std::int64_t> parse_label(std::string_view text) {
  text = trimmed(text);
  std::int64_t label = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), label);
  if (!text.empty() && ec == std::errc() && end == text.data() + text.size()) return label;
  const std::optional<double> x = parse_number<double>(text);
  if (x && *x == std::floor(*x) && std::abs(*x) < 9e15) return static_cast<std::int64_t>(*x);
  return std::nullopt;
}

bool is_header(const std::vector<std::string>& fields) {
  for (const std::string& f : fields)
    if (!parse_number<double>(f)) return true;
  return false;
}

struct Reader {
  const std::string& path;
  std::ifstream in;
  std::int64_t line_number = 0;

  // The next record's fields, or nothing at the end of the file.
  std::optional<std::vector<std::string>> next() {
    for (std::string line; std::getline(in, line);) {
      ++line_number;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (trimmed(line).empty() || line.front() == '#') continue;
      bool unterminated = false;
      std::vector<std::string> fields = split_fields(line, unterminated);
      if (unterminated) fail("a closing double quote on the same line (fields may not span lines)");
      return fields;
    }
    if (in.bad()) throw IoError(path + ": cannot read file");
    return std::nullopt;
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw IoError(path + ":" + std::to_string(line_number) + ": expected " + what);
  }
};

// The label column's index, from the options and the header (empty when the file has none).
std::int64_t label_column(const std::string& path, const std::vector<std::string>& header, std::int64_t columns,
                          const CsvDatasetOptions& o) {
  if (o.label_index >= 0) {
    if (o.label_index >= columns)
      throw IoError(path + ": label_column = " + std::to_string(o.label_index) + ": the file has " +
                    std::to_string(columns) + " columns: expected an index in [0, " + std::to_string(columns) + ")");
    return o.label_index;
  }
  if (header.empty())
    throw IoError(path + ": no header line (line 1 holds numbers only)" +
                  (o.label_name.empty() ? std::string() : ", so no column named \"" + o.label_name + "\"") +
                  ": expected label_column = the 0-based index of the label column (0 to " +
                  std::to_string(columns - 1) + ")");
  const std::string name = o.label_name.empty() ? "label" : o.label_name;
  for (std::size_t i = 0; i < header.size(); ++i)
    if (trimmed(header[i]) == name) return static_cast<std::int64_t>(i);
  throw IoError(path + ": no column named \"" + name + "\"" + (o.label_name.empty() ? " (the default)" : "") +
                " in the header: expected label_column = one of " + util::join(header) + ", or a 0-based index");
}

}  // namespace

Dataset load_csv_dataset(const std::string& path, const CsvDatasetOptions& options) {
  if (options.classes < 1) throw ValueError("load_csv_dataset: classes = " + std::to_string(options.classes));
  if (options.limit < 0) throw ValueError("load_csv_dataset: limit = " + std::to_string(options.limit));
  if (!is_floating(options.dtype))
    throw ValueError("load_csv_dataset: dtype = " + std::string(to_string(options.dtype)) +
                     ": expected float32 or float64");
  Reader reader{path, std::ifstream(path, std::ios::binary)};
  if (!reader.in) throw IoError(path + ": cannot open file");
  std::optional<std::vector<std::string>> record = reader.next();
  if (!record) throw IoError(path + ": no lines: expected a header or examples, one a line");
  const std::int64_t columns = static_cast<std::int64_t>(record->size());
  const std::int64_t first_line = reader.line_number;
  std::vector<std::string> header;
  if (is_header(*record)) {
    header = *record;
    record = reader.next();
  }
  if (columns < 2) throw IoError(path + ": one column: expected features and a label");
  const std::int64_t label = label_column(path, header, columns, options);
  auto column_name = [&](std::int64_t c) {
    return "column " + std::to_string(c) + (header.empty() ? "" : " (\"" + header[static_cast<std::size_t>(c)] + "\")");
  };

  Dataset out;
  std::vector<std::int64_t> labels;
  dispatch_floating(options.dtype, [&](auto tag) {
    using T = decltype(tag);
    std::vector<T> values;
    for (; record && (options.limit == 0 || static_cast<std::int64_t>(labels.size()) < options.limit);
         record = reader.next()) {
      if (static_cast<std::int64_t>(record->size()) != columns)
        reader.fail(std::to_string(columns) + " fields as on line " + std::to_string(first_line) + ", found " +
                    std::to_string(record->size()));
      for (std::int64_t c = 0; c < columns; ++c) {
        const std::string& field = (*record)[static_cast<std::size_t>(c)];
        if (c == label) {
          const std::optional<std::int64_t> y = parse_label(field);
          if (!y || *y < 0 || *y >= options.classes)
            reader.fail("a class label in [0, " + std::to_string(options.classes) + ") in " + column_name(c) +
                        ", found \"" + field + "\"");
          labels.push_back(*y);
        } else if (const std::optional<T> x = parse_number<T>(field)) {
          values.push_back(*x);
        } else {
          reader.fail("a finite number in " + column_name(c) + ", found \"" + field + "\"");
        }
      }
    }
    const auto n = static_cast<std::int64_t>(labels.size());
    if (n == 0) throw IoError(path + ": no examples after the header: expected one example a line");
    Tensor rows = Tensor::empty(Shape{n, columns - 1}, options.dtype);
    std::copy(values.begin(), values.end(), rows.data<T>());
    out.set_inputs(std::move(rows));
  });
  out.targets = Tensor::empty(Shape{static_cast<std::int64_t>(labels.size())}, Dtype::Int64);
  std::copy(labels.begin(), labels.end(), out.targets.data<std::int64_t>());
  return out;
}

}  // namespace descent::data
