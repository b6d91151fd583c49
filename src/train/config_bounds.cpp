// A scan of the TOML text that knows just enough of the grammar to count nesting: strings and comments
// are skipped, a line outside any array or inline table starts a key (or a [table] header, itself a
// key), '=' starts a value, '[' and '{' in a value open a level, '{' and ',' inside an inline table
// start a key again, and each '.' in a key goes one table deeper. A header's depth lasts until the
// next header. What it cannot make sense of it leaves for toml++ to report.
//
// It also refuses the non-ASCII characters toml++ 3.3 (Debian 12's) cannot look at: asked whether
// U+00A1 to U+0499, U+2CEE to U+30E7 (but U+3000) or U+FB26 to U+FEFE is whitespace, it reaches
// __builtin_unreachable (undefined behaviour; UBSan reports it). It asks outside strings and comments,
// where TOML allows only ASCII anyway, and in a multi-line basic string after a backslash (an escape,
// or a line-ending backslash and the whitespace it skips). A quote starts a string only where TOML
// lets one start (a line's first character, or after = [ , { or .): toml++ reads a quote inside a
// bare word (x = 12"é) as part of the word and asks about the characters after it.
#include "config_bounds.hpp"

#include <vector>

#include "descent/error.hpp"
#include "descent/util/memory_limit.hpp"

namespace descent::train::config_reader {
namespace {

class Scanner {
 public:
  Scanner(std::string_view text, const std::string& path) : text_(text), path_(path) {}

  void run() {
    if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;  // a UTF-8 byte order mark
    char last = '\n';  // the last character outside strings and comments that is not a space
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '#') {
        skip_comment();
        continue;
      }
      if ((c == '"' || c == '\'') && std::string_view("\n=[,{.").find(last) != std::string_view::npos) {
        skip_string(c);
        last = c;
        continue;
      }
      if (c == '\n') {
        ++pos_;
        last = c;
        if (levels_.empty()) start_key(/*line_start=*/true);
        continue;
      }
      if (c != ' ' && c != '\t' && c != '\r') last = c;
      if (static_cast<unsigned char>(c) >= 0x80)
        fail(pos_,
             "a non-ASCII byte outside a string or comment: expected ASCII (TOML keys and values other "
             "than strings are ASCII)");
      if (in_key_) key_char(c);
      else value_char(c);
      ++pos_;
    }
  }

 private:
  // Nesting as the tree will have it: the current header's keys, each open array or inline table with
  // the keys that led to it, and the key being read.
  int depth() const {
    int d = header_depth_ + key_depth_;
    for (int level : levels_) d += level;
    return d;
  }

  // ConfigError "cfg.toml:LINE:COLUMN: what" for byte `at`.
  [[noreturn]] void fail(std::size_t at, const std::string& what) const {
    std::size_t line = 1, line_start = 0;
    for (std::size_t i = 0; i < at; ++i)
      if (text_[i] == '\n') ++line, line_start = i + 1;
    throw ConfigError(path_ + ":" + std::to_string(line) + ":" + std::to_string(at - line_start + 1) + ": " + what);
  }

  void check_depth() {
    if (depth() > kMaxConfigDepth)
      fail(pos_, "tables, arrays and dotted keys nested more than " + std::to_string(kMaxConfigDepth) +
                     " levels deep: expected a flatter config");
  }

  void start_key(bool line_start) {
    in_key_ = true;
    header_ = false;
    at_line_start_ = line_start;
    key_depth_ = 1;
  }

  void key_char(char c) {
    if (c == ' ' || c == '\t' || c == '\r') return;
    if (c == '[' && at_line_start_ && levels_.empty()) {  // [table] or [[array of tables]]
      if (!header_) header_depth_ = 0, key_depth_ = 1;
      header_ = true;
      return;
    }
    at_line_start_ = false;
    if (c == '.') {
      ++key_depth_;
      check_depth();
    } else if (c == ']' && header_) {  // the first ']' of [a.b] or [[a.b]]
      header_depth_ = key_depth_;
      key_depth_ = 0;
      header_ = false;
    } else if (c == '=') {
      in_key_ = false;
    } else if (c == '}' && !levels_.empty()) {  // {} : an empty inline table
      close_level();
    }
  }

  void value_char(char c) {
    if (c == '[' || c == '{') {
      levels_.push_back(key_depth_ + 1);
      key_depth_ = 0;
      kinds_.push_back(c);
      check_depth();
      if (c == '{') start_key(false);
    } else if (c == ']' || c == '}') {
      close_level();
    } else if (c == ',' && !kinds_.empty() && kinds_.back() == '{') {
      start_key(false);
    }
  }

  void close_level() {
    if (levels_.empty()) return;
    levels_.pop_back();
    kinds_.pop_back();
    key_depth_ = 0;
    in_key_ = false;
  }

  void skip_comment() {
    while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
  }

  // A basic ("...", with escapes) or literal ('...') string, or their multi-line forms """...""" and
  // '''...'''. An unterminated one ends the scan: toml++ will say where.
  void skip_string(char quote) {
    const bool multi = text_.substr(pos_, 3) == std::string(3, quote);
    pos_ += multi ? 3 : 1;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '\\' && quote == '"') {
        if (multi) check_after_backslash();
        pos_ += 2;
        continue;
      }
      if (c == '\n' && !multi) return;  // toml++ reports the unterminated string
      if (c == quote && (!multi || text_.substr(pos_, 3) == std::string(3, quote))) {
        pos_ += multi ? 3 : 1;
        // A multi-line string may end with up to two more quotes of its own.
        while (multi && pos_ < text_.size() && text_[pos_] == quote) ++pos_;
        return;
      }
      ++pos_;
    }
  }

  // After a backslash in a multi-line basic string, toml++ asks whether the next character, and the
  // first after the whitespace a line-ending backslash skips, is whitespace (see the top).
  void check_after_backslash() const {
    std::size_t at = pos_ + 1;
    while (at < text_.size() && (text_[at] == ' ' || text_[at] == '\t' || text_[at] == '\r' || text_[at] == '\n')) ++at;
    if (at < text_.size() && static_cast<unsigned char>(text_[at]) >= 0x80)
      fail(at,
           "a non-ASCII character after a backslash in a multi-line string: expected an escape such as "
           "\\u00e9 (toml++ cannot read it there)");
  }

  std::string_view text_;
  const std::string& path_;
  std::size_t pos_ = 0;
  bool in_key_ = true, header_ = false, at_line_start_ = true;
  int header_depth_ = 0, key_depth_ = 1;
  std::vector<int> levels_;
  std::vector<char> kinds_;
};

}  // namespace

void check_config_size(std::uint64_t bytes, const std::string& path) {
  if (bytes > kMaxConfigBytes)
    throw ConfigError(path + ": " + util::memory_text(bytes) + ": expected a config of at most " +
                      util::memory_text(kMaxConfigBytes));
}

void check_config_bounds(std::string_view text, const std::string& path) {
  check_config_size(text.size(), path);
  Scanner(text, path).run();
}

}  // namespace descent::train::config_reader
