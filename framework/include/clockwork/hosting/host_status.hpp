// clockwork::host_status — what a host says about its services right now: each one's state,
// restarts and last failure, and the host's own phase. Every host offers one to its services
// through the container, for a service that shows the host it runs in (the dashboard's services
// page) without holding the host itself.
//
// Example — production and test side by side:
//
//   // production: a hosted service that reports its neighbours
//   auto status = provider.get<clockwork::host_status>();   // in the service's factory
//   for (const auto& s : status->services()) log->info("{}: {}", s.name, clockwork::to_string(s.state));
//   // test (virtual time): the same view of a host under test
//   auto app = builder.build();
//   rt.block_on(app.start());
//   auto status = app.services().get<clockwork::host_status>();
//   // status->services()[0].state == clockwork::service_state::running
//
// A host_status may outlive its host: it then reports no services and the phase "gone".
//
// Thread safety: like the host, it belongs to the host's runtime loop: call it there (a thread of
// its own posts the call to the loop, as the dashboard does).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "clockwork/hosting/host.hpp"

namespace clockwork {

struct service_status {
  std::string name;
  service_state state = service_state::created;
  unsigned restarts = 0;
  std::string last_failure;  // "faulted: execute threw: ..." (the kind, then the message), or empty
  steady_time last_failure_at{};
};

class host_status {
 public:
  explicit host_status(std::weak_ptr<host::state> state) : state_(std::move(state)) {}

  // In registration order.
  std::vector<service_status> services() const;
  // created, starting, running, start_failed, stopping, stopped; or gone once the host is.
  std::string_view phase() const;

 private:
  std::weak_ptr<host::state> state_;
};

}  // namespace clockwork
