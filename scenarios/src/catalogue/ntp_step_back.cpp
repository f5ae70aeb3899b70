// Pattern 4 under an NTP step back. At 12:00 on the 1st the wall clock is stepped back 5 minutes
// while the job waits for midnight.
//
// Wrong (the patterns document's code): its delay was computed at 00:00 and runs on the monotonic clock, so
// it wakes 24 h later — when the wall clock reads 23:55. It runs, computes a 5-minute delay to
// the midnight it thinks is next, and runs again at 00:00: two runs for one day. The drift
// detector reports the wait the step moved (at the step, before anything went wrong), the
// schedule detector the duplicate run.
//
// Right: the same job waiting with delay_until_utc(next midnight). The step re-evaluates the
// wait, which now ends 5 minutes later on the monotonic clock, when the wall clock reads 00:00:
// one run a day, nothing found.
#include "entries.hpp"
#include "midnight_jobs.hpp"

namespace clockwork::scenarios::entries {
namespace {

scenario ntp_step_back(std::string variant) {
  scenario s;
  s.name = "p4.ntp_step_back." + variant;
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

scenario ntp_step_back_wrong() {
  scenario s = ntp_step_back("wrong");
  s.summary =
      "wall clock stepped back 5 min while the patterns document's job waits: it runs at 23:55 and again at 00:00";
  s.setup = [](testing::scenario_world& w) {
    pattern4::add_midnight_job<pattern4::midnight_job_by_delay>(w);
    w.jump_wall_clock_at(std::chrono::hours(12), -std::chrono::minutes(5));
  };
  s.expected.finding(finding_kind::drift, "midnight")
      .finding(finding_kind::duplicate_run, "midnight")
      .count("runs", 4);  // 01-01 23:55 and 01-02 00:00, then 01-03 and 01-04 at 00:00
  return s;
}

scenario ntp_step_back_right() {
  scenario s = ntp_step_back("right");
  s.summary = "the same step under delay_until_utc(next midnight): one run a day at 00:00";
  s.setup = [](testing::scenario_world& w) {
    pattern4::add_midnight_job<pattern4::midnight_job_at_utc>(w);
    w.jump_wall_clock_at(std::chrono::hours(12), -std::chrono::minutes(5));
  };
  s.expected.count("runs", 3);
  return s;
}

}  // namespace clockwork::scenarios::entries
