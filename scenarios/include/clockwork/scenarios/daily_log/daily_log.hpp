// The DailyLog scenario's record: one user's nutrition log for one day, created ahead of time
// with the target that applies that day (the seed's DailyLog and DailyLog.Create).
//
//   daily_log log = daily_log::create(user.id, day, user.nutrition_target_for(day));
//   log.key()              // {user 7, 2026-01-03}: at most one log per user and day
//   to_string(log.key())   // "user 7 on 2026-01-03"
//   // production persists it through daily_log_repository; tests keep it in a daily_log_store.
//
// Thread safety: plain values.
#pragma once

#include <compare>
#include <string>

#include "clockwork/scenarios/daily_log/calendar.hpp"
#include "clockwork/scenarios/daily_log/user_profile.hpp"

namespace clockwork::scenarios {

struct daily_log_key {
  user_id user{};
  calendar_date day{};
  friend auto operator<=>(const daily_log_key&, const daily_log_key&) = default;
};
// "user 7 on 2026-01-03".
std::string to_string(const daily_log_key& key);

struct daily_log {
  user_id user{};
  calendar_date day{};
  nutrition_target target{};

  static daily_log create(user_id user, calendar_date day, nutrition_target target) { return {user, day, target}; }
  daily_log_key key() const { return {user, day}; }
  friend bool operator==(const daily_log&, const daily_log&) = default;
};

}  // namespace clockwork::scenarios
