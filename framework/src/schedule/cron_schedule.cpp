// Instants from wall times, one zone period at a time.
//
// A zone is a sequence of periods [begin, end), each with one UTC offset. Inside a period,
// instant u and wall time u + offset correspond one to one; everything DST does happens at the
// boundaries: where the offset grows, the wall times [begin + old, begin + new) do not exist (a
// gap); where it shrinks, the wall times [begin + new, begin + old) happen a second time (the
// second pass of an overlap). The walk below visits periods in order and, in each, considers
//   A  wall times that map into the period with its own offset (for a fixed-time expression,
//      minus the second pass of an overlap at its start), and
//   B  wall times in a gap at its start, mapped by the policy,
// and returns the earliest (latest, going back) candidate. Far from a boundary (48 hours is
// more than any transition ever moved a clock) only A can apply, and one period lookup plus
// one wall-time search answers; a memo of the last wall-time search lets a rare expression
// cross many periods without searching again.
#include "clockwork/schedule/cron_schedule.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <stdexcept>

#include "clockwork/schedule/iso8601.hpp"
#include "whole_seconds.hpp"

namespace clockwork::cron {
namespace {

using std::chrono::seconds;

constexpr std::int64_t near_boundary = 48 * 3600;
// No UTC offset in the tz database reaches 16 hours (the largest are local mean times near
// +-15:56), so two offsets differ by less than 32.
constexpr std::int64_t max_offset = 16 * 3600;
constexpr std::int64_t offset_spread = 32 * 3600;
using detail::max_instant;
using detail::min_instant;
using detail::to_utc;
constexpr std::int64_t far_past = std::numeric_limits<std::int64_t>::min() / 4;
constexpr std::int64_t far_future = std::numeric_limits<std::int64_t>::max() / 4;
constexpr std::int64_t no_match = std::numeric_limits<std::int64_t>::max();

// An occurrence in whole seconds, before it is known to be representable as a utc_time.
struct candidate {
  std::int64_t at;
  std::int64_t wall;
  dst_effect effect;
};

struct period {
  std::int64_t begin;
  std::int64_t end;
  std::int64_t offset;
};

date::local_seconds to_local(std::int64_t w) {
  return date::local_seconds{seconds{w}};
}

// The wall-time search with a memo: after a search from `from` found `at`, no wall time in
// [from, at) matches, so any search starting in [from, at] finds `at` again.
class forward_search {
 public:
  explicit forward_search(const expression& e) : expr_(e) {}
  std::optional<std::int64_t> operator()(std::int64_t w) {
    if (!(valid_ && w >= from_ && w <= at_)) {
      const auto found = expr_.next_wall_time(to_local(w));
      from_ = w;
      at_ = found ? found->time_since_epoch().count() : no_match;
      valid_ = true;
    }
    if (at_ == no_match) return std::nullopt;
    return at_;
  }

 private:
  const expression& expr_;
  bool valid_ = false;
  std::int64_t from_ = 0;
  std::int64_t at_ = 0;
};

class backward_search {
 public:
  explicit backward_search(const expression& e) : expr_(e) {}
  std::optional<std::int64_t> operator()(std::int64_t w) {
    if (!(valid_ && w <= from_ && w >= at_)) {
      const auto found = expr_.prev_wall_time(to_local(w));
      from_ = w;
      at_ = found ? found->time_since_epoch().count() : std::numeric_limits<std::int64_t>::min();
      valid_ = true;
    }
    if (at_ == std::numeric_limits<std::int64_t>::min()) return std::nullopt;
    return at_;
  }

