// clockwork::dashboard::detail::services_view — what the services page shows: the host's phase,
// each service's state, restarts and last failure (from host_status), its runs and findings (from
// the recent_history summaries, which outlive the ring), and the host's recent events, newest
// first. Read on the runtime's loop (read_services), rendered and serialised anywhere.
//
//   auto view = on_loop<services_view>(rt, 5s, [=]() -> task<services_view> { co_return read_services(status, recent);
//   }); res.set_content(services_page(*view), "text/html; charset=utf-8");
//
// The standalone dashboard (clockwork-jobs dashboard) runs in no host: in_host is false and the
// page says so.
//
// Thread safety: read_services on the host's loop; the rest are pure functions over values.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "clockwork/diagnostics/recent_history.hpp"
#include "clockwork/hosting/host_status.hpp"

namespace clockwork::dashboard::detail {

struct service_row {
  service_status status;
  source_summary summary;  // empty when the service recorded nothing yet
};

struct services_view {
  bool in_host = false;
  std::string phase;
  std::vector<service_row> services;
  std::vector<trace_record> recent;  // newest first
  std::uint64_t dropped = 0;         // records the ring has forgotten
};

// At most `recent_limit` recent records. Either pointer may be null (no host, no history).
services_view read_services(const host_status* status, const recent_history* recent, std::size_t recent_limit = 200);

std::string services_page(const services_view& view);
nlohmann::json to_json(const services_view& view);

// The services page's script, served as /static/services.js: refreshes the table from
// /api/services every two seconds (textContent only).
extern const std::string_view services_js;

}  // namespace clockwork::dashboard::detail
