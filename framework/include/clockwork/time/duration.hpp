// clockwork::infinite and saturating time arithmetic — the one rule for time values that would
// overflow: they saturate, they never wrap.
//
//   clockwork::infinite                   a duration that means "never": a wait, period or timeout
//                                         of infinite arms no timer at all.
//   saturating_add(now, d)                now + d, or the largest (smallest) instant when that
//                                         does not fit; never undefined behaviour.
//   saturating_sub(a, b)                  a - b as a duration, saturated likewise.
//   saturating_mul(d, k)                  d * k, saturated.
//
// Why a rule and a constant rather than std::optional everywhere: .NET spells "never" as
// Timeout.InfiniteTimeSpan and an int64 of nanoseconds is what every clockwork API takes; with
// saturation, nanoseconds::max() (= infinite) and "now + a huge timeout" mean the same thing,
// "no deadline", wherever they appear. A deadline of steady_time::max() is never armed as a
// timer, so a virtual_runtime waiting on it reports a deadlock instead of jumping 292 years.
//
// Example — production and test alike:
//
//   co_await event.wait_for(clockwork::infinite, stopping);    // no timer: waits for set() or stop
//   clockwork::periodic_timer never{rt, clockwork::infinite};  // never ticks
//   const steady_time deadline = clockwork::saturating_add(rt.now(), options.shutdown_timeout);
//
// Thread safety: pure functions and a constant.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>

namespace clockwork {

inline constexpr std::chrono::nanoseconds infinite = std::chrono::nanoseconds::max();

constexpr std::chrono::nanoseconds saturating_add(std::chrono::nanoseconds a, std::chrono::nanoseconds b) noexcept {
  std::int64_t out = 0;
  if (__builtin_add_overflow(a.count(), b.count(), &out)) {
    return b.count() > 0 ? std::chrono::nanoseconds::max() : std::chrono::nanoseconds::min();
  }
  return std::chrono::nanoseconds{out};
}

constexpr std::chrono::nanoseconds saturating_mul(std::chrono::nanoseconds d, std::int64_t k) noexcept {
  std::int64_t out = 0;
  if (__builtin_mul_overflow(d.count(), k, &out)) {
    return (d.count() < 0) != (k < 0) ? std::chrono::nanoseconds::min() : std::chrono::nanoseconds::max();
  }
  return std::chrono::nanoseconds{out};
}

// time + d for any time_point of nanoseconds (steady_time, utc_time), saturated to its range.
template <class Clock>
constexpr std::chrono::time_point<Clock, std::chrono::nanoseconds> saturating_add(
    std::chrono::time_point<Clock, std::chrono::nanoseconds> t, std::chrono::nanoseconds d) noexcept {
  using point = std::chrono::time_point<Clock, std::chrono::nanoseconds>;
  return point{saturating_add(t.time_since_epoch(), d)};
}

template <class Clock>
constexpr std::chrono::nanoseconds saturating_sub(std::chrono::time_point<Clock, std::chrono::nanoseconds> a,
                                                  std::chrono::time_point<Clock, std::chrono::nanoseconds> b) noexcept {
  std::int64_t out = 0;
  if (__builtin_sub_overflow(a.time_since_epoch().count(), b.time_since_epoch().count(), &out)) {
    return a > b ? std::chrono::nanoseconds::max() : std::chrono::nanoseconds::min();
  }
  return std::chrono::nanoseconds{out};
}

}  // namespace clockwork
