// Instants as whole seconds since the epoch, the unit the cron search works in: the range of
// them a utc_time can hold, and the way back to a utc_time.
#pragma once

#include <chrono>
#include <cstdint>

#include "clockwork/time/clock.hpp"

namespace clockwork::cron::detail {

// utc_time's range, in whole seconds.
inline constexpr std::int64_t min_instant =
    std::chrono::ceil<std::chrono::seconds>(utc_time::min()).time_since_epoch().count();
inline constexpr std::int64_t max_instant =
    std::chrono::floor<std::chrono::seconds>(utc_time::max()).time_since_epoch().count();

// s must lie in [min_instant, max_instant].
inline utc_time to_utc(std::int64_t s) {
  return utc_time{std::chrono::duration_cast<utc_time::duration>(std::chrono::seconds{s})};
}

}  // namespace clockwork::cron::detail
