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
calendar_date add_days_through_sys_days(calendar_date d, int n);
}
// d moved by n days (either sign), across months and years. Inline for the common case, up to
// four weeks ahead (the DailyLog service asks for the next seven days of every user on every
// run, the hottest arithmetic of an explored month): the day moves within its month or into the
// next, without the round trip through days since the epoch.
inline calendar_date add_days(calendar_date d, int n) {
  const unsigned day = static_cast<unsigned>(d.day());
  if (n >= 0 && n <= 28 && day >= 1 && d.month().ok() && d.year().ok()) {
    const unsigned last = static_cast<unsigned>((d.year() / d.month() / std::chrono::last).day());
    const unsigned moved = day + static_cast<unsigned>(n);
    if (day <= last && moved <= last) return calendar_date{d.year(), d.month(), std::chrono::day{moved}};
    if (day <= last) {  // into the next month: no month is shorter than 28 days
      const std::chrono::year year = d.month() == std::chrono::December ? d.year() + std::chrono::years{1} : d.year();
      if (year.ok()) return calendar_date{year, d.month() + std::chrono::months{1}, std::chrono::day{moved - last}};
    }
  }
  return detail::add_days_through_sys_days(d, n);
}
// Days from a to b (negative if b is before a).
int days_between(calendar_date a, calendar_date b);
// ISO 8601: "2026-01-08". Throws std::invalid_argument for a date that is not valid.
std::string to_string(calendar_date d);

}  // namespace clockwork::scenarios
