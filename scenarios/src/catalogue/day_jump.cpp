// Pattern 4 when the wall clock jumps a whole day: at 12:00 on the 1st it is set forward 24 h
// (a VM restored from a snapshot, a mistyped date corrected, a dead RTC battery) while the job
// waits for the midnight of the 2nd.
//
// Wrong (the patterns document's code): the monotonic delay still ends 12 h later — when the wall clock
// reads 00:00 on the 3rd. The 2nd gets no run at all: a day skipped. The drift detector reports
// the wait the jump moved (a day late), the schedule detector the missed midnight.
//
// Right: delay_until_utc(midnight of the 2nd) is re-evaluated by the jump; the wall clock is
// already past it (12:00 on the 2nd), so the wait ends at once and the job runs then — a
// catch-up run for the 2nd — and from there on at each midnight. That is the sensible thing for
// a daily job (DailyLog's creates what is missing): each calendar day still gets its one run,
// late rather than never, and no day is skipped or done twice. The 2nd's midnight itself never
// showed on the wall clock, so no run could happen at it: the schedule detector still reports
// it as missed, saying when the job ran instead (12:00) — the one finding of this variant, and a
// true one. There is no drift: the job waited for the wall clock, not for a computed delay.
#include "entries.hpp"
#include "midnight_jobs.hpp"

namespace clockwork::scenarios::entries {
namespace {

scenario day_jump(std::string variant) {
  scenario s;
  s.name = "p4.day_jump." + variant;
  s.section = "Pattern 4: Run at Specific Time";
  s.variant = variant;
  s.span = std::chrono::days(3) + std::chrono::hours(1);  // the wall clock ends at 01:00 on the 5th
  s.virtual_only_reason = pattern4::wall_clock_scripted;
  s.count = [](testing::scenario_world& w, testing::verdict& v) {
    v.count("runs", w.count_records("run", "midnight"));
  };
  return s;
}

}  // namespace

scenario day_jump_wrong() {
  scenario s = day_jump("wrong");
  s.summary = "the wall clock jumps a day while the patterns document's job waits: the next day gets no run at all";
  s.setup = [](testing::scenario_world& w) {
    pattern4::add_midnight_job<pattern4::midnight_job_by_delay>(w);
    w.jump_wall_clock_at(std::chrono::hours(12), std::chrono::hours(24));
  };
  s.expected.finding(finding_kind::drift, "midnight")
      .finding(finding_kind::missed_run, "midnight")
      .count("runs", 3);  // 01-03, 01-04, 01-05 at 00:00; 01-02 never
  return s;
}

scenario day_jump_right() {
  scenario s = day_jump("right");
  s.summary = "the same jump under delay_until_utc: a catch-up run at once for the skipped midnight, then 00:00 daily";
  s.setup = [](testing::scenario_world& w) {
    pattern4::add_midnight_job<pattern4::midnight_job_at_utc>(w);
    w.jump_wall_clock_at(std::chrono::hours(12), std::chrono::hours(24));
  };
  s.expected
      .finding(finding_kind::missed_run, "midnight")  // 01-02 00:00 never showed on the clock
      .count("runs", 4);                              // 01-02 12:00 (catch-up), 01-03, 01-04, 01-05
  return s;
}

}  // namespace clockwork::scenarios::entries
