// The DailyLog scenario's record: one user's nutrition log for one day, created ahead of time
// with the target that applies that day (the patterns document's DailyLog and DailyLog.Create).
//
//   daily_log log = daily_log::create(user.id, day, user.nutrition_target_for(day));
//   log.key()              // {user 7, 2026-01-03}: at most one log per user and day
//   to_string(log.key())   // "user 7 on 2026-01-03"
//   // production persists it through daily_log_repository; tests keep it in a daily_log_store.
//
// Thread safety: plain values.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
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

// Hashed, so that a daily_log_store finds a log in one probe: the DailyLog service asks whether
// a log exists seven times per user per run, the hottest call of an explored month.
template <>
struct std::hash<clockwork::scenarios::daily_log_key> {
  std::size_t operator()(const clockwork::scenarios::daily_log_key& key) const noexcept {
    const auto packed =
        (std::uint64_t{key.user.value} << 32) ^
        (static_cast<std::uint64_t>(static_cast<std::uint16_t>(static_cast<int>(key.day.year()))) << 16) ^
        (std::uint64_t{static_cast<unsigned>(key.day.month())} << 8) ^
        std::uint64_t{static_cast<unsigned>(key.day.day())};
    // A multiplicative mix spreads the packed fields over every bit the buckets use.
    const std::uint64_t mixed = packed * 0x9e3779b97f4a7c15ULL;
    return static_cast<std::size_t>(mixed ^ (mixed >> 32));
  }
};
