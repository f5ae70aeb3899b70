// Calendar dates for the DailyLog scenario: the patterns document's DateOnly, as std::chrono::year_month_day.
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

// The UTC calendar date of an instant (the patterns document's DateOnly.FromDateTime(DateTime.UtcNow)).
calendar_date utc_date_of(utc_time t);
namespace detail {
// add_days past the 28th: into the next month directly, else through days since the epoch.
calendar_date add_days_past_the_28th(calendar_date d, int n);
}  // namespace detail
// d moved by n days (either sign), across months and years. In line for the common case (the
// DailyLog service asks for the next seven days of every user on every run, the hottest
// arithmetic of an explored month): every month has 28 days, so a day that stays within them
// moves without the month's length or the round trip through days since the epoch.
inline calendar_date add_days(calendar_date d, int n) {
  const unsigned day = static_cast<unsigned>(d.day());
  const unsigned moved = day + static_cast<unsigned>(n);
  if (n >= 0 && day >= 1 && moved <= 28 && d.month().ok() && d.year().ok()) {
    return calendar_date{d.year(), d.month(), std::chrono::day{moved}};
  }
  return detail::add_days_past_the_28th(d, n);
}
// Days from a to b (negative if b is before a).
int days_between(calendar_date a, calendar_date b);
// ISO 8601: "2026-01-08". Throws std::invalid_argument for a date that is not valid.
std::string to_string(calendar_date d);

}  // namespace clockwork::scenarios
