#include "config_section.hpp"

#include <cstdio>
#include <sstream>

namespace descent::train::config_reader {
namespace {

// Shortest text that reads back as `x`, with a ".0" so 3.0 does not print as the integer 3.
std::string render_double(double x) {
  std::string s = util::format_number(x);
  if (std::isfinite(x) && s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

}  // namespace

bool contains(Names names, std::string_view name) {
  for (std::string_view n : names)
    if (n == name) return true;
  return false;
}

std::string toml_string(std::string_view s) {
  std::string q = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      q += '\\';
      q += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      q += buf;
    } else {
      q += c;
    }
  }
  return q + '"';
}

std::string render(const toml::node& node) {
  if (const auto* s = node.as_string()) return toml_string(s->get());
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* f = node.as_floating_point()) return render_double(f->get());
  if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
  if (const auto* a = node.as_array()) {
    std::string s = "[";
    for (std::size_t k = 0; k < a->size(); ++k) s += (k ? ", " : "") + render((*a)[k]);
    return s + "]";
  }
  if (const auto* t = node.as_table()) {
    std::string s;
    for (auto&& [key, value] : *t) s += (s.empty() ? "{ " : ", ") + std::string(key.str()) + " = " + render(value);
    return s.empty() ? "{}" : s + " }";
  }
  std::ostringstream os;  // dates and times
  node.visit([&](const auto& v) { os << v; });
  return os.str();
}

}  // namespace descent::train::config_reader
