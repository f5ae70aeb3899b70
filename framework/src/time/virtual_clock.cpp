#include "clockwork/time/virtual_clock.hpp"

#include <cmath>
#include <stdexcept>

#include "clockwork/time/time_format.hpp"

namespace clockwork {

virtual_clock::virtual_clock(const virtual_clock_options& options)
    : steady_(options.start_steady),
      anchor_steady_(options.start_steady),
      anchor_utc_(options.start_utc),
      zone_(&find_zone(options.zone)) {}

utc_time virtual_clock::utc_now() const {
  const auto elapsed = steady_ - anchor_steady_;
  if (drift_ppm_ == 0.0) return anchor_utc_ + std::chrono::duration_cast<utc_time::duration>(elapsed);
  const auto extra = std::chrono::nanoseconds(std::llround(static_cast<double>(elapsed.count()) * drift_ppm_ / 1e6));
  return anchor_utc_ + std::chrono::duration_cast<utc_time::duration>(elapsed + extra);
}

void virtual_clock::advance(std::chrono::nanoseconds d) {
  if (d.count() < 0) {
    throw std::invalid_argument("clockwork::virtual_clock: cannot advance by a negative duration (" +
                                format_duration(d) + "); monotonic time never goes back");
  }
  steady_ += d;
}

void virtual_clock::advance_to(steady_time t) {
  if (t < steady_) {
    throw std::invalid_argument("clockwork::virtual_clock: cannot advance to " + format_offset(t, steady_time{}) +
                                ", which is before now (" + format_offset(steady_, steady_time{}) + ")");
  }
  steady_ = t;
}

void virtual_clock::reanchor() {
  anchor_utc_ = utc_now();
  anchor_steady_ = steady_;
}

void virtual_clock::jump_wall_clock(std::chrono::nanoseconds d) {
  reanchor();
  anchor_utc_ += std::chrono::duration_cast<utc_time::duration>(d);
}

void virtual_clock::set_utc(utc_time t) {
  reanchor();
  anchor_utc_ = t;
}

void virtual_clock::set_drift(double ppm) {
  if (!std::isfinite(ppm) || ppm <= -1e6) {
    throw std::invalid_argument("clockwork::virtual_clock: drift must be a finite number of ppm above -1000000");
  }
  reanchor();
  drift_ppm_ = ppm;
}

void virtual_clock::set_local_zone(std::string_view name) {
  zone_ = &find_zone(name);
}

}  // namespace clockwork
