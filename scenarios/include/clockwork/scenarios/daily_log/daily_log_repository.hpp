// clockwork::scenarios::daily_log_repository — where the DailyLog service checks for and adds
// daily logs (the patterns document's IDailyLogRepository). Scoped: one per unit of work; add() only stages
// the log in the scope's unit_of_work, which makes it visible on commit.
//
//   auto logs = scope.provider().get<daily_log_repository>();
//   auto probe = logs->exists(user.id, day, stopping);
//   const bool exists = co_await probe;          // into a local: docs/scenarios.md
//   if (!exists) {
//     auto adding = logs->add(daily_log::create(user.id, day, target), stopping);
//     co_await adding;
//   }
//   // production: a database-backed implementation; tests: in_memory_daily_log_repository.
//
// Contract: exists() sees committed logs and those added in the same unit of work; add() of a
// log that exists makes the commit fail. Both throw operation_canceled once token is stopped
// while they wait. Thread safety: an instance belongs to its scope and is used from the
// runtime's loop only.
#pragma once

#include <stop_token>

#include "clockwork/scenarios/daily_log/calendar.hpp"
#include "clockwork/scenarios/daily_log/daily_log.hpp"
#include "clockwork/scenarios/daily_log/user_profile.hpp"
#include "clockwork/task.hpp"

namespace clockwork::scenarios {

class daily_log_repository {
 public:
  virtual ~daily_log_repository() = default;
  // The token is taken by reference: these are called once per user and day (84,000 times in an
  // explored month of the DailyLog scenario), and copying a std::stop_token is two atomic
  // read-modify-writes, as much as the rest of a call that passes. The caller awaits each call
  // before its token goes away; an implementation that keeps the token past its first
  // suspension copies it.
  virtual task<bool> exists(user_id user, calendar_date day, const std::stop_token& token) = 0;
  virtual task<> add(daily_log log, const std::stop_token& token) = 0;

 protected:
  daily_log_repository() = default;
  daily_log_repository(const daily_log_repository&) = default;
  daily_log_repository& operator=(const daily_log_repository&) = default;
};

}  // namespace clockwork::scenarios
