// A trace record's field as a string, empty when the record has no such field: how the trace's
// renderings (the Chrome trace, the timeline page's tables) read fields that may be absent.
#pragma once

#include <string>
#include <string_view>

#include "clockwork/diagnostics/trace.hpp"

namespace clockwork::detail {

inline std::string field_or_empty(const trace_record& r, std::string_view key) {
  const std::string* v = r.field(key);
  return v ? *v : std::string();
}

}  // namespace clockwork::detail
