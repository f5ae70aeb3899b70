#include "clockwork/scenarios/daily_log/calendar.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace clockwork::scenarios {

calendar_date utc_date_of(utc_time t) {
  return calendar_date{std::chrono::floor<std::chrono::days>(t)};
}

calendar_date detail::add_days_past_the_28th(calendar_date d, int n) {
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
  return calendar_date{std::chrono::sys_days{d} + std::chrono::days{n}};
}

int days_between(calendar_date a, calendar_date b) {
  return static_cast<int>((std::chrono::sys_days{b} - std::chrono::sys_days{a}).count());
}

std::string to_string(calendar_date d) {
  if (!d.ok()) {
    throw std::invalid_argument(fmt::format("clockwork::scenarios::to_string: {:04}-{:02}-{:02} is not a valid date",
                                            static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                                            static_cast<unsigned>(d.day())));
  }
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                     static_cast<unsigned>(d.day()));
}

}  // namespace clockwork::scenarios
