#include "config_section.hpp"

#include <cstdio>
#include <sstream>

#include "descent/util/excerpt.hpp"

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

namespace {

// Stops once `out` holds more than kRenderBytes: a message quotes a value, not a 10 MB array.
constexpr std::size_t kRenderBytes = 120;

void render_into(const toml::node& node, std::string& out) {
  if (out.size() > kRenderBytes) return;
  if (const auto* s = node.as_string()) {
    out += toml_string(util::excerpt(s->get()));
  } else if (const auto* i = node.as_integer()) {
    out += std::to_string(i->get());
  } else if (const auto* f = node.as_floating_point()) {
    out += render_double(f->get());
  } else if (const auto* b = node.as_boolean()) {
    out += b->get() ? "true" : "false";
  } else if (const auto* a = node.as_array()) {
    out += '[';
    for (std::size_t k = 0; k < a->size() && out.size() <= kRenderBytes; ++k) {
      if (k) out += ", ";
      render_into((*a)[k], out);
    }
    out += out.size() > kRenderBytes ? "...]" : "]";
  } else if (const auto* t = node.as_table()) {
    bool first = true;
    for (auto&& [key, value] : *t) {
      if (out.size() > kRenderBytes) break;
      out.append(first ? "{ " : ", ").append(util::excerpt(key.str())).append(" = ");
      render_into(value, out);
      first = false;
    }
    out += first ? "{}" : out.size() > kRenderBytes ? "... }" : " }";
  } else {
    std::ostringstream os;  // dates and times
    node.visit([&](const auto& v) { os << v; });
    out += os.str();
  }
}

}  // namespace

std::string render(const toml::node& node) {
  std::string out;
  render_into(node, out);
  return out;
}

}  // namespace descent::train::config_reader
