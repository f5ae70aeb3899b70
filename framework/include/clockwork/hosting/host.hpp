// clockwork::host — runs background services: starts them in registration order, stops them in
// reverse, enforces its timeouts on the injected clock, and reports every failure.
//
// A host is built by host_builder (host_builder.hpp) on a runtime. Its life:
//   start()  starting hooks → each service's execute() launched → started hooks → lifetime
//            started. One by one (the default), start stops at the first hook that throws and
//            rethrows it; with start_concurrently every hook runs and the first error is
//            rethrown. Throws timeout_error past startup_timeout, operation_canceled when the
//            caller's token, stop() or the application's stopping token stops it first.
//   stop()   stopping hooks → lifetime stopping → each service's stopping token stopped and
//            its execute awaited → stopped hooks → hosted services' dispose() → the container's
//            singletons disposed → lifetime stopped, all within shutdown_timeout (.NET's
//            StopAsync order). Services and hooks still running at the deadline are
//            abandoned: named in the log, the result and a cancellation_ignored finding. stop()
//            never rethrows a service's error.
//   run()    start(), wait until the application is asked to stop (or run's token), stop();
//            returns the result.
//
// Every hook and every wait of the host has a deadline: a starting/started hook is abandoned
// at the startup deadline, a stopping/stopped hook at the shutdown deadline — each after one
// more turn of the loop to honour its (stopped) token — and the result names it.
//
// Example — one host, production and test:
//
//   // production (main):
//   clockwork::real_runtime rt;
//   clockwork::host_builder builder{rt};
//   builder.add_hosted_service<daily_log_service>("daily_log");
//   clockwork::host app = builder.build();
//   rt.stop_on_signals(app.lifetime().stop_source());  // SIGINT/SIGTERM → graceful stop
//   return rt.block_on(app.run()).exit_code;
//
//   // test (virtual time):
//   clockwork::virtual_runtime rt;
//   ... same builder calls ...
//   rt.block_on(app.start());
//   rt.run_for(std::chrono::days(7));
//   rt.block_on(app.stop());
//   EXPECT_TRUE(app.result().ok());
//
// Defined edge cases: stop() before start() stops nothing and execute never runs; stop() right
// after start() still runs every execute once (with its token already stopped); stop() while
// start() is still running cancels the start (no execute is launched after that), waits for
// it within the shutdown timeout, then stops what was launched; a second stop() waits for the
// first and changes nothing; start() twice throws std::logic_error; destroying a host that was
// never stopped requests stop of every service (their coroutines unwind on the runtime), logs a
// warning, and disposes the services once their coroutines are gone.
//
// Result: exit_code is 0 only when no service faulted, failed to start or stop, was abandoned
// or failed to dispose — a crash is never reported as success, even when a restart policy
// recovered. A start cancelled because the application was asked to stop is not a failure.
//
// Thread safety: a host belongs to its runtime's loop/driving thread. lifetime() may be used
// from any thread.
#pragma once

#include <chrono>
#include <exception>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "clockwork/di/service_provider.hpp"
#include "clockwork/hosting/application_lifetime.hpp"
#include "clockwork/hosting/background_service.hpp"
#include "clockwork/hosting/host_options.hpp"
#include "clockwork/runtime/runtime.hpp"
#include "clockwork/task.hpp"

namespace spdlog {
class logger;
}

namespace clockwork {

class trace;

enum class service_state { created, running, faulted, stopped, abandoned };
std::string_view to_string(service_state state) noexcept;

enum class failure_kind {
  faulted,          // execute() threw
  start_failed,     // a starting/started hook threw, or start was cancelled
  startup_timeout,  // start did not finish within startup_timeout
  stop_failed,      // a stopping/stopped hook threw
  abandoned,        // still running (execute or a hook) at the shutdown deadline
  dispose_failed,   // a hosted service's or a singleton's dispose() threw
};
std::string_view to_string(failure_kind kind) noexcept;

struct service_failure {
  std::string service;  // "host" for failures of the host itself
  failure_kind kind;
  std::string message;
  steady_time at{};
  std::exception_ptr error;
};

struct host_result {
  int exit_code = 0;
  std::vector<service_failure> failures;
  bool ok() const noexcept { return exit_code == 0; }
  // One line per failure, or "ok".
  std::string summary() const;
};

class host {
 public:
  host(host&&) noexcept;
  host& operator=(host&&) noexcept;
  ~host();

  task<> start(std::stop_token token = {});
  task<> stop(std::stop_token token = {});
  task<host_result> run(std::stop_token token = {});

  host_result result() const;
  application_lifetime& lifetime() noexcept;
  service_provider& services() noexcept;
  runtime& rt() const noexcept;
  const std::shared_ptr<spdlog::logger>& logger() const noexcept;
  const host_options& options() const noexcept;

  std::vector<std::string> service_names() const;
  // Throw std::out_of_range naming the service when there is none by that name.
  service_state state_of(std::string_view service) const;
  unsigned restarts_of(std::string_view service) const;
  std::shared_ptr<background_service> service(std::string_view name) const;

  struct state;

 private:
  friend class host_builder;
  explicit host(std::shared_ptr<state> s) noexcept;
  std::shared_ptr<state> state_;
};

}  // namespace clockwork
