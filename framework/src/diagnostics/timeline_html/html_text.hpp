// Escaping for the timeline page's markup, shared by the parts that write it: every character
// that could end or start markup becomes an entity, so that any name or message is shown as text.
#pragma once

#include <string>
#include <string_view>

namespace clockwork::detail {

// Appends text escaped for an element's content or a quoted attribute value.
inline void append_html(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
}

inline std::string html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_html(out, text);
  return out;
}

}  // namespace clockwork::detail
