// Cron expressions and their occurrences in words, for logs, error messages and the
// clockwork-cron command's --explain.
//
//   describe(expression{"0 30 2 * * *", cronos6})        -> "at 02:30:00"
//   describe(expression{"*/5 * * * *", cronos5})          -> "every 5th minute"
//   describe(expression{"0 0 13 * FRI", cronos5})         -> "at 00:00, on day-of-month 13 if it is a Friday"
//   describe(expression{"0 0 12 ? * 6L", quartz})         -> "at 12:00:00, on the last Friday of the month"
//   explain(schedule, occurrence)  -> "02:30 does not exist on 2026-03-29 in Europe/Berlin (the
//                                      clocks jump from 02:00 to 03:00): runs at 03:00, the first
//                                      instant after the gap"
//
// The wording is for people and may change between versions; programs should use the
// expression's tables and occurrence::effect instead.
//
// Thread safety: pure functions.
#pragma once

#include <string>

#include "clockwork/schedule/cron_expression.hpp"
#include "clockwork/schedule/cron_schedule.hpp"

namespace clockwork::cron {

// What the expression matches, in words; ends with "(never matches)" when has_occurrence() is
// false.
std::string describe(const expression& e);

// What DST did to an occurrence of s; empty when effect is dst_effect::none.
std::string explain(const schedule& s, const occurrence& o);

}  // namespace clockwork::cron
