#include "clockwork/hosting/host_options.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "clockwork/time/time_format.hpp"

namespace clockwork {
namespace {
void require_non_negative(std::chrono::nanoseconds d, const char* field) {
  if (d.count() < 0) {
    throw std::invalid_argument(std::string("clockwork::host_options: ") + field +
                                " must not be negative (zero: at once, clockwork::infinite: never), got " +
                                format_duration(d));
  }
}
void require_positive(std::chrono::nanoseconds d, const char* field) {
  if (d.count() <= 0) {
    throw std::invalid_argument(std::string("clockwork::host_options: ") + field + " must be positive, got " +
                                format_duration(d));
  }
}
}  // namespace

std::chrono::nanoseconds restart_policy::delay_before(unsigned n) const {
  const double factor = std::pow(multiplier, static_cast<double>(n == 0 ? 0 : n - 1));
  const double ns = static_cast<double>(initial_delay.count()) * factor;
  if (!std::isfinite(ns) || ns >= static_cast<double>(max_delay.count())) return max_delay;
  return std::chrono::nanoseconds(static_cast<std::int64_t>(ns));
}

void host_options::validate() const {
  require_non_negative(shutdown_timeout, "shutdown_timeout");
  if (startup_timeout) require_non_negative(*startup_timeout, "startup_timeout");
  require_positive(startup_block_budget, "startup_block_budget");
  require_positive(restart.initial_delay, "restart.initial_delay");
  require_positive(restart.max_delay, "restart.max_delay");
  if (!(restart.multiplier >= 1.0) || !std::isfinite(restart.multiplier)) {
    throw std::invalid_argument("clockwork::host_options: restart.multiplier must be a finite number >= 1");
  }
}

}  // namespace clockwork
