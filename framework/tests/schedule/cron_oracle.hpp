// A reference for cron::schedule, written from the definition rather than from the walk the
// library does: every instant is examined on its own, second by second. Slow by design; the
// tests and the fuzzer compare the schedule with it over short windows.
//
// The definition (docs/schedules.md):
//   - an instant u whose wall time w = u + offset(u) matches runs, unless w happens twice (an
//     overlap) and u is its second pass and the expression is not an interval;
//   - cronos policy: the first instant T after a gap runs when some wall time in the gap
//     matches and T's own wall time does not (it would run then anyway); it is an instant like
//     any other, except that next(from, inclusive) with from == T does not count it (Cronos'
//     rule: it stands for a wall time before from's own);
//   - quartz_delta_shift: an instant u in [T, T + gap length) also runs when u + (offset before
//     the gap) matches.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include <date/tz.h>

#include "clockwork/schedule/cron_schedule.hpp"

namespace clockwork::test {

class cron_oracle {
 public:
  explicit cron_oracle(const cron::schedule& s) : s_(s) {}

  struct hit {
    bool runs = false;
    bool gap_end = false;  // the cronos gap_end occurrence at a transition
  };

  hit at(std::int64_t u) const {
    const date::time_zone& z = s_.zone();
    const cron::expression& e = s_.expression();
    // The period lookup is cached: a scan stays in one period for months.
    if (!(u >= cached_.begin.time_since_epoch().count() && u < cached_.end.time_since_epoch().count())) {
      cached_ = z.get_info(date::sys_seconds{std::chrono::seconds{u}});
    }
    const date::sys_info& info = cached_;
    const std::int64_t off = info.offset.count();
    const std::int64_t w = u + off;
    if (e.matches(local(w))) {
      const date::local_info li = z.get_info(local(w));
      if (li.result == date::local_info::unique) return {true, false};
      if (li.result == date::local_info::ambiguous) {
        const bool first_pass = off == li.first.offset.count();
        if (first_pass || e.is_interval()) return {true, false};
      }
    }
    const std::int64_t begin = info.begin.time_since_epoch().count();
    if (u - begin > 2 * 86400) return {};
    const date::sys_info before = z.get_info(info.begin - std::chrono::seconds{1});
    const std::int64_t prev_off = before.offset.count();
    if (prev_off >= off) return {};
    if (s_.policy() == cron::dst_policy::cronos) {
      if (u != begin || e.matches(local(begin + off))) return {};
      for (std::int64_t g = begin + prev_off; g < begin + off; ++g)
        if (e.matches(local(g))) return {true, true};
      return {};
    }
    if (u < begin + (off - prev_off) && e.matches(local(u + prev_off))) return {true, false};
    return {};
  }

  // next/prev by scanning at most `window` seconds; empty when nothing is found in it.
  std::optional<std::int64_t> next(std::int64_t from_floor, bool inclusive_whole, std::int64_t window) const {
    for (std::int64_t u = from_floor; u <= from_floor + window; ++u) {
      const hit h = at(u);
      if (!h.runs) continue;
      const bool counts = h.gap_end ? u > from_floor : (u > from_floor || (u == from_floor && inclusive_whole));
      if (counts) return u;
    }
    return std::nullopt;
  }
  std::optional<std::int64_t> prev(std::int64_t from_floor, bool inclusive_or_fraction, std::int64_t window) const {
    for (std::int64_t u = from_floor; u >= from_floor - window; --u) {
      const hit h = at(u);
      if (!h.runs) continue;
      const bool counts = u < from_floor || (u == from_floor && inclusive_or_fraction);
      if (counts) return u;
    }
    return std::nullopt;
  }

 private:
  static date::local_seconds local(std::int64_t w) { return date::local_seconds{std::chrono::seconds{w}}; }
  const cron::schedule& s_;
  mutable date::sys_info cached_{};
};

}  // namespace clockwork::test
