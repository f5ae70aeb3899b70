// clockwork::cron::count_occurrences — how many occurrences a cron schedule has between two
// instants, exactly, without visiting them one by one.
//
// What it is for: a recurring job that wakes after an outage (or a forward jump of the wall
// clock) must know how many occurrences it missed — a year of "* * * * * *" is 31.5 million —
// while it runs only a few of them. Walking them with next() costs what was missed; this costs
// what the calendar and the zone say:
//   - inside one period of the zone (one UTC offset), instants and wall times correspond one to
//     one, so the count is the number of matching wall times: whole days by the expression's
//     per-month day tables (one table lookup per month), times the matching times of a day
//     (seconds x minutes x hours); partial days at the edges by bit counts;
//   - at each transition, what the DST policy adds or removes, exactly as schedule::next()
//     does: no first-pass-only wall times repeated for a fixed-time expression, one gap_end
//     occurrence at the end of a gap (cronos), or the gap's wall times shifted by the offset
//     before it (quartz_delta_shift, the only case visited one by one: at most the gap's length
//     in seconds, an hour in most zones).
// Work: one step per zone period in the range (two a year in a zone with DST, one in UTC), one
// per quartz-shifted gap occurrence, plus a table lookup per calendar month; `steps` reports it
// so that tests can bound it.
//
// Example:
//   const cron::schedule every_second{cron::expression{"* * * * * *", cron::dialect::cronos6},
//                                     clockwork::find_zone("Europe/Berlin")};
//   const auto n = cron::count_occurrences(every_second, from, to);   // [from, to], both inclusive
//   n.count;   // 31,536,000 for the year 2026: the spring gap's hour and the autumn repeat cancel
//   n.steps;   // 4: the three zone periods the year touches, and whether the gap adds a run
//   // tests compare it with walking next() (framework/tests/schedule/cron_count_test.cpp)
//
// Contract: the count equals the number of instants t in [from, to] that walking next() from
// just before `from` visits (occurrences are whole seconds; a sub-second bound is rounded
// inwards); 0 when from > to. Thread safety: a pure function of its arguments.
#pragma once

#include <cstdint>

#include "clockwork/schedule/cron_schedule.hpp"
#include "clockwork/time/clock.hpp"

namespace clockwork::cron {

struct occurrence_count {
  std::uint64_t count = 0;  // occurrences in [from, to]
  std::uint64_t steps = 0;  // zone periods and single occurrences examined (the work done)
};

occurrence_count count_occurrences(const schedule& s, utc_time from, utc_time to);

}  // namespace clockwork::cron
