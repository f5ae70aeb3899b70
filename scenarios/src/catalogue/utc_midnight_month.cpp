// Pattern 4: the patterns document's MidnightJobService as written, over a month with a well-behaved wall
// clock. The delay to the next UTC midnight is computed from the wall clock and awaited on the
// monotonic clock; with nothing moving the wall clock the two agree, and the job runs at
// 00:00:00.000 UTC on each of the 30 days, as the declared schedule (once a UTC day at 00:00)
// expects: nothing found. The scenarios after this one move the wall clock during the wait.
#include "entries.hpp"
#include "midnight_jobs.hpp"

namespace clockwork::scenarios::entries {

scenario utc_midnight_month() {
  scenario s;
  s.name = "p4.utc_midnight_month";
  s.section = "Pattern 4: Run at Specific Time";
  s.summary = "the patterns document's midnight job for 30 days on a well-behaved clock: 30 runs, each at 00:00 UTC";
  s.span = std::chrono::days(30) + std::chrono::hours(1);
  // The verdict depends on the schedule's 1-minute tolerance; at the scale that makes a minute
  // last 5 ms, a real-host month would still take 3.6 minutes of real time.
  s.virtual_only_reason = "30 days at the 1-minute resolution its schedule needs would take minutes of real time";
  s.setup = [](testing::scenario_world& w) { pattern4::add_midnight_job<pattern4::midnight_job_by_delay>(w); };
  s.count = [](testing::scenario_world& w, testing::verdict& v) {
    v.count("runs", w.count_records("run", "midnight"));
  };
  s.expected.count("runs", 30);  // 2026-01-02 ... 2026-01-31, at 00:00
  return s;
}

}  // namespace clockwork::scenarios::entries
