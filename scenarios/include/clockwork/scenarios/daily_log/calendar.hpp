// Calendar dates for the DailyLog scenario: the seed's DateOnly, as std::chrono::year_month_day.
//
//   calendar_date today = utc_date_of(rt.clock().utc_now());   // 2026-01-01
//   calendar_date next_week = add_days(today, 7);              // 2026-01-08
//   to_string(next_week)                                       // "2026-01-08"
//   // production and tests alike: "now" comes from the injected clock, never the OS.
//
// std::chrono's civil calendar, not date/tz's: clockwork's headers include date/tz.h too,
// which defines the same names in namespace date. Qualify; never `using namespace` both.
//
// Thread safety: pure functions on values.
#pragma once

#include <chrono>
#include <string>

#include "clockwork/time/clock.hpp"

namespace clockwork::scenarios {

using calendar_date = std::chrono::year_month_day;

// The UTC calendar date of an instant (the seed's DateOnly.FromDateTime(DateTime.UtcNow)).
calendar_date utc_date_of(utc_time t);
namespace detail {
calendar_date add_days_through_sys_days(calendar_date d, int n);
}
// d moved by n days (either sign), across months and years. Inline for the common case: within
// the first 28 days of a month no month or year changes, so the DailyLog service asking for the
// next seven days of every user on every run (the hottest arithmetic of an explored month)
// skips the civil-calendar round trip.
inline calendar_date add_days(calendar_date d, int n) {
  const unsigned day = static_cast<unsigned>(d.day());
  if (day >= 1 && n >= 0 && n <= 27 && day + static_cast<unsigned>(n) <= 28 && d.month().ok() && d.year().ok()) {
    return calendar_date{d.year(), d.month(), std::chrono::day{day + static_cast<unsigned>(n)}};
  }
  return detail::add_days_through_sys_days(d, n);
}
// Days from a to b (negative if b is before a).
int days_between(calendar_date a, calendar_date b);
// ISO 8601: "2026-01-08". Throws std::invalid_argument for a date that is not valid.
std::string to_string(calendar_date d);

}  // namespace clockwork::scenarios
