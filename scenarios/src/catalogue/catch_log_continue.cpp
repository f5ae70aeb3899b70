// Pattern 2, right: catch, log, continue. The same work as the wrong variants (10 s of I/O that
// fails on every third call), inside the patterns document's try/catch: each failure is logged as an error
// and the loop goes on to its next run five minutes later. Nothing is found, the host exits 0.
//
// The stop lands in the middle of the seventh run's work. The cancellation that interrupts it is
// caught by its own handler — the patterns document's `catch (OperationCanceledException) when
// (stoppingToken.IsCancellationRequested)` — logged at information level ("Service is
// stopping") and ends the loop: a graceful stop, with no error logged after it.
#include <optional>
#include <stdexcept>

#include "entries.hpp"

namespace clockwork::scenarios::entries {
namespace {

class resilient_worker final : public background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    while (!stopping.stop_requested()) {
      note_run();
      try {
        co_await do_work(stopping);
      } catch (const operation_canceled&) {
        if (!stopping.stop_requested()) throw;  // not ours: let the host see it
        log()->info("Service is stopping");     // graceful shutdown: not an error
        break;
      } catch (const std::exception& e) {
        log()->error("Error in background service. Will retry in 5 minutes. Error: {}", e.what());
      }
      co_await rt().delay(std::chrono::minutes(5), stopping);
    }
  }

 private:
  task<> do_work(std::stop_token token) {
    co_await rt().delay(std::chrono::seconds(10), token);
    if (++calls_ % 3 == 0) throw std::runtime_error("database unavailable");
  }
  int calls_ = 0;
};

// Error-level records the service logged, before and after the stop was requested.
std::int64_t errors_of(testing::scenario_world& w, const std::string& service, bool after_stop) {
  std::optional<utc_time> stop;
  for (const auto& r : w.trace().find("stop_requested", "host")) stop = r.utc;
  std::int64_t n = 0;
  for (const auto& r : w.logs().records()) {
    if (r.logger != service || r.level != spdlog::level::err) continue;
    if (stop && (r.time >= *stop) == after_stop) ++n;
  }
  return n;
}

}  // namespace

scenario catch_log_continue() {
  scenario s;
  s.name = "p2.catch_log_continue.right";
  s.section = "Pattern 2: Exception Handling";
  s.variant = "right";
  s.summary = "catch, log, continue: every third run fails and is logged, the loop goes on; the stop is not an error";
  s.span = std::chrono::minutes(31) + std::chrono::seconds(5);  // 5 s into the 7th run's 10 s of work
  s.resolution = std::chrono::seconds(5);
  s.setup = [](testing::scenario_world& w) { w.builder().add_hosted_service<resilient_worker>("worker"); };
  s.count = [](testing::scenario_world& w, testing::verdict& v) {
    v.count("runs", w.count_records("run", "worker"));
    v.count("errors_logged", errors_of(w, "worker", false));
    v.count("errors_logged_at_stop", errors_of(w, "worker", true));
    v.count("stopping_logged", w.count_logs("Service is stopping"));
  };
  // Runs at +0, +5:10, ... +31:00; calls 3 and 6 fail; the 7th is interrupted by the stop.
  s.expected.count("runs", 7).count("errors_logged", 2).count("errors_logged_at_stop", 0).count("stopping_logged", 1);
  return s;
}

}  // namespace clockwork::scenarios::entries
