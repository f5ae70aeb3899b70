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

// The host's lifecycle. Every transition is made by start() or stop() (or the destructor), and
// each refuses to run in a phase it does not belong to:
//   created → starting → running → stopping → stopped
//                      ↘ start_failed ↗
// stop() during `starting` moves to `stopping` at once and cancels the start; the start then
// ends (throwing) before it launches anything more, and stop() waits for it before it stops
// what was launched. Nothing moves a host back to an earlier phase.
enum class host_phase { created, starting, running, start_failed, stopping, stopped };

struct service_slot {
  std::string name;
  std::shared_ptr<background_service> service;
  std::stop_source stopping;          // execute's token
  std::unique_ptr<async_event> done;  // set when the service's coroutine has ended
  service_state state = service_state::created;
  bool running = false;   // its coroutine is alive
  bool disposed = false;  // dispose() was called (once, after the coroutine ended)
  unsigned restarts = 0;
  std::exception_ptr first_fault;  // what execute threw first, for an inline start to rethrow
};

}  // namespace clockwork::detail

namespace clockwork {

struct host::state {
  runtime* rt = nullptr;
  host_options options;
  std::optional<service_provider> provider;
  std::shared_ptr<spdlog::logger> logger;
  // Shared with the provider, which hands it to services: it may outlive the host.
  std::shared_ptr<application_lifetime> lifetime = std::make_shared<application_lifetime>();
  std::vector<std::unique_ptr<detail::service_slot>> slots;
  detail::host_phase phase = detail::host_phase::created;
  std::stop_source start_cancel;   // stop() cancels a start in progress (its hooks see it)
  std::stop_source start_abandon;  // ... and gives up waiting for its hooks at the shutdown deadline
  // A service faulted during start under the stop_host policy: the application is stopped once
  // the start has finished, as .NET's host finishes starting before it stops.
  bool stop_after_start = false;
  std::unique_ptr<async_event> start_done;
  std::unique_ptr<async_event> stop_done;
  steady_time stop_deadline{};
  std::vector<service_failure> failures;
  // Whether disposal errors reported now (through the provider's on_dispose_error) belong in
  // the result: during stop() yes, during destruction they can only be logged.
  bool disposal_in_result = false;

  void record(std::string_view kind, std::string_view source, trace_fields fields = {});
  void fail(std::string service, failure_kind kind, std::string message, std::exception_ptr error);
  void faulted(detail::service_slot& slot, const std::exception_ptr& error);
  void ended_early(detail::service_slot& slot);
  detail::service_slot& slot(std::string_view name) const;
  // Calls dispose() of every hosted service whose coroutine has ended and that was not
  // disposed yet, in reverse registration order. Errors are logged and traced, and become
  // failures when `in_result` (during stop); never thrown.
  void dispose_services(bool in_result) noexcept;
  // Ends the root provider (its singletons' dispose()), with the same error handling.
  void dispose_provider(bool in_result) noexcept;
  void disposal_failed(std::string_view what, const std::exception_ptr& error, bool in_result) noexcept;

  ~state();
};

}  // namespace clockwork
