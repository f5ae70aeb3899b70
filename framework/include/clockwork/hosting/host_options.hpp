// clockwork::host_options — how a host starts, stops and treats failing services.
//
// Defaults follow .NET's HostOptions, with its known failings fixed: every timeout runs on the
// injected clock (so it is exact in virtual time), the shutdown timeout is enforced (services
// still running are abandoned and named), and a faulted service always makes the host's result
// a failure.
//
//   clockwork::host_options options;
//   options.shutdown_timeout = std::chrono::seconds(10);
//   options.on_service_exception = clockwork::service_exception_behavior::restart;
//   options.restart = {.initial_delay = std::chrono::seconds(1), .max_delay = std::chrono::minutes(5)};
//   // production and test: host_builder{rt}.configure(options)
//
// Thread safety: a plain value; validate() throws std::invalid_argument naming a bad field.
#pragma once

#include <chrono>
#include <optional>

namespace clockwork {

enum class service_exception_behavior {
  stop_host,  // log error + critical, then stop the application (the default)
  ignore,     // log error; the host keeps running without that service
  restart,    // log error; run execute again after an exponential backoff
};

struct restart_policy {
  std::chrono::nanoseconds initial_delay = std::chrono::seconds(1);
  double multiplier = 2.0;
  std::chrono::nanoseconds max_delay = std::chrono::minutes(5);
  std::optional<unsigned> max_restarts;  // none: restart forever
  // The delay before restart number n (1-based): initial * multiplier^(n-1), capped.
  std::chrono::nanoseconds delay_before(unsigned n) const;
};

struct host_options {
  // Zero: abandon whatever is still running at once (after one turn to honour the token).
  // clockwork::infinite: wait as long as it takes. Negative values are refused.
  std::chrono::nanoseconds shutdown_timeout = std::chrono::seconds(30);
  // None (or clockwork::infinite): start may take as long as it takes. Zero: start fails at
  // once with startup_timeout, as .NET's StartAsync does with an already-cancelled token.
  std::optional<std::chrono::nanoseconds> startup_timeout;
  bool start_concurrently = false;                          // run the services' starting/started hooks concurrently
  bool stop_concurrently = false;                           // stop every service at once instead of one by one
  service_exception_behavior on_service_exception = service_exception_behavior::stop_host;
  restart_policy restart;
  bool validate_scopes = true;
  // Run execute() inside start() until its first suspension, as .NET did before version 10.
  // Off by default; on, it replays the "blocking ExecuteAsync delays start-up" mistake.
  bool inline_start = false;
  // A service whose start takes longer than this is a startup_blocked finding.
  std::chrono::nanoseconds startup_block_budget = std::chrono::seconds(1);

  void validate() const;
};

}  // namespace clockwork
