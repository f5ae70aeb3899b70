// clockwork::cron::schedule — a cron expression in a time zone with a DST policy: the instants
// at which it runs.
//
// An expression matches wall-clock times; a schedule turns them into instants. Where the zone
// is regular the two are one-to-one. At a DST transition they are not, and the policy decides,
// so that nothing is ever silently skipped and nothing runs twice by accident:
//
//   gap (spring forward: 02:00 -> 03:00, the wall times 02:xx do not exist)
//     dst_policy::cronos              a match in the gap runs once, at the first instant after
//                                     the gap (03:00), whatever the expression;
//     dst_policy::quartz_delta_shift  a match in the gap is read with the offset in force
//                                     before it: 02:30 runs at 03:30 (Lord Howe's 30-minute
//                                     gap: 02:15 runs at 02:45).
//   overlap (fall back: 02:00 -> 01:00, the wall times 01:xx happen twice), both policies
//     a fixed-time expression runs once, in the first pass; an interval expression (second,
//     minute or hour written with '*', '?', '-' or '/', see expression::is_interval()) runs
//     in both passes.
//
//   UTC          05:30   06:00   06:30  |07:00   07:30       (New York, 2016-03-13: a gap)
//   wall clock   00:30   01:00   01:30  |03:00   03:30
//   "30 2 * * *" cronos:                 ^ 03:00 EDT
//   "30 2 * * *" quartz_delta_shift:             ^ 03:30 EDT
//
// next(), prev() and occurrences() are pure functions of (expression, zone, policy, from) and
// describe one set of instants: walking with next() or back with prev() visits what
// occurrences() yields, and a range split at any instant gives the same occurrences as the
// whole. `from` with a sub-second part is floored to the second and treated as exclusive (an
// occurrence is always on a whole second). One exception, kept for Cronos compatibility:
// next(from, boundary::inclusive) with `from` exactly at the end of a gap does not return the
// gap_end occurrence there — it stands for a wall time (02:30) before from's own (03:00) —
// while occurrences(from, to) does.
//
// Example:
//   const cron::schedule nightly{cron::expression{"30 2 * * *", cron::dialect::cronos5},
//                                clockwork::find_zone("America/New_York")};
//   const auto from = cron::parse_instant("2016-03-13T01:59:00-05:00");   // iso8601.hpp
//   auto t = nightly.next(from);             // 2016-03-13T03:00:00-04:00
//   auto o = nightly.next_occurrence(from);  // o->effect == dst_effect::gap_end, o->wall 02:30
//   for (const cron::occurrence& run : nightly.occurrences(from, to)) { ... }
//   if (!nightly.has_occurrence_after(now)) refuse_the_job();
//
// Search range: instants representable by clockwork::utc_time (1677-09-21 to 2262-04-11); an
// expression with no occurrence in it gives an empty optional. An impossible expression
// ("0 0 30 2 *") answers at once; a rare one ("0 0 0 29 2 MON", Feb 29th on a Monday) jumps
// year by year with a table lookup per year, never second by second.
//
// Thread safety: immutable; any number of threads may query one schedule. The zone must
// outlive the schedule (zones from date/tz and clockwork::find_zone live for the process).
// A range from occurrences() refers to its schedule, which must outlive it.
#pragma once

#include <cstddef>
#include <iterator>
#include <optional>

#include <date/tz.h>

#include "clockwork/schedule/cron_expression.hpp"
#include "clockwork/time/clock.hpp"

namespace clockwork::cron {

enum class dst_policy {
  cronos,              // gap: the first instant after the gap (default)
  quartz_delta_shift,  // gap: the wall time read with the offset before the gap
};

// Whether an occurrence exactly at `from` counts.
enum class boundary { exclusive, inclusive };

// What a DST transition did to an occurrence, so that a caller can explain it.
enum class dst_effect {
  none,            // the wall time exists exactly once: it runs then
  gap_end,         // the wall time fell in a gap: it runs at the first instant after the gap
  gap_shifted,     // the wall time fell in a gap: read with the offset before it (quartz policy)
  overlap_once,    // the wall time happens twice; a fixed-time expression runs in the first pass only
  overlap_first,   // the wall time happens twice; an interval expression: this is the first pass
  overlap_second,  // the wall time happens twice; an interval expression: this is the second pass
};

std::string_view to_string(dst_policy p) noexcept;
std::string_view to_string(dst_effect e) noexcept;

struct occurrence {
  utc_time at;               // when it runs (a whole second)
  date::local_seconds wall;  // the wall-clock time the expression matched (for gap_end: the
                             // first matching wall time in the gap)
  dst_effect effect = dst_effect::none;

