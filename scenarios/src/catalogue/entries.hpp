// Internal: one function per scenario of the catalogue, each defined in a file of its own.
#pragma once

#include <chrono>
#include <stop_token>

#include "clockwork/hosting/background_service.hpp"
#include "clockwork/runtime/async_event.hpp"
#include "clockwork/runtime/periodic_timer.hpp"
#include "clockwork/task.hpp"
#include "clockwork/testing/scenario.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork::scenarios::entries {

using testing::scenario;

// §1 Basic implementation
scenario simple_loop();
// Pattern 1: scoped service access
scenario captive_scope();
scenario scope_per_unit();
scenario scope_never_disposed();
scenario unit_never_committed();
// Pattern 2: exception handling
scenario first_exception_kills_stop_host();
scenario first_exception_kills_ignore();
scenario first_exception_kills_restart();
scenario catch_log_continue();
// Pattern 3: PeriodicTimer
scenario while_delay_drifts();
scenario periodic_timer_keeps_phase();
scenario overrun_coalesces();
scenario timer_dispose();
// Pattern 4: run at a specific time
scenario utc_midnight_month();
scenario ntp_step_back_wrong();
scenario ntp_step_back_right();
scenario ntp_step_forward_wrong();
scenario ntp_step_forward_right();
scenario day_jump_wrong();
scenario day_jump_right();
scenario local_midnight_skipped_wrong();
scenario local_midnight_skipped_right();
scenario local_midnight_repeated_wrong();
scenario local_midnight_repeated_right();
// Pattern 5: start-up delay
scenario heavy_before_first_await_inline();
scenario heavy_before_first_await_scheduled();
scenario startup_delay();
// §3 The DailyLog use case
scenario dailylog_commit_faults();
scenario dailylog_midnight_straddle();
scenario dailylog_stop_mid_run();
// §5 Decision matrix: retries on failure
scenario retries_counter();
// Durable jobs (the jobs module): leases, fencing, crashes, lost commits, skew, recurring misfires
scenario jobs_pause_past_lease_unfenced();
scenario jobs_pause_past_lease_fenced();
scenario jobs_crash_mid_job();
scenario jobs_commit_unknown();
scenario jobs_listener_half_open_right();
scenario jobs_listener_half_open_wrong();
scenario jobs_db_restart();
scenario jobs_stale_leader_behind_pooler();
scenario jobs_clock_skew();
scenario jobs_restart_after_3_days();
scenario jobs_delayed_10k();
// Mistake 1: blocking ExecuteAsync
scenario blocking_execute_bounded();
scenario blocking_execute_unbounded();
scenario async_all_the_way();
// Mistake 2: not respecting the cancellation token
scenario delay_without_token();
scenario delay_with_token();
// Mistake 3: fire-and-forget without logging
scenario fire_and_forget_wrong();
scenario fire_and_forget_logged();

}  // namespace clockwork::scenarios::entries
