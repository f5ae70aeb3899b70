// Counting occurrences zone period by zone period. Within a period [begin, end) with offset o,
// schedule::next() visits, in instants:
//   A  every matching wall time w in [begin + o, end + o), at w - o — except, for a fixed-time
//      expression, the second pass of an overlap at the period's start: wall times in
//      [begin + o, begin + before) (before: the previous period's offset, larger than o);
//   B  where a gap ends at begin (before < o): with the cronos policy one gap_end occurrence at
//      begin, when some wall time in the gap matches and the first after it does not; with the
//      quartz policy every matching wall time w in the gap, at w - before, unless A already has
//      an occurrence at that instant.
// A is counted from the calendar tables; B is one next() query (cronos) or a walk over the
// gap's matching wall times (quartz). cron_schedule.cpp's walker is the reference: the tests
// compare the two on every zone transition they know.
#include "clockwork/schedule/cron_count.hpp"

#include <algorithm>
#include <bit>
#include <limits>

#include "calendar.hpp"
#include "whole_seconds.hpp"

namespace clockwork::cron {
namespace {

using detail::cron_tables;
using std::chrono::seconds;

using detail::max_instant;
using detail::min_instant;
using detail::seconds_per_day;
using detail::to_utc;

template <typename T>
std::uint64_t ones(T bits) noexcept {
  return static_cast<std::uint64_t>(std::popcount(bits));
}
// Bits [0, n) of a mask (n may be the mask's width).
template <typename T>
T below(T bits, unsigned n) noexcept {
  return n >= sizeof(T) * 8 ? bits : static_cast<T>(bits & ((T{1} << n) - 1));
}

// A year the count includes: one std::chrono::system_clock covers, allowed by the year field.
bool year_counted(const cron_tables& t, int y) noexcept {
  return y >= detail::min_year && y <= detail::max_year && detail::year_allowed(t, y);
}

// Matching wall times, from the expression's compiled tables.
class wall_counter {
 public:
  explicit wall_counter(const cron_tables& t)
      : t_(t),
        per_minute_(ones(t.seconds)),
        per_hour_(ones(t.minutes) * per_minute_),
        per_day_(ones(t.hours) * per_hour_) {}

  // Matching wall times in [x, y] (seconds since the local epoch); 0 when x > y.
  std::uint64_t between(std::int64_t x, std::int64_t y) const {
    if (x > y) return 0;
    const std::int64_t dx = detail::floor_div(x, seconds_per_day);
    const std::int64_t dy = detail::floor_div(y, seconds_per_day);
    const std::int64_t tx = x - dx * seconds_per_day;
    const std::int64_t ty = y - dy * seconds_per_day;
    if (dx == dy) return day_matches(dx) ? before_time(ty + 1) - before_time(tx) : 0;
    std::uint64_t n = 0;
    if (day_matches(dx)) n += per_day_ - before_time(tx);
    if (day_matches(dy)) n += before_time(ty + 1);
    if (dy - dx > 1) n += matching_days(dx + 1, dy - 1) * per_day_;
    return n;
  }

 private:
  // Matching times of day in [0, t), t in [0, 86400].
  std::uint64_t before_time(std::int64_t t) const noexcept {
    const auto h = static_cast<unsigned>(t / 3600);
    const auto m = static_cast<unsigned>(t / 60 % 60);
    const auto s = static_cast<unsigned>(t % 60);
    std::uint64_t n = ones(below(t_.hours, h)) * per_hour_;
    if (h < 24 && (t_.hours >> h & 1) != 0) {
      n += ones(below(t_.minutes, m)) * per_minute_;
      if ((t_.minutes >> m & 1) != 0) n += ones(below(t_.seconds, s));
    }
    return n;
  }

  bool day_matches(std::int64_t day) const noexcept {
    const detail::civil_date c = detail::civil_from_days(day);
    if (!year_counted(t_, c.year)) return false;
    const unsigned kind = detail::year_kind(c.year);
    return (t_.month_masks[kind] >> c.month & 1) != 0 && (t_.day_masks[kind][c.month - 1] >> c.day & 1) != 0;
  }

