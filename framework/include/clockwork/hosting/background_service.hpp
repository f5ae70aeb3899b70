// clockwork::background_service — a long-running job hosted by a clockwork::host, the
// counterpart of .NET's BackgroundService.
//
// Override execute(stopping): it is started once when the host starts and must return (or let
// operation_canceled escape) once `stopping` is stopped. Everything time-related goes through
// what the host injects: rt() (the runtime: delays, timers, spawn), rt().clock(), log(), and
// services resolved from the host's provider (scope_factory for scoped work).
//
// Example — the patterns document's DailyLog-style loop; production and test differ only in the runtime:
//
//   class cleanup_service final : public clockwork::background_service {
//    public:
//     clockwork::task<> execute(std::stop_token stopping) override {
//       co_await rt().delay(std::chrono::minutes(1), stopping);      // start-up delay
//       while (!stopping.stop_requested()) {
//         try {
//           co_await clean_up(stopping);
//         } catch (const clockwork::operation_canceled&) {
//           throw;                                                    // shutting down
//         } catch (const std::exception& e) {
//           log()->error("cleanup failed: {}. Will retry.", e.what()); // catch, log, continue
//         }
//         co_await rt().delay(std::chrono::hours(6), stopping);
//       }
//     }
//   };
//   // production: host_builder{real_rt}.add_hosted_service<cleanup_service>("cleanup")
//   // test:       clockwork::testing::simulation sim; sim.builder().add_hosted_service<...>
//   //             sim.start(); sim.run_for(std::chrono::days(30));
//
// Optional lifecycle hooks (.NET's IHostedLifecycleService) run around start and stop, in the
// host's order: starting → (execute started) → started, and stopping → (execute stopped) →
// stopped. Each receives the host's start or shutdown token.
//
// Contract:
//   - execute() is invoked exactly once per start — even if stop is requested before it got to
//     run (it then sees `stopping` already stopped). With a start token already stopped, it is
//     never invoked.
//   - operation_canceled escaping execute() after stop was requested is a graceful end. Any
//     other exception is a fault, handled by host_options::on_service_exception.
//   - rt() and log() are valid from the moment the host builds the service; calling them on a
//     service no host owns throws std::logic_error.
//   - Thread safety: execute and the hooks run on the runtime's loop; a service needs no locks
//     for state that only they touch.
#pragma once

#include <memory>
#include <stdexcept>
#include <stop_token>
#include <string>

#include <spdlog/logger.h>  // services log through log(); they need the full type

#include "clockwork/runtime/runtime.hpp"
#include "clockwork/task.hpp"

namespace clockwork {

class host_builder;

class background_service {
 public:
  background_service() = default;
  background_service(const background_service&) = delete;
  background_service& operator=(const background_service&) = delete;
  virtual ~background_service() = default;

  virtual task<> execute(std::stop_token stopping) = 0;

  virtual task<> starting(std::stop_token /*start*/) { co_return; }
  virtual task<> started(std::stop_token /*start*/) { co_return; }
  virtual task<> stopping(std::stop_token /*shutdown*/) { co_return; }
  virtual task<> stopped(std::stop_token /*shutdown*/) { co_return; }

  // Releases what the service holds (the patterns document's Pattern 3 disposes its timer here). The host
  // calls it once, after the service's coroutine has ended, in reverse registration order: at
  // the end of stop(), or — for a service abandoned at the shutdown deadline, or a host never
  // stopped — when that coroutine finally ends. An exception is logged and traced (and fails
  // the result during stop()), never rethrown. If the same instance is also a container
  // singleton, the container calls it too: keep it idempotent, as .NET's Dispose.
  virtual void dispose() {}

  const std::string& name() const noexcept { return name_; }

 protected:
  // Reports one unit of the service's scheduled work done (a `run` event): what a
  // schedule_detector checks against the schedule the service declared. Costs nothing when
  // nothing observes the runtime.
  void note_run() const { rt().emit("run", name_); }

  runtime& rt() const {
    if (runtime_ == nullptr) throw std::logic_error("clockwork::background_service: not owned by a host yet");
    return *runtime_;
  }
  const std::shared_ptr<spdlog::logger>& log() const {
    if (runtime_ == nullptr) throw std::logic_error("clockwork::background_service: not owned by a host yet");
    return logger_;
  }

 private:
  friend class host_builder;
  void attach(runtime& rt, std::shared_ptr<spdlog::logger> logger, std::string name) {
    runtime_ = &rt;
    logger_ = std::move(logger);
    name_ = std::move(name);
  }

  runtime* runtime_ = nullptr;
  std::shared_ptr<spdlog::logger> logger_;
  std::string name_;
};

}  // namespace clockwork
