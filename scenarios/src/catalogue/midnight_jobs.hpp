// Internal: Pattern 4's midnight job, twice — as the patterns document writes it (a delay computed from the
// wall clock, awaited on the monotonic clock) and as it should be written in clockwork (a wait
// for the wall-clock instant itself) — and how the Pattern 4 scenarios host them: under the name
// "midnight", with the schedule the job means (once a UTC day at 00:00) declared, so that the
// schedule detector judges its runs in wall time.
#pragma once

#include <chrono>
#include <exception>
#include <stop_token>

#include "clockwork/detectors/schedule_detector.hpp"
#include "clockwork/hosting/background_service.hpp"
#include "clockwork/testing/scenario.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork::scenarios::entries::pattern4 {

inline utc_time next_utc_midnight(utc_time now) {
  return std::chrono::floor<std::chrono::days>(now) + std::chrono::days(1);
}

// ❌ The patterns document's MidnightJobService: delay = next midnight - DateTime.UtcNow; await Task.Delay(delay).
// The delay is measured on the monotonic clock: a wall clock stepped while it runs is ignored.
class midnight_job_by_delay final : public background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    while (!stopping.stop_requested()) {
      const auto delay = calculate_delay_until_midnight();
      log()->info("Next run in {}", format_duration(delay));
      co_await rt().delay(delay, stopping);
      if (!stopping.stop_requested()) {
        try {
          note_run();  // DoWorkAsync
        } catch (const std::exception& e) {
          log()->error("Midnight job failed: {}", e.what());
        }
      }
    }
  }

 private:
  std::chrono::nanoseconds calculate_delay_until_midnight() const {
    const utc_time now = rt().clock().utc_now();
    return next_utc_midnight(now) - now;
  }
};

// ✅ The same job waiting for the wall-clock instant: delay_until_utc is re-evaluated whenever the
// wall clock is stepped, set, drifts or the zone changes, so it wakes when the wall clock reads
// midnight — or at once, when the clock was moved past it.
class midnight_job_at_utc final : public background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    while (!stopping.stop_requested()) {
      const utc_time next = next_utc_midnight(rt().clock().utc_now());
      log()->info("Next run at {}", format_utc(next));
      co_await rt().delay_until_utc(next, stopping);
      if (!stopping.stop_requested()) {
        try {
          note_run();  // DoWorkAsync
        } catch (const std::exception& e) {
          log()->error("Midnight job failed: {}", e.what());
        }
      }
    }
  }
};

template <class Job>
void add_midnight_job(testing::scenario_world& w) {
  w.builder().add_hosted_service<Job>("midnight");
  w.expect_runs("midnight", run_schedule::daily_at_utc(0, 0));
}

inline constexpr const char* wall_clock_scripted =
    "it steps the wall clock, which only virtual time can do to a running host";

}  // namespace clockwork::scenarios::entries::pattern4
