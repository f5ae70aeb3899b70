// Pattern 4 under an NTP step forward. At 12:00 on the 1st the wall clock is stepped forward 5
// minutes while the job waits for midnight.
//
// Wrong (the patterns document's code): its monotonic delay ends when the wall clock reads 00:05 — the job
// runs five minutes late, and the midnight it was for has no run. The drift detector reports
// the wait the step moved, the schedule detector the missed run (and when it ran instead).
//
// Right: delay_until_utc(next midnight) is re-evaluated by the step and ends 5 minutes earlier on
// the monotonic clock, when the wall clock reads 00:00: nothing found.
#include "entries.hpp"
#include "midnight_jobs.hpp"

namespace clockwork::scenarios::entries {
namespace {

scenario ntp_step_forward(std::string variant) {
  scenario s;
  s.name = "p4.ntp_step_forward." + variant;
  s.section = "Pattern 4: Run at Specific Time";
  s.variant = variant;
  s.span = std::chrono::days(3) + std::chrono::hours(1);
  s.virtual_only_reason = pattern4::wall_clock_scripted;
  s.count = [](testing::scenario_world& w, testing::verdict& v) {
    v.count("runs", w.count_records("run", "midnight"));
  };
  return s;
}

}  // namespace

scenario ntp_step_forward_wrong() {
  scenario s = ntp_step_forward("wrong");
  s.summary =
      "wall clock stepped forward 5 min while the patterns document's job waits: it runs at 00:05, midnight is missed";
  s.setup = [](testing::scenario_world& w) {
    pattern4::add_midnight_job<pattern4::midnight_job_by_delay>(w);
    w.jump_wall_clock_at(std::chrono::hours(12), std::chrono::minutes(5));
  };
  s.expected.finding(finding_kind::drift, "midnight")
      .finding(finding_kind::missed_run, "midnight")
      .count("runs", 3);  // 01-02 00:05, then 01-03 and 01-04 at 00:00
  return s;
}

scenario ntp_step_forward_right() {
  scenario s = ntp_step_forward("right");
  s.summary = "the same step under delay_until_utc(next midnight): one run a day at 00:00";
  s.setup = [](testing::scenario_world& w) {
    pattern4::add_midnight_job<pattern4::midnight_job_at_utc>(w);
    w.jump_wall_clock_at(std::chrono::hours(12), std::chrono::minutes(5));
  };
  s.expected.count("runs", 3);
  return s;
}

}  // namespace clockwork::scenarios::entries
