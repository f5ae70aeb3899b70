#include "clockwork/testing/auto_advancing_clock.hpp"

#include <stdexcept>

#include "clockwork/time/time_format.hpp"

namespace clockwork::testing {
namespace {
void require_not_negative(std::chrono::nanoseconds amount) {
  if (amount.count() < 0) {
    throw std::invalid_argument("clockwork::testing::auto_advancing_clock: the amount must not be negative, got " +
                                format_duration(amount));
  }
}
}  // namespace

auto_advancing_clock::auto_advancing_clock(virtual_runtime& rt, std::chrono::nanoseconds amount)
    : rt_(&rt), amount_(amount) {
  require_not_negative(amount);
}

void auto_advancing_clock::set_amount(std::chrono::nanoseconds amount) {
  require_not_negative(amount);
  amount_ = amount;
}

void auto_advancing_clock::advance() const {
  if (amount_.count() == 0) return;
  if (rt_->stepping()) {
    rt_->advance_clock_only(amount_);  // a polling loop inside a slice: time must move now
  } else {
    rt_->advance_by(amount_);
  }
}

steady_time auto_advancing_clock::steady_now() const {
  const steady_time now = rt_->clock().steady_now();
  advance();
  return now;
}

utc_time auto_advancing_clock::utc_now() const {
  const utc_time now = rt_->clock().utc_now();
  advance();
  return now;
}

}  // namespace clockwork::testing
