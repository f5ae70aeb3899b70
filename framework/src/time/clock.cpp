#include "clockwork/time/clock.hpp"

#include <time.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace clockwork {

const date::time_zone& find_zone(std::string_view name) {
  try {
    return *date::locate_zone(name);
  } catch (const std::exception&) {
    throw std::invalid_argument("clockwork: unknown time zone '" + std::string(name) +
                                "' (expected an IANA name such as 'Europe/Berlin' or 'UTC')");
  }
}

namespace {
const date::time_zone* default_zone() {
  if (const char* tz = std::getenv("TZ"); tz != nullptr && *tz != '\0') {
    const char* name = *tz == ':' ? tz + 1 : tz;
    try {
      return date::locate_zone(name);
    } catch (const std::exception&) {
      // An unusable $TZ falls through to the system zone, as the C library does.
    }
  }
  try {
    return date::current_zone();
  } catch (const std::exception&) {
    return date::locate_zone("UTC");  // containers often have no /etc/localtime
  }
}
}  // namespace

real_clock::real_clock() : zone_(default_zone()) {}
real_clock::real_clock(std::string_view zone_name) : zone_(&find_zone(zone_name)) {}

steady_time real_clock::steady_now() const {
  return std::chrono::steady_clock::now();
}
utc_time real_clock::utc_now() const {
  return std::chrono::system_clock::now();
}

steady_time real_clock::monotonic_now() noexcept {
  return std::chrono::steady_clock::now();
}

steady_time real_clock::coarse_steady_now() noexcept {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return steady_time{std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec)};
}

}  // namespace clockwork

namespace clockwork {

std::chrono::year_month_day clock::utc_today() const {
  return std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(stamp_utc())};
}

std::chrono::year_month_day clock::local_today() const {
  const auto local = local_zone().to_local(stamp_utc());
  const auto day = date::floor<date::days>(local).time_since_epoch().count();
  return std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{day}}};
}

}  // namespace clockwork
