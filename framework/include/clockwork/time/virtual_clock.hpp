// clockwork::virtual_clock — a clock that moves only when told to.
//
// Monotonic time moves forward by advance(); a virtual_runtime advances it timer by timer.
// Wall time is derived from monotonic time and moves with it, but it can also be changed on
// its own, as real wall clocks are:
//   jump_wall_clock(d)  step wall time by d (either sign), like an NTP step;
//   set_utc(t)          set wall time to t (backwards allowed: it is a clock step);
//   set_drift(ppm)      from now on, wall time gains ppm microseconds per second of
//                       monotonic time (negative: loses);
//   set_local_zone(n)   change the IANA zone.
// None of these moves monotonic time, so none of them fires or delays a timer.
//
// Example:
//
//   clockwork::virtual_clock c;                    // steady 0, 2026-01-01T00:00:00Z, UTC
//   c.advance(std::chrono::hours(1));
//   c.jump_wall_clock(-std::chrono::minutes(5));   // NTP stepped us back
//   // c.steady_now() is +1h; c.utc_now() is 00:55Z.
//   // Production code never sees this type: it reads clockwork::clock&.
//
// Thread safety: none; use it from the thread that drives its runtime.
#pragma once

#include <chrono>
#include <string_view>

#include "clockwork/time/clock.hpp"

namespace clockwork {

struct virtual_clock_options {
  steady_time start_steady{};
  // 2026-01-01T00:00:00Z: a fixed default so that every run of a scenario reads the same dates.
  utc_time start_utc{std::chrono::seconds(1767225600)};
  std::string_view zone = "UTC";
};

class virtual_clock final : public clock {
 public:
  virtual_clock() : virtual_clock(virtual_clock_options{}) {}
  explicit virtual_clock(const virtual_clock_options& options);

  steady_time steady_now() const override { return steady_; }
  // Counts as a read of the wall clock (see set_read_hook); stamp_utc() does not.
  utc_time utc_now() const override;
  utc_time stamp_utc() const override { return utc_at(steady_); }
  // What the wall clock will read when monotonic time reaches t, as things stand (anchor,
  // drift); for t in the past, what it read then unless the clock was changed since.
  utc_time utc_at(steady_time t) const;
  // The inverse: the monotonic instant at which the wall clock reads u, as things stand
  // (rounded up, so that utc_at(steady_at(u)) >= u).
  steady_time steady_at(utc_time u) const;
  // Called on every utc_now() (zone = false) and local_zone() (zone = true): virtual_runtime
  // attributes the read to the running coroutine.
  using read_hook = void (*)(void* context, bool zone) noexcept;
  void set_read_hook(read_hook hook, void* context) noexcept {
    read_hook_ = hook;
    read_context_ = context;
  }
  const date::time_zone& local_zone() const override {
    if (read_hook_ != nullptr) read_hook_(read_context_, true);
    return *zone_;
  }
  // The zone, as the library reads it (not counted as a read by the service).
  const date::time_zone& stamp_zone() const noexcept { return *zone_; }

  // Moves monotonic (and with it wall) time forward. Throws std::invalid_argument if d < 0.
  void advance(std::chrono::nanoseconds d);
  // Moves monotonic time to t. Throws std::invalid_argument if t is in the past.
  void advance_to(steady_time t);

  // Wall-clock changes. Sums that would overflow saturate. set_drift throws
  // std::invalid_argument outside (-max_drift_ppm, max_drift_ppm].
  static constexpr double max_drift_ppm = 1e6;
  void jump_wall_clock(std::chrono::nanoseconds d);
  void set_utc(utc_time t);
  void set_drift(double ppm);
  double drift_ppm() const noexcept { return drift_ppm_; }
  void set_local_zone(std::string_view name);

 private:
  // Wall time is anchor_utc_ + (steady_ - anchor_steady_) * (1 + drift_ppm_ / 1e6). Every
  // wall-clock change re-anchors at the current instant, so earlier readings never change.
  void reanchor();

  steady_time steady_;
  steady_time anchor_steady_;
  utc_time anchor_utc_;
  double drift_ppm_ = 0.0;
  const date::time_zone* zone_;
  read_hook read_hook_ = nullptr;
  void* read_context_ = nullptr;
};

}  // namespace clockwork