  // Matching days in [d1, d2], a calendar month at a time.
  std::uint64_t matching_days(std::int64_t d1, std::int64_t d2) const noexcept {
    std::uint64_t n = 0;
    for (std::int64_t cur = d1; cur <= d2;) {
      const detail::civil_date c = detail::civil_from_days(cur);
      const unsigned length = detail::days_in_month(c.month, detail::is_leap(c.year));
      const std::int64_t month_end = cur + (length - c.day);
      const std::int64_t last = std::min(d2, month_end);
      if (year_counted(t_, c.year)) {
        const unsigned kind = detail::year_kind(c.year);
        if ((t_.month_masks[kind] >> c.month & 1) != 0) {
          const auto last_day = static_cast<unsigned>(c.day + (last - cur));
          // Days c.day .. last_day of the month: bits c.day .. last_day.
          const std::uint32_t span = below(~std::uint32_t{0}, last_day + 1) & ~below(~std::uint32_t{0}, c.day);
          n += ones(t_.day_masks[kind][c.month - 1] & span);
        }
      }
      cur = last + 1;
    }
    return n;
  }

  const cron_tables& t_;
  std::uint64_t per_minute_;
  std::uint64_t per_hour_;
  std::uint64_t per_day_;
};

std::int64_t info_seconds(date::sys_seconds t) {
  return t.time_since_epoch().count();
}

}  // namespace

occurrence_count count_occurrences(const schedule& s, utc_time from, utc_time to) {
  occurrence_count out;
  const expression& expr = s.expression();
  if (!expr.has_occurrence()) return out;
  const std::int64_t lo = std::max(std::chrono::ceil<seconds>(from).time_since_epoch().count(), min_instant);
  const std::int64_t hi = std::min(std::chrono::floor<seconds>(to).time_since_epoch().count(), max_instant);
  if (lo > hi) return out;
  const wall_counter walls{expr.tables()};
  const date::time_zone& zone = s.zone();
  for (std::int64_t cur = lo;;) {
    ++out.steps;
    const date::sys_info p = zone.get_info(date::sys_seconds{seconds{cur}});
    const std::int64_t begin = info_seconds(p.begin);
    const std::int64_t end = info_seconds(p.end);
    const std::int64_t o = p.offset.count();
    const std::int64_t last = end <= hi ? end - 1 : hi;  // this period's share of [lo, hi]
    std::int64_t before = o;                             // the offset before the period
    if (begin > min_instant) before = zone.get_info(date::sys_seconds{seconds{begin - 1}}).offset.count();

    // A: the period's own wall times (for a fixed-time expression, not an overlap's second pass).
    std::int64_t a_from = cur + o;
    if (before > o && !expr.is_interval()) a_from = std::max(a_from, begin + before);
    out.count += walls.between(a_from, last + o);

    // B: a gap that ends where the period begins.
    if (before < o) {
      if (s.policy() == dst_policy::cronos) {
        if (cur == begin) {
          ++out.steps;
          const auto first = s.next_occurrence(to_utc(begin - 1));
          if (first && first->at == to_utc(begin) && first->effect == dst_effect::gap_end) ++out.count;
        }
      } else {
        // Gap wall times w at w - before, inside [cur, last]; not where A already runs.
        const std::int64_t w_hi = std::min(begin + o - 1, last + before);
        for (auto w = expr.next_wall_time(date::local_seconds{seconds{std::max(begin, cur) + before}});
             w && w->time_since_epoch().count() <= w_hi; w = expr.next_wall_time(*w + seconds{1})) {
          ++out.steps;
          const std::int64_t at = w->time_since_epoch().count() - before;
          const bool a_runs_then = at < end && expr.matches(date::local_seconds{seconds{at + o}});
          if (!a_runs_then) ++out.count;
        }
      }
    }
    if (last == hi) break;
    cur = end;
  }
  return out;
}

}  // namespace clockwork::cron
