// clockwork::trace_field — one key/value pair of an observable event, in the order given: what
// trace records, observer events and findings' details are made of.
//
//   clockwork::trace_fields fields{{"restart", "2"}, {"backoff", "00:00:02.000"}};
//   rt.emit("service_restarted", "importer", fields);      // production and test alike
//
// Thread safety: plain values.
#pragma once

#include <string>
#include <vector>

namespace clockwork {

struct trace_field {
  std::string key;
  std::string value;
  friend bool operator==(const trace_field&, const trace_field&) = default;
};
using trace_fields = std::vector<trace_field>;

}  // namespace clockwork