 private:
  const expression& expr_;
  bool valid_ = false;
  std::int64_t from_ = 0;
  std::int64_t at_ = 0;
};

}  // namespace

std::string_view to_string(dst_policy p) noexcept {
  switch (p) {
    case dst_policy::cronos: return "cronos";
    case dst_policy::quartz_delta_shift: return "quartz_delta_shift";
  }
  return "?";
}

std::string_view to_string(dst_effect e) noexcept {
  switch (e) {
    case dst_effect::none: return "none";
    case dst_effect::gap_end: return "gap_end";
    case dst_effect::gap_shifted: return "gap_shifted";
    case dst_effect::overlap_once: return "overlap_once";
    case dst_effect::overlap_first: return "overlap_first";
    case dst_effect::overlap_second: return "overlap_second";
  }
  return "?";
}

schedule::schedule(cron::expression expr, const date::time_zone& zone, dst_policy policy)
    : expr_(std::move(expr)), zone_(&zone), policy_(policy), fixed_offset_(false), offset_(0) {
  // A zone whose first period covers all time never changes offset: UTC, Etc/GMT+5, ...
  const date::sys_info info = zone.get_info(date::sys_seconds{seconds{0}});
  if (info.begin.time_since_epoch().count() < min_instant && info.end.time_since_epoch().count() > max_instant) {
    fixed_offset_ = true;
    offset_ = info.offset;
  }
}

namespace {

struct walker {
  const expression& expr;
  const date::time_zone& zone;
  dst_policy policy;
  bool fixed;
  std::int64_t fixed_offset;

  period at(std::int64_t u) const {
    if (fixed) return {far_past, far_future, fixed_offset};
    const date::sys_info i = zone.get_info(date::sys_seconds{seconds{u}});
    return {i.begin.time_since_epoch().count(), i.end.time_since_epoch().count(), i.offset.count()};
  }

  // The offset in force just before p (none for the first period of the zone).
  std::optional<std::int64_t> offset_before(const period& p) const {
    if (p.begin <= min_instant) return std::nullopt;
    return at(p.begin - 1).offset;
  }

  // What DST did to a wall time w matched in period p (u = w - p.offset).
  dst_effect classify(const period& p, std::optional<std::int64_t> before, std::int64_t w) const {
    if (before && *before > p.offset && w < p.begin + *before) return dst_effect::overlap_second;
    const std::int64_t u = w - p.offset;
    if (p.end - u <= near_boundary && p.end < max_instant) {
      const std::int64_t after = at(p.end).offset;
      if (after < p.offset && w >= p.end + after) {
        return expr.is_interval() ? dst_effect::overlap_first : dst_effect::overlap_once;
      }
    }
    return dst_effect::none;
  }

  static std::optional<occurrence> finish(const candidate& c) {
    if (c.at < min_instant || c.at > max_instant) return std::nullopt;
    return occurrence{to_utc(c.at), to_local(c.wall), c.effect};
  }

  // Whether a gap ending at p.begin yields a gap_end occurrence (cronos policy): some wall time
  // in the gap matches, and the first wall time after it does not (else that one is the
  // occurrence at p.begin, and the gap folds into it: one run, not two at the same instant).
  std::optional<std::int64_t> gap_end_wall(const period& p, std::int64_t before, forward_search& next_wall) const {
    const std::int64_t gap_lo = p.begin + before;
    const std::int64_t gap_hi = p.begin + p.offset;
    const auto w = next_wall(gap_lo);
    if (!w || *w >= gap_hi) return std::nullopt;
    if (expr.matches(to_local(gap_hi))) return std::nullopt;
    return w;
  }

