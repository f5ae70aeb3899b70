// Readable, deterministic renderings of clockwork's time values, for logs, traces and reports.
//
//   format_duration(90min + 1ms)                  -> "01:30:00.001"
//   format_duration(days(2) + 5s)                 -> "2d00:00:05.000"
//   format_duration(clockwork::infinite)           -> "infinite"
//   format_offset(t, origin)                      -> "+01:30:00.001" (t - origin, signed)
//   format_utc(utc)                               -> "2026-01-01T00:01:00.000Z"
// Fractions show 3 digits, or 6 or 9 when the value has finer parts, so a rendering never
// hides a difference and never changes between runs. Every value renders, the extremes of
// the int64 range included.
//
// Thread safety: pure functions.
#pragma once

#include <chrono>
#include <string>

#include "clockwork/time/clock.hpp"

namespace clockwork {

std::string format_duration(std::chrono::nanoseconds d);
std::string format_offset(steady_time t, steady_time origin);
std::string format_utc(utc_time t);

}  // namespace clockwork
