// The zone a detector writes local times in, read without counting a clock read: detectors
// watch the service and must not show up among its reads.
#pragma once

#include <date/tz.h>

#include "clockwork/time/clock.hpp"
#include "clockwork/time/virtual_clock.hpp"

namespace clockwork::detail {

// A virtual clock's stamping zone, or the clock's local zone.
inline const date::time_zone& zone_of(const clock& clk) {
  if (const auto* virtual_one = dynamic_cast<const virtual_clock*>(&clk)) return virtual_one->stamp_zone();
  return clk.local_zone();
}

}  // namespace clockwork::detail
