// Pattern 2, wrong: the loop lets the first exception escape execute(). DoWorkAsync takes 10 s
// and fails on every third call ("database unavailable"); runs start every 5 min 10 s. The
// third run throws at +10:30 and the exception ends execute(). What happens next is the host's
// on_service_exception policy, one scenario each:
//
//   stop_host (the default, as .NET 6+): the failure is logged as an error and a critical, and
//              the whole application stops at +10:30.
//   ignore:    the failure is logged; the host keeps running without the service — it does no
//              more work for the remaining 20 minutes (.NET would even exit 0; clockwork's exit
//              code says it crashed).
//   restart:   the host runs execute() again after an exponential backoff (1 s, then 2 s, ...);
//              the loop crashes every third call and is restarted twice in the span.
//
// Each is a service_faulted finding and a `faulted` failure (exit code 1): a crash is never a
// success, even when a restart recovered.
#include <stdexcept>

#include "entries.hpp"

namespace clockwork::scenarios::entries {
namespace {

class fragile_worker final : public background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    while (!stopping.stop_requested()) {
      note_run();
      co_await do_work(stopping);  // if this throws, the service stops
      co_await rt().delay(std::chrono::minutes(5), stopping);
    }
  }

 private:
  // 10 s of I/O; every third call fails. The count survives restarts (the service is one object).
  task<> do_work(std::stop_token token) {
    co_await rt().delay(std::chrono::seconds(10), token);
    if (++calls_ % 3 == 0) throw std::runtime_error("database unavailable");
  }
  int calls_ = 0;
};

// When the host began to stop, in whole minutes from the start.
std::int64_t host_stopped_at(testing::scenario_world& w) {
  for (const auto& r : w.trace().find("stop_requested", "host")) {
    return std::chrono::duration_cast<std::chrono::minutes>(r.steady - w.trace().origin()).count();
  }
  return -1;
}

scenario first_exception_kills(service_exception_behavior policy, std::string policy_name) {
  scenario s;
  s.name = "p2.first_exception_kills." + policy_name + ".wrong";
  s.section = "Pattern 2: Exception Handling";
  s.variant = "wrong";
  s.span = std::chrono::minutes(31) + std::chrono::seconds(5);
  s.host.on_service_exception = policy;
  s.resolution = std::chrono::seconds(5);  // 10 s of work; every instant counted is 15 s or more from a boundary
  s.setup = [](testing::scenario_world& w) { w.builder().add_hosted_service<fragile_worker>("worker"); };
  s.count = [](testing::scenario_world& w, testing::verdict& v) {
    v.count("runs", w.count_records("run", "worker"));
    v.count("faults", w.count_records("service_faulted", "worker"));
    v.count("restarts", w.count_records("service_restarted", "worker"));
    v.count("host_stopped_at_min", host_stopped_at(w));
  };
  s.expected.finding(finding_kind::service_faulted, "worker").failure("worker", failure_kind::faulted);
  return s;
}

}  // namespace

scenario first_exception_kills_stop_host() {
  scenario s = first_exception_kills(service_exception_behavior::stop_host, "stop_host");
  s.summary = "an exception escapes execute under stop_host: the whole application stops at the first fault";
  s.expected.count("runs", 3).count("faults", 1).count("restarts", 0).count("host_stopped_at_min", 10);  // +10:30
  return s;
}

scenario first_exception_kills_ignore() {
  scenario s = first_exception_kills(service_exception_behavior::ignore, "ignore");
  s.summary = "an exception escapes execute under ignore: the service is dead for the rest of the run";
  s.expected.count("runs", 3).count("faults", 1).count("restarts", 0).count("host_stopped_at_min", 31);  // +31:05
  return s;
}

scenario first_exception_kills_restart() {
  scenario s = first_exception_kills(service_exception_behavior::restart, "restart");
  s.summary = "an exception escapes execute under restart: crash, back off, start over, and crash again";
  // Faults at +10:30 and +21:01, restarts 1 s and 2 s later; the stop at +31:05 finds it waiting.
  s.expected.count("runs", 8).count("faults", 2).count("restarts", 2).count("host_stopped_at_min", 31);
  return s;
}

}  // namespace clockwork::scenarios::entries
