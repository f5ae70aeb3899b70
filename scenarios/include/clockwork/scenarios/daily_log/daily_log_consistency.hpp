// Checking a daily_log_store after a run of the DailyLog scenario: every active user has
// exactly one log per day of a range, with the target of that day; inactive users have none;
// nothing lies outside the range; nothing is left staged (no half-written unit of work).
//
//   auto check = clockwork::scenarios::check_daily_logs(*store, 2026y / 1 / 1, 2026y / 1 / 7);
//   EXPECT_TRUE(check.ok()) << check.summary();
//   // production has no such check: it is how tests and the replay demo judge a run.
//
// Thread safety: reads the store; call it while nothing runs on it.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "clockwork/scenarios/daily_log/calendar.hpp"
#include "clockwork/scenarios/daily_log/daily_log_store.hpp"

namespace clockwork::scenarios {

struct daily_log_consistency {
  std::size_t active_users = 0;
  std::size_t inactive_users = 0;
  std::size_t logs = 0;               // committed logs in the store
  std::size_t expected = 0;           // active users x days in the range
  std::size_t missing = 0;            // an active user without a log on a day of the range
  std::size_t unexpected = 0;         // a log of an inactive or unknown user, or outside the range
  std::size_t wrong_target = 0;       // a log whose target is not its user's for that day
  std::size_t staged = 0;             // writes staged and never committed nor dropped
  std::vector<std::string> problems;  // the first few, readable ("user 7: no log on 2026-01-05")

  bool ok() const noexcept { return missing == 0 && unexpected == 0 && wrong_target == 0 && staged == 0; }
  // "ok: 90 active users x 36 days = 3240 logs" or the counts and the first problems.
  std::string summary() const;
};

// first..last, both included. Throws std::invalid_argument when last is before first.
daily_log_consistency check_daily_logs(const daily_log_store& store, calendar_date first, calendar_date last);

}  // namespace clockwork::scenarios
