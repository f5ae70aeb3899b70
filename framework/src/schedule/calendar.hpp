// Proleptic Gregorian calendar arithmetic on plain integers, for the cron search's inner loops
// (date::year_month_day works too, but these stay branch-light and never validate).
// Algorithms: Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms".
#pragma once

#include <cstdint>

namespace clockwork::cron::detail {

inline constexpr std::int64_t seconds_per_day = 86400;

struct civil_date {
  int year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

constexpr bool is_leap(int y) noexcept {
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

constexpr unsigned days_in_month(unsigned month, bool leap) noexcept {
  constexpr unsigned lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && leap ? 29u : lengths[month - 1];
}

// Days since 1970-01-01.
constexpr std::int64_t days_from_civil(int y, unsigned m, unsigned d) noexcept {
  const std::int64_t yy = static_cast<std::int64_t>(y) - (m <= 2 ? 1 : 0);
  const std::int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
  const std::int64_t yoe = yy - era * 400;
  const std::int64_t mp = m > 2 ? m - 3 : m + 9;
  const std::int64_t doy = (153 * mp + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

constexpr civil_date civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const auto d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  const auto m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return {static_cast<int>(y), m, d};
}

// 0 = Sunday .. 6 = Saturday.
constexpr unsigned weekday_from_days(std::int64_t z) noexcept {
  return static_cast<unsigned>(z >= -4 ? (z + 4) % 7 : (z + 5) % 7 + 6);
}

// The kind of calendar year: weekday of 1 January + 7 if leap (0..13). Which days of each
// month a cron expression matches depends on nothing else.
constexpr unsigned year_kind(int y) noexcept {
  return weekday_from_days(days_from_civil(y, 1, 1)) + (is_leap(y) ? 7u : 0u);
}

constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(weekday_from_days(0) == 4);  // a Thursday
static_assert(civil_from_days(days_from_civil(2024, 2, 29)).day == 29);
static_assert(weekday_from_days(-1) == 3 && weekday_from_days(-7) == 4 && weekday_from_days(-5) == 6);

}  // namespace clockwork::cron::detail
