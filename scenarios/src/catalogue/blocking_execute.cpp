// Mistake 1: a blocking execute(). Thread.Sleep(5000) is modeled as rt().work(5 s): 5 s during
// which the thread — clockwork's loop, shared by every service, timer and stop request — does
// nothing else.
//
//   bounded.wrong    a poller that sleeps 5 s in each of its 10-second ticks, then awaits the
//                    next tick: every slice is a blocking_call finding (5 s against a 50 ms
//                    budget) and the loop is blocked half the time, but between two slices it is
//                    free, the stop request gets through and the service ends gracefully.
//   unbounded.wrong  the patterns document's code, literally: `while (!stopping.stop_requested())
//                    rt().work(5s);` — it never suspends. On a real host this hangs the loop
//                    thread for good: the stop request itself can never be delivered. The virtual
//                    runtime cuts the slice at its cap (one hour of blocking: blocking_cut) so the
//                    simulation goes on; the host treats the service as blocked for good. The
//                    stop requested at +10 min is delivered only when the slice was cut, at
//                    +1 h; the service ignores it, is abandoned at the 30 s shutdown deadline and
//                    named: blocking_call, cancellation_ignored, an `abandoned` failure.
#include "entries.hpp"

namespace clockwork::scenarios::entries {
namespace {

class sleep_then_tick final : public background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    periodic_timer timer{rt(), std::chrono::seconds(10), "poll"};
    for (;;) {
      rt().work(std::chrono::seconds(5));  // Thread.Sleep(5000)
      note_run();
      const bool ticked = co_await timer.next_tick(stopping);
      if (!ticked) break;
    }
  }
};

// ❌ protected override Task ExecuteAsync(...) { while (...) Thread.Sleep(5000); return Task.CompletedTask; }
class sleep_forever final : public background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    while (!stopping.stop_requested()) rt().work(std::chrono::seconds(5));  // Thread.Sleep(5000): blocking!
    co_return;
  }
};

// When the scenario's stop request was delivered, in seconds from the start.
std::int64_t stop_delivered_at(testing::scenario_world& w) {
  for (const auto& r : w.trace().find("stop_requested", "scenario")) {
    return std::chrono::duration_cast<std::chrono::seconds>(r.steady - w.trace().origin()).count();
  }
  return -1;
}

}  // namespace

scenario blocking_execute_bounded() {
  scenario s;
  s.name = "m1.blocking_execute.bounded.wrong";
  s.section = "Mistake 1: Blocking ExecuteAsync";
  s.variant = "wrong";
  s.summary = "blocks 5 s in each 10 s tick, then awaits the next: blocking_call on every slice; it still stops";
  s.span = std::chrono::seconds(57) + std::chrono::milliseconds(500);
  // 5 s slices, which a real host's distortion includes: nothing in the verdict depends on less
  // than twice that (how many iterations fit in the span does, so it is not counted).
  s.resolution = std::chrono::seconds(20);
  s.setup = [](testing::scenario_world& w) { w.builder().add_hosted_service<sleep_then_tick>("sleeper"); };
  s.count = [](testing::scenario_world& w, testing::verdict& v) {
    v.count("abandoned", w.count_records("service_abandoned", "sleeper"));
  };
  // Slices at +0, +10 s, ... +50 s, each 5 s long; the stop at +57.5 s finds it waiting for a tick.
  s.expected.finding(finding_kind::blocking_call, "sleeper").count("abandoned", 0);
  return s;
}

scenario blocking_execute_unbounded() {
  scenario s;
  s.name = "m1.blocking_execute.unbounded.wrong";
  s.section = "Mistake 1: Blocking ExecuteAsync";
  s.variant = "wrong";
  s.summary = "while (!stop) work(5s), never suspending: cut at the slice cap, deaf to stop, abandoned";
  s.span = std::chrono::minutes(10);
  s.virtual_only_reason =
      "it never suspends: on a real host it blocks the loop thread for good (the run would never end); only the "
      "virtual runtime's slice cap can cut it";
  s.setup = [](testing::scenario_world& w) { w.builder().add_hosted_service<sleep_forever>("sleeper"); };
  s.count = [](testing::scenario_world& w, testing::verdict& v) {
    v.count("stop_delivered_at_s", stop_delivered_at(w));
    v.count("abandoned", w.count_records("service_abandoned", "sleeper"));
  };
  s.expected.finding(finding_kind::blocking_call, "sleeper")
      .finding(finding_kind::cancellation_ignored, "sleeper")
      .failure("sleeper", failure_kind::abandoned)
      .count("stop_delivered_at_s", 3600)  // asked at +10 min, delivered when the slice was cut
      .count("abandoned", 1);
  return s;
}

}  // namespace clockwork::scenarios::entries
