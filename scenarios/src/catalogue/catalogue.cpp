#include "clockwork/scenarios/catalogue.hpp"

#include "entries.hpp"

namespace clockwork::scenarios {

std::vector<testing::scenario> catalogue() {
  using namespace entries;
  return {
      // §1 Basic implementation
      simple_loop(),
      // Pattern 1: scoped service access
      captive_scope(),
      scope_per_unit(),
      scope_never_disposed(),
      unit_never_committed(),
      // Pattern 2: exception handling
      first_exception_kills_stop_host(),
      first_exception_kills_ignore(),
      first_exception_kills_restart(),
      catch_log_continue(),
      // Pattern 3: PeriodicTimer
      while_delay_drifts(),
      periodic_timer_keeps_phase(),
      overrun_coalesces(),
      timer_dispose(),
      // Pattern 4: run at a specific time
      utc_midnight_month(),
      ntp_step_back_wrong(),
      ntp_step_back_right(),
      ntp_step_forward_wrong(),
      ntp_step_forward_right(),
      day_jump_wrong(),
      day_jump_right(),
      local_midnight_skipped_wrong(),
      local_midnight_skipped_right(),
      local_midnight_repeated_wrong(),
      local_midnight_repeated_right(),
      // Pattern 5: start-up delay
      heavy_before_first_await_inline(),
      heavy_before_first_await_scheduled(),
      startup_delay(),
      // §3 The DailyLog use case
      dailylog_commit_faults(),
      dailylog_midnight_straddle(),
      dailylog_stop_mid_run(),
      // §5 Decision matrix: retries on failure
      retries_counter(),
      // §6 Mistake 1: blocking ExecuteAsync
      blocking_execute_bounded(),
      blocking_execute_unbounded(),
      async_all_the_way(),
      // Mistake 2: not respecting the cancellation token
      delay_without_token(),
      delay_with_token(),
      // Mistake 3: fire-and-forget without logging
      fire_and_forget_wrong(),
      fire_and_forget_logged(),
      // Durable jobs: leases and fencing, crashes, lost commits, skew, recurring misfires
      jobs_pause_past_lease_unfenced(),
      jobs_pause_past_lease_fenced(),
      jobs_crash_mid_job(),
      jobs_commit_unknown(),
      jobs_clock_skew(),
      jobs_restart_after_3_days(),
      jobs_delayed_10k(),
      // Durable jobs on PostgreSQL: listeners, a restart, no leader behind a pooler
      jobs_listener_half_open_right(),
      jobs_listener_half_open_wrong(),
      jobs_db_restart(),
      jobs_stale_leader_behind_pooler(),
  };
}

std::optional<testing::scenario> find_scenario(std::string_view name) {
  for (auto& s : catalogue()) {
    if (s.name == name) return std::move(s);
  }
  return std::nullopt;
}

}  // namespace clockwork::scenarios
