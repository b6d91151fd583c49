#include "descent/util/csv.hpp"

#include <algorithm>
#include <iterator>

namespace descent::util {

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void CsvWriter::comment(std::string_view text) {
  std::string line(text);
  for (char& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  out_ << "# " << line << kCsvLineEnd;
}

void CsvWriter::row(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) line.append(i ? "," : "").append(csv_field(fields[i]));
  out_ << line << kCsvLineEnd;
}

CsvText read_csv(std::istream& in) {
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  CsvText csv;
  std::int64_t line = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '\n' || text[i] == '\r') {  // an empty line, or the CR of one
      line += text[i++] == '\n';
      continue;
    }
    if (text[i] == '#') {
      std::size_t end = std::min(text.find('\n', i), text.size());
      std::string comment = text.substr(i + 1, end - i - 1);
      if (!comment.empty() && comment.back() == '\r') comment.pop_back();
      csv.comments.push_back(comment.starts_with(' ') ? comment.substr(1) : comment);
      i = end;
      continue;
    }
    csv.lines.push_back(line);
    std::vector<std::string>& fields = csv.records.emplace_back(1);
    bool quoted = false;
    for (; i < text.size(); ++i) {
      const char c = text[i];
      if (quoted) {
        if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') fields.back() += '"', ++i;
        else if (c == '"') quoted = false;
        else fields.back() += c, line += c == '\n';
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.emplace_back();
      } else if (c == '\n') {
        break;
      } else if (c != '\r') {
        fields.back() += c;
      }
    }
  }
  return csv;
}

}  // namespace descent::util
