#include "report/page_template.hpp"

#include <stdexcept>

#include "report/templates.hpp"

namespace trackprint::report {
namespace {

std::string html_escaped(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string filled_page(std::string_view name, std::initializer_list<Slot> slots) {
  const std::string_view text = embedded_file(name);
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  for (;;) {
    const std::size_t open = text.find("{{", at);
    if (open == std::string_view::npos) break;
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(text.substr(at, open - at));
    const std::string_view slot = text.substr(open + 2, close - open - 2);
    if (slot == "common_style") {
      out.append(embedded_file("common.css"));
    } else if (slot == "common_script") {
      out.append(embedded_file("common.js"));
    } else {
      bool found = false;
      for (const auto& [key, value] : slots) {
        if (key != slot) continue;
        out.append(key == "title" ? html_escaped(value) : std::string(value));
        found = true;
        break;
      }
      if (!found)
        throw std::logic_error("template " + std::string(name) + ": no value for {{" +
                               std::string(slot) + "}}");
    }
    at = close + 2;
  }
  out.append(text.substr(at));
  return out;
}

std::string script_safe(std::string json) {
  std::string out;
  out.reserve(json.size());
  for (std::size_t i = 0; i < json.size(); ++i) {
    if (json[i] == '<' && i + 1 < json.size() && json[i + 1] == '/') {
      out += "<\\/";
      ++i;
    } else if (json.compare(i, 3, "\xE2\x80\xA8") == 0 || json.compare(i, 3, "\xE2\x80\xA9") == 0) {
      out += json[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += json[i];
    }
  }
  return out;
}

}  // namespace trackprint::report