  // The earliest occurrence at or after lo; a gap_end occurrence only when its transition is
  // after gap_after (lo - 1, except for next(from, inclusive): Cronos' rule).
  std::optional<occurrence> forward(std::int64_t lo, std::int64_t gap_after) const {
    if (!expr.has_occurrence() || lo > max_instant) return std::nullopt;
    forward_search next_wall{expr};
    std::int64_t cur = std::max(lo, min_instant);
    std::optional<std::int64_t> carried_before;  // the previous period's offset, once we step into p
    for (;;) {
      const period p = at(cur);
      std::optional<std::int64_t> before;
      if (cur - p.begin < near_boundary) before = carried_before ? carried_before : offset_before(p);
      std::optional<candidate> best;

      if (before && *before < p.offset) {  // a gap ends where p begins
        const std::int64_t gap_hi = p.begin + p.offset;
        if (policy == dst_policy::cronos) {
          if (cur == p.begin && p.begin > gap_after) {
            if (auto w = gap_end_wall(p, *before, next_wall)) return finish({p.begin, *w, dst_effect::gap_end});
          }
        } else if (cur + *before < gap_hi) {
          if (auto w = next_wall(cur + *before); w && *w < gap_hi) {
            best = candidate{*w - *before, *w, dst_effect::gap_shifted};
          }
        }
      }

      std::int64_t a_start = cur + p.offset;
      if (before && *before > p.offset && !expr.is_interval()) a_start = std::max(a_start, p.begin + *before);
      const std::int64_t a_end = p.end + p.offset;
      std::optional<std::int64_t> w;
      if (a_start < a_end) {
        w = next_wall(a_start);
        if (w && *w < a_end) {
          const std::int64_t u = *w - p.offset;
          if (!best || u <= best->at) best = candidate{u, *w, classify(p, before, *w)};
        }
      }
      if (best) return finish(*best);
      if (p.end > max_instant) return std::nullopt;
      const std::int64_t searched_from = cur;
      carried_before = p.offset;
      cur = p.end;
      if (p.end - searched_from >= offset_spread && a_start < a_end) {
        // p covered the next offset_spread seconds and nothing ran there. Anything later comes
        // from a wall time at or after w, so it is at or after w - max_offset: skip the periods
        // in between instead of visiting each (a rare expression in a zone with DST).
        if (!w) return std::nullopt;
        if (*w - max_offset > cur) {
          cur = *w - max_offset;
          carried_before.reset();
        }
      }
    }
  }

