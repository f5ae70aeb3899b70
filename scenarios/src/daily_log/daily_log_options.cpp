#include "clockwork/scenarios/daily_log/daily_log_options.hpp"

#include <stdexcept>
#include <string>

#include "clockwork/time/time_format.hpp"

namespace clockwork::scenarios {

void daily_log_options::validate() const {
  const std::string prefix = "clockwork::scenarios::daily_log_options: ";
  if (startup_delay < std::chrono::nanoseconds{0}) {
    throw std::invalid_argument(prefix + "startup_delay must not be negative, got -" + format_duration(-startup_delay));
  }
  if (check_interval <= std::chrono::nanoseconds{0}) {
    throw std::invalid_argument(prefix + "check_interval must be positive, got " +
                                (check_interval < std::chrono::nanoseconds{0} ? "-" + format_duration(-check_interval)
                                                                              : format_duration(check_interval)));
  }
  if (days_to_create < 1 || days_to_create > 366) {
    throw std::invalid_argument(prefix + "days_to_create must be from 1 to 366, got " + std::to_string(days_to_create));
  }
}

}  // namespace clockwork::scenarios