  friend bool operator==(const occurrence&, const occurrence&) = default;
};

class occurrence_range;

class schedule {
 public:
  schedule(cron::expression expr, const date::time_zone& zone, dst_policy policy = dst_policy::cronos);

  const cron::expression& expression() const noexcept { return expr_; }
  const date::time_zone& zone() const noexcept { return *zone_; }
  dst_policy policy() const noexcept { return policy_; }

  // The first occurrence after `from` (or at it, when inclusive); empty when there is none.
  std::optional<utc_time> next(utc_time from, boundary b = boundary::exclusive) const;
  // The last occurrence before `from` (or at it, when inclusive); empty when there is none.
  std::optional<utc_time> prev(utc_time from, boundary b = boundary::exclusive) const;
  // The same, with the wall time matched and what DST did to it.
  std::optional<occurrence> next_occurrence(utc_time from, boundary b = boundary::exclusive) const;
  std::optional<occurrence> prev_occurrence(utc_time from, boundary b = boundary::exclusive) const;

  // Whether the schedule runs at all after `from`: false for an impossible expression, or one
  // whose last occurrence (a Quartz year field) has passed. A registration-time check.
  bool has_occurrence_after(utc_time from) const { return next(from).has_value(); }

  // The occurrences from `from` to `to`, earliest first, computed one at a time as the range
  // is walked. By default `from` counts and `to` does not: [from, to). Throws
  // std::invalid_argument when from > to (a caller's mistake, not an empty range).
  occurrence_range occurrences(utc_time from, utc_time to, boundary from_boundary = boundary::inclusive,
                               boundary to_boundary = boundary::exclusive) const;

 private:
  friend class occurrence_range;
  // next_occurrence() without Cronos' exception: the first occurrence at or after `from`.
  std::optional<occurrence> first_occurrence(utc_time from, boundary b) const;

  cron::expression expr_;
  const date::time_zone* zone_;
  dst_policy policy_;
  bool fixed_offset_;  // the zone never changes offset (UTC): no zone lookups at all
  std::chrono::seconds offset_;
};

// An input range over a schedule's occurrences; see schedule::occurrences().
class occurrence_iterator {
 public:
  using iterator_concept = std::input_iterator_tag;
  using iterator_category = std::input_iterator_tag;
  using value_type = occurrence;
  using difference_type = std::ptrdiff_t;
  using pointer = const occurrence*;
  using reference = const occurrence&;

  occurrence_iterator() = default;
  occurrence_iterator(const schedule* s, std::optional<occurrence> current, utc_time to, boundary to_boundary);

  const occurrence& operator*() const noexcept { return *current_; }
  const occurrence* operator->() const noexcept { return &*current_; }
  occurrence_iterator& operator++();
  void operator++(int) { ++*this; }

  friend bool operator==(const occurrence_iterator& it, std::default_sentinel_t) noexcept {
    return !it.current_.has_value();
  }

 private:
  void stop_past_end();

  const schedule* schedule_ = nullptr;
  std::optional<occurrence> current_;
  utc_time to_{};
  boundary to_boundary_ = boundary::exclusive;
};

class occurrence_range {
 public:
  occurrence_range(const schedule& s, utc_time from, utc_time to, boundary from_boundary, boundary to_boundary);

  occurrence_iterator begin() const;
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  const schedule* schedule_;
  utc_time from_;
  utc_time to_;
  boundary from_boundary_;
  boundary to_boundary_;
};

}  // namespace clockwork::cron
