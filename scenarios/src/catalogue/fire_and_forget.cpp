// Mistake 3: fire-and-forget. Every 10 minutes the service sends a notification in the
// background and carries on; the second send fails ("smtp timeout").
//
// C#'s `_ = DoSomethingAsync();` has no literal C++ equivalent: a clockwork::task is lazy, and a
// discarded one never runs at all (and [[nodiscard]] says so). Detached work goes through
// rt().spawn, which never loses an exception:
//
//   wrong  the spawned work does not catch. The failure surfaces anyway — logged by the runtime,
//          kept in unobserved_exceptions() — as an unobserved_exception finding naming the
//          service that spawned the work (a spawned task inherits its spawner's root), not the
//          anonymous task. In .NET it would have vanished.
//   right  the patterns document's `Task.Run(async () => { try { ... } catch { _logger.LogError(...) } })`:
//          the spawned work catches and logs through the service's logger. One error logged,
//          nothing found.
#include <stdexcept>

#include "entries.hpp"

namespace clockwork::scenarios::entries {
namespace {

template <bool Logged>
class notifier final : public background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    while (!stopping.stop_requested()) {
      note_run();
      if constexpr (Logged) {
        rt().spawn(send_logged(++sends_), "send_notification");
      } else {
        rt().spawn(send(++sends_), "send_notification");  // ❌ nobody catches
      }
      co_await rt().delay(std::chrono::minutes(10), stopping);
    }
  }

 private:
  task<> send(int n) {
    co_await rt().delay(std::chrono::seconds(3));  // talking to the mail server
    if (n == 2) throw std::runtime_error("smtp timeout");
  }
  task<> send_logged(int n) {
    try {
      co_await send(n);
    } catch (const std::exception& e) {
      log()->error("Fire-and-forget task failed: {}", e.what());
    }
  }
  int sends_ = 0;
};

scenario fire_and_forget(std::string name, std::string variant) {
  scenario s;
  s.name = std::move(name);
  s.section = "Mistake 3: Fire-and-Forget Without Logging";
  s.variant = variant;
  s.span = std::chrono::minutes(35);
  s.resolution = std::chrono::seconds(30);  // sends every 10 min, each 3 s long
  s.count = [](testing::scenario_world& w, testing::verdict& v) {
    v.count("sends", w.count_records("run", "notifier"));
    v.count("errors_logged", w.count_logs("Fire-and-forget task failed"));
  };
  return s;
}

}  // namespace

scenario fire_and_forget_wrong() {
  scenario s = fire_and_forget("m3.fire_and_forget.wrong", "wrong");
  s.summary = "rt().spawn of work that throws, uncaught: an unobserved_exception naming the spawning service";
  s.setup = [](testing::scenario_world& w) { w.builder().add_hosted_service<notifier<false>>("notifier"); };
  s.expected.finding(finding_kind::unobserved_exception, "notifier").count("sends", 4).count("errors_logged", 0);
  return s;
}

scenario fire_and_forget_logged() {
  scenario s = fire_and_forget("m3.fire_and_forget_logged.right", "right");
  s.summary = "the spawned work catches and logs its failure: one error in the log, nothing found";
  s.setup = [](testing::scenario_world& w) { w.builder().add_hosted_service<notifier<true>>("notifier"); };
  s.expected.count("sends", 4).count("errors_logged", 1);
  return s;
}

}  // namespace clockwork::scenarios::entries
