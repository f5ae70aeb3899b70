// Pattern 3: a periodic_timer whose work now and then takes longer than 3.5 periods. The job
// runs hourly and normally takes 2 minutes; the runs at +5 h and +15 h take 4 h 10 min (a
// backlog). PeriodicTimer's rule, which clockwork keeps: the ticks that fell due meanwhile
// (+6 h ... +9 h) coalesce into one pending tick, delivered at once when the job asks for the
// next one (+9:10), and then the schedule resumes on its original phase (+10 h, +11 h, ...).
// The job never runs a burst of catch-up ticks, and never slides off the hour: no drift finding.
// The missed ticks are counted (the `coalesced` field of each tick record).
//
// The long work is modeled in 2-minute slices with a yield between them (as a job that awaits
// its I/O would); the blocking budget of this scenario is set above that.
#include "entries.hpp"

namespace clockwork::scenarios::entries {
namespace {

class hourly_with_backlog final : public background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    periodic_timer timer{rt(), std::chrono::hours(1), "hourly"};
    for (int run = 0;; ++run) {
      note_run();
      if (run == 5 || run == 12) {  // the runs at +5 h and +15 h
        log()->info("a backlog: this run takes 4 h 10 min");
        for (int slice = 0; slice < 125; ++slice) {  // 4 h 10 min of backlog
          rt().work(std::chrono::minutes(2));
          co_await rt().yield();
        }
      } else {
        rt().work(std::chrono::minutes(2));
      }
      const bool ticked = co_await timer.next_tick(stopping);
      if (!ticked) break;
    }
  }
};

std::int64_t coalesced_ticks(testing::scenario_world& w) {
  std::int64_t n = 0;
  for (const auto& r : w.trace().find("tick", "hourly")) n += std::stoll(*r.field("coalesced"));
  return n;
}

}  // namespace

scenario overrun_coalesces() {
  scenario s;
  s.name = "p3.overrun_coalesces";
  s.section = "Pattern 3: PeriodicTimer";
  s.summary = "work overruns 3.5 periods twice: the missed ticks coalesce into one, the phase holds, no drift";
  s.span = std::chrono::hours(24) - std::chrono::minutes(30);
  s.blocking_budget = std::chrono::minutes(5);  // the job's own work is modeled, not a mistake here
  // Slices of 2 min (a real host's distortion includes them); the long runs end 10 min past the
  // hour, the stop is 30 min from any tick.
  s.resolution = std::chrono::minutes(5);
  s.setup = [](testing::scenario_world& w) { w.builder().add_hosted_service<hourly_with_backlog>("hourly"); };
  s.count = [](testing::scenario_world& w, testing::verdict& v) {
    v.count("runs", w.count_records("run", "hourly"));
    v.count("ticks", w.count_records("tick", "hourly"));
    v.count("missed_ticks", coalesced_ticks(w));
  };
  // Runs at +0..+5 h, +9:10 (the coalesced tick), +10..+15 h, +19:10, +20..+23 h: 1 + 17 ticks.
  // Missed: +7, +8, +9 h and +17, +18, +19 h (the pending tick is the one due at +6 h / +16 h).
  s.expected.count("runs", 18).count("ticks", 17).count("missed_ticks", 6);
  return s;
}

}  // namespace clockwork::scenarios::entries
