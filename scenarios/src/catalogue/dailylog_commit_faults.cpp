// §3 The DailyLog use case: the patterns document's DailyLogMaintenanceService (1-minute start-up delay, then
// a run every 6 hours creating today's and the next six days' logs for every active user), with
// the commit failing on two runs in a row. The first runs of the 2nd (00:01 and 06:01) stage the
// 8th's three logs and fail at commit: each unit of work is rolled back whole (nothing
// half-written), the failure is logged ("Will retry") and the loop goes on. The run at 12:01
// creates the 8th; the 3rd adds the 9th. At the end every active user has exactly one log a day
// from the 1st to the 9th. The service catches and logs its own failures: nothing is found.
#include "dailylog_world.hpp"
#include "entries.hpp"

namespace clockwork::scenarios::entries {

scenario dailylog_commit_faults() {
  scenario s;
  s.name = "dailylog.commit_faults";
  s.section = "3. Your DailyLog Use Case";
  s.summary = "the commit fails on two runs in a row: rolled back whole, logged, repaired by the next run";
  s.span = std::chrono::days(3) - std::chrono::hours(3);  // runs at 00:01, 06:01, 12:01 and 18:01, three days
  s.drain_after_stop = std::chrono::minutes(1);           // for the store check
  s.resolution = std::chrono::minutes(10);
  const auto span = s.span;
  s.setup = [span](testing::scenario_world& w) {
    auto store = dailylog::add_daily_log_on_store(w);
    store->faults().fail_commit().on_calls(5, 6);  // 01-02 00:01 and 06:01
    dailylog::check_store_after(w, span, store);
  };
  s.count = dailylog::count;
  s.expected.count("runs", 12)
      .count("succeeded", 10)
      .count("failed", 2)
      .count("errors_logged", 2)
      .count("logs_created", 27)  // 3 active users x 01-01..01-09
      .count("consistent", 1)
      .count("rollbacks", 2);
  return s;
}

}  // namespace clockwork::scenarios::entries
