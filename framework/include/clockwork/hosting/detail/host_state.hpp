// Internal: what a host and the coroutines running its services share. Held by shared_ptr so
// that a service's coroutine keeps it alive even if the host object goes away first.
// Thread safety: touched only on the host's runtime loop (lifetime's stop sources aside).
#pragma once

#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "clockwork/diagnostics/trace.hpp"
#include "clockwork/hosting/host.hpp"
#include "clockwork/runtime/async_event.hpp"

namespace clockwork::detail {

enum class host_phase { created, starting, running, stopping, stopped };

struct service_slot {
  std::string name;
  std::shared_ptr<background_service> service;
  std::stop_source stopping;          // execute's token
  std::unique_ptr<async_event> done;  // set when the service's coroutine has ended
  service_state state = service_state::created;
  bool running = false;  // its coroutine is alive
  unsigned restarts = 0;
};

}  // namespace clockwork::detail

namespace clockwork {

struct host::state {
  runtime* rt = nullptr;
  host_options options;
  std::optional<service_provider> provider;
  std::shared_ptr<spdlog::logger> logger;
  trace* tracer = nullptr;
  application_lifetime lifetime;
  std::vector<std::unique_ptr<detail::service_slot>> slots;
  detail::host_phase phase = detail::host_phase::created;
  std::unique_ptr<async_event> stop_done;
  steady_time stop_deadline{};
  std::vector<service_failure> failures;

  void record(std::string_view kind, std::string_view source, trace_fields fields = {});
  void fail(std::string service, failure_kind kind, std::string message, std::exception_ptr error);
  void faulted(detail::service_slot& slot, const std::exception_ptr& error);
  void ended_early(detail::service_slot& slot);
  detail::service_slot& slot(std::string_view name) const;

  ~state() {
    // The provider disposes singletons (services among them) before the rest goes.
    slots.clear();
    provider.reset();
  }
};

}  // namespace clockwork
