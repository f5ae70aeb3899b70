#include "clockwork/scenarios/daily_log/calendar.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace clockwork::scenarios {

calendar_date utc_date_of(utc_time t) {
  return calendar_date{std::chrono::floor<std::chrono::days>(t)};
}

calendar_date detail::add_days_through_sys_days(calendar_date d, int n) {
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
