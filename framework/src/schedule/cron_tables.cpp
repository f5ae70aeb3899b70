#include "clockwork/schedule/detail/cron_tables.hpp"

#include <bit>

#include "calendar.hpp"

namespace clockwork::cron::detail {
namespace {

// The weekday (Monday..Friday) nearest `day`, never leaving the month: a Saturday 1st moves to
// Monday the 3rd, a Sunday last day back to Friday.
unsigned nearest_weekday(unsigned day, unsigned month_days, unsigned weekday_of_1st) {
  const unsigned wd = (weekday_of_1st + day - 1) % 7;
  if (wd == 6) return day == 1 ? 3 : day - 1;
  if (wd == 0) return day == month_days ? day - 2 : day + 1;
  return day;
}

std::uint32_t bit(unsigned day) {
  return std::uint32_t{1} << day;
}

std::uint32_t day_of_month_mask(const day_rules& r, unsigned month_days, unsigned wd1, std::uint32_t all) {
  if (r.dom_any) return all;
  std::uint32_t mask = r.dom_days & all;
  for (std::uint32_t offsets = r.dom_last_offsets; offsets != 0; offsets &= offsets - 1) {
    const auto n = static_cast<unsigned>(std::countr_zero(offsets));
    if (n < month_days) mask |= bit(month_days - n);  // L-n: no match in a month shorter than n + 1 days
  }
  for (std::uint32_t days = r.dom_nearest_weekday; days != 0; days &= days - 1) {
    auto n = static_cast<unsigned>(std::countr_zero(days));
    if (n > month_days) {
      if (!r.clamp_nearest_weekday) continue;  // Cronos: 31W skips a 30-day month
      n = month_days;                          // Quartz: 31W means the last day (issue #2330)
    }
    mask |= bit(nearest_weekday(n, month_days, wd1));
  }
  for (std::uint32_t offsets = r.dom_last_nearest_weekday; offsets != 0; offsets &= offsets - 1) {
    const auto n = static_cast<unsigned>(std::countr_zero(offsets));
    if (n < month_days) mask |= bit(nearest_weekday(month_days - n, month_days, wd1));
  }
  if (r.dom_last_weekday_offsets != 0) {
    const unsigned last_weekday = nearest_weekday(month_days, month_days, wd1);
    for (std::uint32_t offsets = r.dom_last_weekday_offsets; offsets != 0; offsets &= offsets - 1) {
      const auto n = static_cast<unsigned>(std::countr_zero(offsets));
      mask |= bit(n < last_weekday ? last_weekday - n : 1);  // floored at the 1st
    }
  }
  return mask;
}

std::uint32_t day_of_week_mask(const day_rules& r, unsigned month_days, unsigned wd1, std::uint32_t all) {
  if (r.dow_any) return all;
  std::uint32_t mask = 0;
  for (unsigned w = 0; w < 7; ++w) {
    const unsigned first = 1 + (w + 7 - wd1) % 7;  // the first day of the month on weekday w
    const unsigned w_bit = 1u << w;
    if ((r.dow_days & w_bit) != 0) {
      for (unsigned day = first; day <= month_days; day += 7) mask |= bit(day);
    }
    if ((r.dow_last & w_bit) != 0) mask |= bit(first + 7 * ((month_days - first) / 7));
    for (unsigned k = 0; k < 5; ++k) {
      if ((r.dow_nth[k] & w_bit) != 0 && first + 7 * k <= month_days) mask |= bit(first + 7 * k);
    }
  }
  return mask;
}

std::uint32_t day_mask(const day_rules& r, unsigned month_days, unsigned wd1) {
  const std::uint32_t all = ((std::uint32_t{1} << month_days) - 1) << 1;  // bits 1..month_days
  switch (r.combination) {
    case day_combination::both:
      return day_of_month_mask(r, month_days, wd1, all) & day_of_week_mask(r, month_days, wd1, all);
    case day_combination::either:
      return day_of_month_mask(r, month_days, wd1, all) | day_of_week_mask(r, month_days, wd1, all);
    case day_combination::dom_only: return day_of_month_mask(r, month_days, wd1, all);
    case day_combination::dow_only: return day_of_week_mask(r, month_days, wd1, all);
  }
  return 0;
}

}  // namespace

void build_day_tables(cron_tables& t) noexcept {
  for (unsigned kind = 0; kind < 14; ++kind) {
    const bool leap = kind >= 7;
    unsigned wd1 = kind % 7;  // weekday of 1 January
    std::uint16_t months = 0;
    for (unsigned m = 1; m <= 12; ++m) {
      const unsigned length = days_in_month(m, leap);
      const std::uint32_t mask = day_mask(t.days, length, wd1);
      t.day_masks[kind][m - 1] = mask;
      if (mask != 0 && (t.months >> m & 1) != 0) months = static_cast<std::uint16_t>(months | (1u << m));
      wd1 = (wd1 + length) % 7;
    }
    t.month_masks[kind] = months;
  }
  t.possible = false;
  for (int y = min_year; y <= max_year && !t.possible; ++y) {
    t.possible = year_allowed(t, y) && t.month_masks[year_kind(y)] != 0;
  }
}

}  // namespace clockwork::cron::detail
