// Pattern 3, the right way: the same hourly job on a periodic_timer. Ticks are due at
// start + k·1 h whatever the work takes, so it runs 24 times a day at the top of the hour, and
// nothing drifts.
#include "entries.hpp"

namespace clockwork::scenarios::entries {
namespace {

class hourly_by_timer final : public background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    periodic_timer timer{rt(), std::chrono::hours(1), "hourly"};
    for (;;) {
      rt().work(std::chrono::minutes(2));
      note_run();
      const bool ticked = co_await timer.next_tick(stopping);
      if (!ticked) break;
    }
  }
};

}  // namespace

scenario periodic_timer_keeps_phase() {
  scenario s;
  s.name = "p3.periodic_timer.right";
  s.section = "Pattern 3: PeriodicTimer";
  s.variant = "right";
  s.summary = "the same job on a periodic_timer: on the hour every hour, no drift";
  s.span = std::chrono::hours(23) + std::chrono::minutes(30);  // ends between two ticks
  s.blocking_budget = std::chrono::hours(1);
  s.resolution = std::chrono::minutes(10);
  s.setup = [](testing::scenario_world& w) { w.builder().add_hosted_service<hourly_by_timer>("hourly"); };
  s.count = [](testing::scenario_world& w, testing::verdict& v) {
    v.count("runs", w.count_records("run", "hourly"));
    v.count("ticks", w.count_records("tick", "hourly"));
  };
  s.expected.count("runs", 24).count("ticks", 23);  // a run at start, then one per tick up to +23 h
  return s;
}

}  // namespace clockwork::scenarios::entries
