#include "clockwork/schedule/cron_expression.hpp"

#include <bit>
#include <cstdint>

#include "calendar.hpp"
#include "cron_parser.hpp"

namespace clockwork::cron {
namespace {

using detail::cron_tables;
using detail::seconds_per_day;
using detail::year_allowed;

struct time_of_day {
  unsigned hour, minute, second;
};

// Masks of the bits at or above / at or below a position (positions stay below the width).
template <typename T>
constexpr T bits_from(unsigned pos) noexcept {
  return static_cast<T>(~((T{1} << pos) - 1));
}
template <typename T>
constexpr T bits_through(unsigned pos) noexcept {
  return pos + 1 >= sizeof(T) * 8 ? static_cast<T>(~T{0}) : static_cast<T>((T{1} << (pos + 1)) - 1);
}
template <typename T>
constexpr unsigned lowest(T bits) noexcept {
  return static_cast<unsigned>(std::countr_zero(bits));
}
template <typename T>
constexpr unsigned highest(T bits) noexcept {
  return static_cast<unsigned>(std::bit_width(bits) - 1);
}

// The first year >= y (or <= y, going back) that the year field allows; 0 when none.
int next_allowed_year(const cron_tables& t, int y) noexcept {
  if (t.any_year) return y;
  if (y < detail::quartz_first_year) y = detail::quartz_first_year;
  for (; y <= detail::quartz_last_year; ++y)
    if (year_allowed(t, y)) return y;
  return 0;
}
int prev_allowed_year(const cron_tables& t, int y) noexcept {
  if (t.any_year) return y;
  if (y > detail::quartz_last_year) y = detail::quartz_last_year;
  for (; y >= detail::quartz_first_year; --y)
    if (year_allowed(t, y)) return y;
  return 0;
}

// The first time of day at or after h:m:s that the time fields allow, on the same day.
std::optional<time_of_day> first_time_from(const cron_tables& t, unsigned h, unsigned m, unsigned s) noexcept {
  if ((t.hours >> h & 1) != 0) {
    if ((t.minutes >> m & 1) != 0) {
      const std::uint64_t secs = t.seconds & bits_from<std::uint64_t>(s);
      if (secs != 0) return time_of_day{h, m, lowest(secs)};
    }
    const std::uint64_t mins = m + 1 < 64 ? t.minutes & bits_from<std::uint64_t>(m + 1) : 0;
    if (mins != 0) return time_of_day{h, lowest(mins), lowest(t.seconds)};
  }
  const std::uint32_t hours = t.hours & bits_from<std::uint32_t>(h + 1);
  if (hours != 0) return time_of_day{lowest(hours), lowest(t.minutes), lowest(t.seconds)};
  return std::nullopt;
}

// The last time of day at or before h:m:s.
std::optional<time_of_day> last_time_through(const cron_tables& t, unsigned h, unsigned m, unsigned s) noexcept {
  if ((t.hours >> h & 1) != 0) {
    if ((t.minutes >> m & 1) != 0) {
      const std::uint64_t secs = t.seconds & bits_through<std::uint64_t>(s);
      if (secs != 0) return time_of_day{h, m, highest(secs)};
    }
    const std::uint64_t mins = m == 0 ? 0 : t.minutes & bits_through<std::uint64_t>(m - 1);
    if (mins != 0) return time_of_day{h, highest(mins), highest(t.seconds)};
  }
  const std::uint32_t hours = h == 0 ? 0 : t.hours & bits_through<std::uint32_t>(h - 1);
  if (hours != 0) return time_of_day{highest(hours), highest(t.minutes), highest(t.seconds)};
  return std::nullopt;
}

date::local_seconds compose(int y, unsigned month, unsigned day, time_of_day tod) noexcept {
  const std::int64_t s =
      detail::days_from_civil(y, month, day) * seconds_per_day + tod.hour * 3600 + tod.minute * 60 + tod.second;
  return date::local_seconds{std::chrono::seconds{s}};
}

struct wall_fields {
  int year;
  unsigned month, day, hour, minute, second;
};

wall_fields split(date::local_seconds w) noexcept {
  const std::int64_t s = w.time_since_epoch().count();
  const std::int64_t days = detail::floor_div(s, seconds_per_day);
  const auto sod = static_cast<unsigned>(s - days * seconds_per_day);
  const detail::civil_date c = detail::civil_from_days(days);
  return {c.year, c.month, c.day, sod / 3600, sod / 60 % 60, sod % 60};
}

}  // namespace

expression::expression(std::string_view text, cron::dialect d)
    : text_(text), dialect_(d), tables_(detail::parse_cron(text, d)) {}

bool expression::matches(date::local_seconds w) const noexcept {
  const wall_fields f = split(w);
  const cron_tables& t = tables_;
  if (f.year < detail::min_year || f.year > detail::max_year || !year_allowed(t, f.year)) return false;
  return (t.seconds >> f.second & 1) != 0 && (t.minutes >> f.minute & 1) != 0 && (t.hours >> f.hour & 1) != 0 &&
         (t.month_masks[detail::year_kind(f.year)] >> f.month & 1) != 0 &&
         (t.day_masks[detail::year_kind(f.year)][f.month - 1] >> f.day & 1) != 0;
}

std::optional<date::local_seconds> expression::next_wall_time(date::local_seconds w) const noexcept {
  const cron_tables& t = tables_;
  if (!t.possible) return std::nullopt;
  wall_fields f = split(w);
  if (f.year > detail::max_year) return std::nullopt;
  bool constrained = true;  // the fields of w still bound the search
  if (f.year < detail::min_year) {
    f = {detail::min_year, 1, 1, 0, 0, 0};
    constrained = false;
  }
  for (int y = f.year; y <= detail::max_year; ++y, constrained = false) {
    if (!year_allowed(t, y)) {
      const int allowed = next_allowed_year(t, y);
      if (allowed == 0 || allowed > detail::max_year) return std::nullopt;
      y = allowed;
      constrained = false;
    }
    const unsigned kind = detail::year_kind(y);
    std::uint16_t months = t.month_masks[kind];
    if (constrained) months &= bits_from<std::uint16_t>(f.month);
    for (; months != 0; months &= static_cast<std::uint16_t>(months - 1)) {
      const unsigned month = lowest(months);
      const bool month_constrained = constrained && month == f.month;
      std::uint32_t days = t.day_masks[kind][month - 1];
      if (month_constrained) days &= bits_from<std::uint32_t>(f.day);
      for (; days != 0; days &= days - 1) {
        const unsigned day = lowest(days);
        if (month_constrained && day == f.day) {
          if (auto tod = first_time_from(t, f.hour, f.minute, f.second)) return compose(y, month, day, *tod);
          continue;
        }
        return compose(y, month, day, {lowest(t.hours), lowest(t.minutes), lowest(t.seconds)});
      }
    }
  }
  return std::nullopt;
}

std::optional<date::local_seconds> expression::prev_wall_time(date::local_seconds w) const noexcept {
  const cron_tables& t = tables_;
  if (!t.possible) return std::nullopt;
  wall_fields f = split(w);
  if (f.year < detail::min_year) return std::nullopt;
  bool constrained = true;
  if (f.year > detail::max_year) {
    f = {detail::max_year, 12, 31, 23, 59, 59};
    constrained = false;
  }
  for (int y = f.year; y >= detail::min_year; --y, constrained = false) {
    if (!year_allowed(t, y)) {
      const int allowed = prev_allowed_year(t, y);
      if (allowed == 0 || allowed < detail::min_year) return std::nullopt;
      y = allowed;
      constrained = false;
    }
    const unsigned kind = detail::year_kind(y);
    std::uint16_t months = t.month_masks[kind];
    if (constrained) months &= bits_through<std::uint16_t>(f.month);
    while (months != 0) {
      const unsigned month = highest(months);
      months = static_cast<std::uint16_t>(months & ~(1u << month));
      const bool month_constrained = constrained && month == f.month;
      std::uint32_t days = t.day_masks[kind][month - 1];
      if (month_constrained) days &= bits_through<std::uint32_t>(f.day);
      while (days != 0) {
        const unsigned day = highest(days);
        days &= ~(std::uint32_t{1} << day);
        if (month_constrained && day == f.day) {
          if (auto tod = last_time_through(t, f.hour, f.minute, f.second)) return compose(y, month, day, *tod);
          continue;
        }
        return compose(y, month, day, {highest(t.hours), highest(t.minutes), highest(t.seconds)});
      }
    }
  }
  return std::nullopt;
}

}  // namespace clockwork::cron