  // The latest occurrence at or before hi.
  std::optional<occurrence> backward(std::int64_t hi) const {
    if (!expr.has_occurrence() || hi < min_instant) return std::nullopt;
    backward_search prev_wall{expr};
    forward_search next_wall{expr};
    std::int64_t cur = std::min(hi, max_instant);
    for (;;) {
      const period p = at(cur);
      const std::int64_t a_lo = p.begin + p.offset;
      const auto w = prev_wall(cur + p.offset);
      if (w && *w >= a_lo + near_boundary) {
        // Far from the period's start: no gap or overlap there can matter.
        return finish({*w - p.offset, *w, classify(p, std::nullopt, *w)});
      }
      const std::optional<std::int64_t> before = offset_before(p);
      std::optional<candidate> best;
      if (w && *w >= a_lo) {
        const bool second_pass = before && *before > p.offset && *w < p.begin + *before;
        if (!second_pass || expr.is_interval()) best = candidate{*w - p.offset, *w, classify(p, before, *w)};
      }
      if (before && *before < p.offset) {  // a gap ends where p begins
        const std::int64_t gap_lo = p.begin + *before;
        const std::int64_t gap_hi = p.begin + p.offset;
        if (policy == dst_policy::cronos) {
          if (!best) {
            if (auto g = gap_end_wall(p, *before, next_wall)) best = candidate{p.begin, *g, dst_effect::gap_end};
          }
        } else {
          const std::int64_t top = std::min(gap_hi - 1, cur + *before);
          if (auto g = prev_wall(top); g && *g >= gap_lo) {
            const std::int64_t u = *g - *before;
            if (!best || u > best->at) best = candidate{u, *g, dst_effect::gap_shifted};
          }
        }
      }
      if (best) return finish(*best);
      if (p.begin <= min_instant) return std::nullopt;
      const std::int64_t searched_from = cur;
      cur = p.begin - 1;
      if (searched_from - p.begin >= offset_spread) {
        // As forward: anything earlier comes from a wall time at or before w.
        if (!w) return std::nullopt;
        if (*w + max_offset < cur) cur = *w + max_offset;
      }
    }
  }
};

// `from` in whole seconds (floored) and whether it had a sub-second part. Computed on the tick
// count: converting the floor back to a utc_time overflows at utc_time::min().
struct split_instant {
  std::int64_t floor;
  bool whole;
};
split_instant split(utc_time t) {
  using tick = utc_time::period;
  static_assert(tick::num == 1, "utc_time ticks divide a second");
  constexpr std::int64_t per_second = tick::den;
  const std::int64_t ticks = t.time_since_epoch().count();
  std::int64_t q = ticks / per_second;
  std::int64_t r = ticks % per_second;
  if (r < 0) {
    --q;
    r += per_second;
  }
  return {q, r == 0};
}

}  // namespace

// An occurrence counts when it is after `from` (at it, inclusive); a sub-second `from` is
// floored and treated as exclusive. One exception, Cronos' rule: next(from, inclusive) with
// `from` exactly at a transition does not count the gap_end occurrence there (it stands for a
// wall time before from's own).
std::optional<occurrence> schedule::next_occurrence(utc_time from, boundary b) const {
  const walker w{expr_, *zone_, policy_, fixed_offset_, offset_.count()};
  const auto [x, whole] = split(from);
  return w.forward(whole && b == boundary::inclusive ? x : x + 1, x);
}

std::optional<occurrence> schedule::prev_occurrence(utc_time from, boundary b) const {
  const walker w{expr_, *zone_, policy_, fixed_offset_, offset_.count()};
  const auto [x, whole] = split(from);
  return w.backward(whole && b == boundary::exclusive ? x - 1 : x);
}

std::optional<occurrence> schedule::first_occurrence(utc_time from, boundary b) const {
  const walker w{expr_, *zone_, policy_, fixed_offset_, offset_.count()};
  const auto [x, whole] = split(from);
  const std::int64_t lo = whole && b == boundary::inclusive ? x : x + 1;
  return w.forward(lo, lo - 1);
}

std::optional<utc_time> schedule::next(utc_time from, boundary b) const {
  if (auto o = next_occurrence(from, b)) return o->at;
  return std::nullopt;
}

std::optional<utc_time> schedule::prev(utc_time from, boundary b) const {
  if (auto o = prev_occurrence(from, b)) return o->at;
  return std::nullopt;
}

occurrence_range schedule::occurrences(utc_time from, utc_time to, boundary from_boundary, boundary to_boundary) const {
  // An inverted range is a caller's mistake (two arguments swapped, a wall clock read after it
  // was stepped back), not an empty answer: refused, as Cronos' GetOccurrences refuses it.
  if (from > to) {
    throw std::invalid_argument("clockwork::cron::schedule::occurrences: the range ends (" +
                                format_instant(to, *zone_) + ") before it starts (" + format_instant(from, *zone_) +
                                ")");
  }
  return occurrence_range{*this, from, to, from_boundary, to_boundary};
}

occurrence_range::occurrence_range(const schedule& s, utc_time from, utc_time to, boundary from_boundary,
                                   boundary to_boundary)
    : schedule_(&s), from_(from), to_(to), from_boundary_(from_boundary), to_boundary_(to_boundary) {}

occurrence_iterator occurrence_range::begin() const {
  return occurrence_iterator{schedule_, schedule_->first_occurrence(from_, from_boundary_), to_, to_boundary_};
}

occurrence_iterator::occurrence_iterator(const schedule* s, std::optional<occurrence> current, utc_time to,
                                         boundary to_boundary)
    : schedule_(s), current_(std::move(current)), to_(to), to_boundary_(to_boundary) {
  stop_past_end();
}

occurrence_iterator& occurrence_iterator::operator++() {
  current_ = schedule_->next_occurrence(current_->at, boundary::exclusive);
  stop_past_end();
  return *this;
}

void occurrence_iterator::stop_past_end() {
  if (!current_) return;
  const bool past = to_boundary_ == boundary::inclusive ? current_->at > to_ : current_->at >= to_;
  if (past) current_.reset();
}

}  // namespace clockwork::cron
