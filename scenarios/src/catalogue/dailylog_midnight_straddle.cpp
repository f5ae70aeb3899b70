// §3 The DailyLog use case: a run that straddles midnight. The clock starts at 23:50 on the
// 1st, so the first run starts at 23:51; loading the users takes 7 min and each of the 21
// existence checks 30 s (injected latency), so the run ends at 00:08:30 on the 2nd. Like the
// seed, it reads "today" once, after loading the users (23:58: the 1st), and creates the 1st
// to the 7th — not the 8th, although it commits on the 2nd. Nothing is lost: the next run, six
// hours after this one ended, reads the 2nd and adds the 8th. Consistent at the end; nothing
// found.
#include "dailylog_world.hpp"
#include "entries.hpp"

namespace clockwork::scenarios::entries {

scenario dailylog_midnight_straddle() {
  scenario s;
  s.name = "dailylog.midnight_straddle";
  s.section = "3. Your DailyLog Use Case";
  s.summary = "a run from 23:51 to 00:08:30 keeps the date it read (the 1st); the next run adds the 8th";
  s.start_utc = utc_time{std::chrono::sys_days{std::chrono::year{2026} / 1 / 1} + std::chrono::hours(23) +
                         std::chrono::minutes(50)};
  s.span = std::chrono::hours(6) + std::chrono::minutes(30);  // to 06:20: the second run at 06:08:30
  s.drain_after_stop = std::chrono::minutes(1);
  // "today" is read 2 min before midnight, the stop comes 11.5 min after the second run.
  s.resolution = std::chrono::minutes(1);
  const auto span = s.span;
  s.setup = [span](testing::scenario_world& w) {
    auto store = dailylog::add_daily_log_on_store(w);
    store->faults().add_latency("get_all_active", std::chrono::minutes(7)).on_call(1);
    store->faults().add_latency("exists", std::chrono::seconds(30)).on_calls(1, 21);
    dailylog::check_store_after(w, span, store);
  };
  s.count = [](testing::scenario_world& w, testing::verdict& v) {
    dailylog::count(w, v);
    const auto first = daily_log_service_of(w.app())->stats().first_today;
    v.count("first_run_today", first ? static_cast<std::int64_t>(static_cast<unsigned>(first->day())) : 0);
  };
  s.expected.count("runs", 2)
      .count("succeeded", 2)
      .count("failed", 0)
      .count("errors_logged", 0)
      .count("logs_created", 24)  // the 1st..7th, then the 8th
      .count("first_run_today", 1)
      .count("consistent", 1)
      .count("rollbacks", 0);
  return s;
}

}  // namespace clockwork::scenarios::entries
