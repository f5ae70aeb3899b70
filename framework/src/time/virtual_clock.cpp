#include "clockwork/time/virtual_clock.hpp"

#include <cmath>
#include <cstdio>
#include <string>
#include <stdexcept>

#include "clockwork/time/duration.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork {
namespace {
// Short, whatever the value: never DBL_MAX's 300 digits.
std::string format_ppm(double ppm) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", ppm);
  return buf;
}
}  // namespace

virtual_clock::virtual_clock(const virtual_clock_options& options)
    : steady_(options.start_steady),
      anchor_steady_(options.start_steady),
      anchor_utc_(options.start_utc),
      zone_(&find_zone(options.zone)) {}

utc_time virtual_clock::utc_now() const {
  if (read_hook_ != nullptr) read_hook_(read_context_, false);
  return utc_at(steady_);
}

utc_time virtual_clock::utc_at(steady_time t) const {
  const auto elapsed = saturating_sub(t, anchor_steady_);
  if (drift_ppm_ == 0.0) return saturating_add(anchor_utc_, elapsed);
  // |drift| < 1e6 ppm, so the drift term is smaller than elapsed and fits an int64.
  const auto extra = std::chrono::nanoseconds(std::llround(static_cast<double>(elapsed.count()) * drift_ppm_ / 1e6));
  return saturating_add(anchor_utc_, saturating_add(elapsed, extra));
}

steady_time virtual_clock::steady_at(utc_time u) const {
  const auto wall = saturating_sub(u, anchor_utc_);
  if (drift_ppm_ == 0.0) return saturating_add(anchor_steady_, wall);
  // wall = elapsed * (1 + ppm / 1e6)  =>  elapsed = wall / (1 + ppm / 1e6), rounded up.
  const double elapsed = std::ceil(static_cast<double>(wall.count()) / (1.0 + drift_ppm_ / 1e6));
  if (!(elapsed < 9.2e18)) return steady_time::max();
  if (!(elapsed > -9.2e18)) return steady_time::min();
  steady_time at = saturating_add(anchor_steady_, std::chrono::nanoseconds{static_cast<std::int64_t>(elapsed)});
  while (utc_at(at) < u && at != steady_time::max()) at = saturating_add(at, std::chrono::nanoseconds{1});
  return at;
}

void virtual_clock::advance(std::chrono::nanoseconds d) {
  if (d.count() < 0) {
    throw std::invalid_argument("clockwork::virtual_clock: cannot advance by a negative duration (" +
                                format_duration(d) + "); monotonic time never goes back");
  }
  steady_ = saturating_add(steady_, d);
}

void virtual_clock::advance_to(steady_time t) {
  if (t < steady_) {
    throw std::invalid_argument("clockwork::virtual_clock: cannot advance to " + format_offset(t, steady_time{}) +
                                ", which is before now (" + format_offset(steady_, steady_time{}) + ")");
  }
  steady_ = t;
}

void virtual_clock::reanchor() {
  anchor_utc_ = utc_at(steady_);
  anchor_steady_ = steady_;
}

void virtual_clock::jump_wall_clock(std::chrono::nanoseconds d) {
  reanchor();
  anchor_utc_ = saturating_add(anchor_utc_, d);
}

void virtual_clock::set_utc(utc_time t) {
  reanchor();
  anchor_utc_ = t;
}

void virtual_clock::set_drift(double ppm) {
  // A clock that runs backwards (<= -1e6 ppm) or more than twice as fast (> 1e6 ppm) is not
  // drift; real oscillators are within a few hundred ppm. Bounded so that wall time can never
  // overflow either.
  if (!std::isfinite(ppm) || ppm <= -max_drift_ppm || ppm > max_drift_ppm) {
    throw std::invalid_argument("clockwork::virtual_clock: drift must be a finite number of ppm in (-1000000, 1000000], got " +
                                format_ppm(ppm));
  }
  reanchor();
  drift_ppm_ = ppm;
}

void virtual_clock::set_local_zone(std::string_view name) {
  zone_ = &find_zone(name);
}

}  // namespace clockwork
