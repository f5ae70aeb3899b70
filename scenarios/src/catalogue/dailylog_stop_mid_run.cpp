// §3 The DailyLog use case: the host is asked to stop in the middle of a run. Every existence
// check takes 10 s (injected latency), so the first run, from 00:01:00, is inside its third
// check at 00:01:25 when the stop comes. The wait is cancelled at once, the cancellation
// unwinds the run — its unit of work, with two adds staged, is rolled back whole — and the
// service ends gracefully: no error is logged (a shutdown is not a failure), nothing is
// committed, nothing is half-written, nothing found, exit code 0.
#include "dailylog_world.hpp"
#include "entries.hpp"

namespace clockwork::scenarios::entries {

scenario dailylog_stop_mid_run() {
  scenario s;
  s.name = "dailylog.stop_mid_run";
  s.section = "3. Your DailyLog Use Case";
  s.summary = "stop requested inside a run: the run unwinds, its unit of work rolls back, a graceful stop";
  s.span = std::chrono::minutes(1) + std::chrono::seconds(25);  // inside the third exists (00:01:20-00:01:30)
  s.drain_after_stop = std::chrono::minutes(1);
  s.resolution = std::chrono::seconds(5);
  const auto span = s.span;
  s.setup = [span](testing::scenario_world& w) {
    auto store = dailylog::add_daily_log_on_store(w);
    store->faults().add_latency("exists", std::chrono::seconds(10));
    dailylog::check_store_after(w, span, store);
  };
  s.count = dailylog::count;
  s.expected.count("runs", 1)
      .count("succeeded", 0)
      .count("failed", 0)
      .count("errors_logged", 0)
      .count("logs_created", 0)
      .count("consistent", 1)  // nothing written, nothing staged
      .count("rollbacks", 1);
  return s;
}

}  // namespace clockwork::scenarios::entries
