// What a parsed cron expression compiles to: one bitmask per time field, the day rules, and a
// table of matching days per month for each of the 14 kinds of calendar year. Not for use
// outside schedule/: cron::expression is the interface.
//
// Why tables: which days of a month match depends only on the month's length and the weekday
// of its 1st, and both are fixed by the weekday of 1 January and whether the year is a leap
// year — 14 kinds of year. Computing the 14 x 12 day masks once at parse time turns every
// L, W, # and day-of-week rule into one table lookup during a search, and tells at parse time
// whether the expression can match at all ("0 0 30 2 *" cannot).
//
// Thread safety: plain data, filled once by the parser and read-only afterwards.
#pragma once

#include <array>
#include <cstdint>

namespace clockwork::cron::detail {

// How the day-of-month and day-of-week fields combine.
enum class day_combination : std::uint8_t {
  both,      // Cronos: a day must satisfy both fields ('*' satisfies anything)
  either,    // Quartz: a day satisfying either field matches ('*' matches every day)
  dom_only,  // Quartz: day of week is '?'
  dow_only,  // Quartz: day of month is '?'
};

// The day fields as written, after names and ranges are resolved. Weekdays are 0 = Sunday .. 6.
struct day_rules {
  bool dom_any = true;                         // '*' (or '?' in Cronos)
  std::uint32_t dom_days = 0;                  // plain days: bit d for day d (1..31)
  std::uint32_t dom_last_offsets = 0;          // L-n: bit n (L itself is bit 0)
  std::uint32_t dom_nearest_weekday = 0;       // nW: bit n
  std::uint32_t dom_last_nearest_weekday = 0;  // L-nW: bit n, the weekday nearest day (last - n); LW is bit 0
  std::uint32_t dom_last_weekday_offsets = 0;  // Quartz LW-n: bit n, n days before the last weekday
  bool clamp_nearest_weekday = false;          // Quartz: nW past the month's end means its last day

  bool dow_any = true;                    // '*' (or '?' in Cronos)
  std::uint8_t dow_days = 0;              // plain weekdays: bit w
  std::uint8_t dow_last = 0;              // nL: bit w, the last such weekday of the month
  std::array<std::uint8_t, 5> dow_nth{};  // n#k: dow_nth[k - 1] has bit w

  day_combination combination = day_combination::both;
};

inline constexpr int min_year = 1677;  // the years std::chrono::system_clock (int64 ns) covers
inline constexpr int max_year = 2262;
inline constexpr int quartz_first_year = 1970;  // Quartz's year field: 1970..2199
inline constexpr int quartz_last_year = 2199;

struct cron_tables {
  std::uint64_t seconds = 0;  // bit s, 0..59
  std::uint64_t minutes = 0;  // bit m, 0..59
  std::uint32_t hours = 0;    // bit h, 0..23
  std::uint16_t months = 0;   // bit m, 1..12
  day_rules days;

  bool any_year = true;                  // no year field, or '*'
  std::array<std::uint64_t, 4> years{};  // bit (y - quartz_first_year), when !any_year

  // Whether the seconds, minutes or hours field is written as an interval ('*', '?', '-', '/').
  bool interval = false;

  // day_masks[kind][m - 1]: bit d set when day d of month m matches, in a year of that kind.
  // kind = weekday of 1 January (0 = Sunday) + 7 if leap. month_masks[kind]: bit m set when
  // month m is allowed and has a matching day.
  std::array<std::array<std::uint32_t, 12>, 14> day_masks{};
  std::array<std::uint16_t, 14> month_masks{};
  // Whether some year in [min_year, max_year] allowed by the year field has a matching day.
  bool possible = false;
};

// Fills day_masks, month_masks and possible from the other members.
void build_day_tables(cron_tables& t) noexcept;

// Whether the year field allows year y (any year when there is none; Quartz's years otherwise).
constexpr bool year_allowed(const cron_tables& t, int y) noexcept {
  if (t.any_year) return true;
  if (y < quartz_first_year || y > quartz_last_year) return false;
  const auto i = static_cast<unsigned>(y - quartz_first_year);
  return (t.years[i / 64] >> (i % 64) & 1) != 0;
}

}  // namespace clockwork::cron::detail
