#include "clockwork/scenarios/month_demo.hpp"

#include "clockwork/runtime/periodic_timer.hpp"

namespace clockwork::scenarios {

task<> heartbeat(runtime& rt, std::chrono::nanoseconds period, std::stop_token stopping, month_demo_summary& out) {
  periodic_timer timer{rt, period, "heartbeat"};
  try {
    for (;;) {
      const bool ticked = co_await timer.next_tick(stopping);
      if (!ticked) break;
      ++out.heartbeats;
    }
  } catch (const operation_canceled&) {
    // stopping: a graceful end
  }
  out.missed_heartbeats = timer.missed_ticks();
}

task<> midnight_job(runtime& rt, std::stop_token stopping, month_demo_summary& out) {
  try {
    for (;;) {
      // The patterns document's delay calculation: from wall-clock now to the next UTC midnight.
      const utc_time now = rt.clock().utc_now();
      const utc_time next_midnight = std::chrono::floor<std::chrono::days>(now) + std::chrono::days(1);
      co_await rt.delay(next_midnight - now, stopping);
      out.midnight_runs.push_back(rt.clock().utc_now());
    }
  } catch (const operation_canceled&) {
  }
}

month_demo_summary run_month_demo(virtual_runtime& rt, std::chrono::nanoseconds length) {
  month_demo_summary summary;
  std::stop_source stop;
  rt.spawn(heartbeat(rt, std::chrono::minutes(15), stop.get_token(), summary), "heartbeat");
  rt.spawn(midnight_job(rt, stop.get_token(), summary), "midnight_job");
  const steady_time start = rt.now();
  summary.timers_fired = rt.run_for(length);
  stop.request_stop();
  rt.run_until_idle();
  summary.simulated = rt.now() - start;
  return summary;
}

}  // namespace clockwork::scenarios
