// clockwork::recurring_job — a hosted service around a function of yours that runs on a schedule
// (cron, a time of day, an interval), waits for each occurrence on the *wall clock*
// (delay_until_utc, so NTP steps and DST never move it to the wrong time), and decides
// explicitly what happens when occurrences were missed, when a run fails, and when the previous
// run is still going. What Hangfire's RecurringJob and Quartz's triggers do, testable in virtual
// time end to end.
//
//   schedule  job_schedule::cron("0 30 2 * * *", cron::dialect::cronos6, "Europe/Berlin"),
//             job_schedule::daily_at(2, 30, "Europe/Berlin"), or job_schedule::every(6h).
//             A schedule with no future occurrence ("0 0 0 30 2 *") is refused when the job is
//             added, not discovered later as a job that never runs.
//   start     cron and daily_at: an occurrence at the very instant the job starts runs then
//             (as Hangfire); every(): the first run is one period after the start. With a
//             job_state_store, the job goes on from the last occurrence it saved (never run
//             again) — every() keeps its phase, last + k·period — unless the schedule changed
//             since: then it starts afresh from now, nothing caught up (as Hangfire's
//             AddOrUpdate with a new cron expression), and says so in the log.
//   misfire   occurrences that passed while the job could not run (the host was down — with a
//             job_state_store that remembers the last run — or the wall clock jumped forward):
//               relaxed    one run for any number of them (the latest), the rest skipped;
//               strict     one run per missed occurrence, oldest first, at most catch_up_cap,
//                          the rest skipped;
//               ignorable  only those within `window` of now run; older ones are skipped.
//             Every occurrence due is accounted for: runs + skipped == occurrences due, and
//             `misfired` counts those later than misfire.threshold (run late or skipped). A
//             catch-up costs what runs, not what was missed: the occurrences are counted
//             (arithmetic for every(), cron_count.hpp for cron), never listed; a year of an
//             every-second job is a handful of schedule steps (counters::schedule_steps).
//             Every run records the instant it was scheduled for next to when it started.
//   retry     a failed attempt is tried again after an exponential backoff with full jitter
//             (uniform in [0, min(cap, base · multiplier^(n-1))], drawn from the runtime's
//             seeded generator: the same seed, the same instants), up to max_attempts, for the
//             errors should_retry accepts (a should_retry that throws refuses, and its error is
//             logged), within a budget over the job's life. retry_policy::hangfire() is
//             Hangfire's default curve, for comparison.
//   overlap   the next occurrence comes while the previous run is still going:
//               skip               it is not run (skipped);
//               queue_one          it runs as soon as the previous one ends (one queued at most);
//               cancel_and_replace the previous run's token is stopped, then it runs.
//             Contention is never turned into a failure.
//   scope     each attempt gets a scope of its own from the host's container.
//   lifetime  structured: no run outlives execute(). When execute() ends — stopped, or with an
//             error (a state store that throws) — the run in flight is cancelled (on an error)
//             and waited for first; a run that ignores its token keeps the service running, and
//             the host abandons it at the shutdown deadline rather than destroying it under it.
//   trace     job_run, job_retry, job_failed, job_misfire, job_skipped (with `scheduled`, or
//             `from`, `to` and `count` for a range of the schedule's occurrences), job_queued,
//             job_replaced and job_schedule_changed events; a `run` event per scheduled run
//             with the `scheduled` instant it is for; and the schedule declared to the schedule
//             detectors (missed_run, duplicate_run).
//
// Example — production and test side by side:
//
//   clockwork::recurring_job_options o;
//   o.schedule = clockwork::job_schedule::daily_at(0, 0, "UTC");
//   o.retry = clockwork::retry_policy::exponential(5, std::chrono::seconds(10), std::chrono::minutes(10));
//   clockwork::add_recurring_job(builder, "daily_log", o, [](clockwork::job_run& run) -> clockwork::task<> {
//     auto repo = run.services.get<daily_log_repository>();   // a scope per attempt
//     co_await create_missing_logs(*repo, run.stopping);
//   });
//   // production: builder on a real_runtime; test: sim.builder() and sim.run_for(days(30)).
//
// Thread safety: a hosted service, on its runtime's loop. The job function runs there too.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "clockwork/di/service_provider.hpp"
#include "clockwork/hosting/background_service.hpp"
#include "clockwork/hosting/host_builder.hpp"
#include "clockwork/schedule/cron_count.hpp"
#include "clockwork/schedule/cron_expression.hpp"
#include "clockwork/schedule/cron_schedule.hpp"
#include "clockwork/task.hpp"
#include "clockwork/time/clock.hpp"

namespace clockwork {

// When a job runs: wall-clock instants.
class job_schedule {
 public:
  // A cron expression in an IANA zone (std::invalid_argument naming the zone when unknown).
  static job_schedule cron(std::string_view expression, cron::dialect dialect, std::string_view zone,
                           cron::dst_policy policy = cron::dst_policy::cronos);
  // Every day at hour:minute local time in zone (a cron "0 m h * * *" with the cronos policy:
  // a time the day skips runs at the end of the gap, a repeated one once).
  static job_schedule daily_at(int hour, int minute, std::string_view zone);
  // Every period of wall time, from the job's start (phase-aligned); with a state store, from
  // the last run it saved, so that the phase survives a restart.
  static job_schedule every(std::chrono::nanoseconds period);

  // `origin` anchors every(): its occurrences are origin + k·period, k >= 1 (cron ignores it).
  // The first occurrence strictly after t.
  std::optional<utc_time> next_after(utc_time t, utc_time origin) const;
  // The first occurrence at or after t.
  std::optional<utc_time> next_at_or_after(utc_time t, utc_time origin) const;
  // The last occurrence at or before t.
  std::optional<utc_time> last_at_or_before(utc_time t, utc_time origin) const;
  // How many occurrences lie in [from, to] (both inclusive), exactly, and the work it took:
  // arithmetic for every(), cron::count_occurrences for cron. 0 when from > to.
  cron::occurrence_count count(utc_time from, utc_time to, utc_time origin) const;
  // The first occurrence of a job starting at `start` with nothing remembered: cron and
  // daily_at, at or after start (an occurrence at the very instant runs then); every(), one
  // period after start.
  std::optional<utc_time> first_from_start(utc_time start) const;

  // Whether this is an every() schedule (anchored to its origin, not to the calendar).
  bool periodic() const noexcept { return !cron_ && period_.count() > 0; }
  std::string describe() const;
  // What the schedule is, as stable text for a job_state_store to keep next to the last run
  // ("cron cronos6 cronos Europe/Berlin: 0 30 2 * * *", "every 3600000000000ns"); two schedules
  // with the same identity have the same occurrences. daily_at(h, m, zone) is the cron it stands
  // for; the expression's blanks are normalised, nothing else.
  std::string identity() const;
  bool valid() const noexcept { return cron_.has_value() || period_.count() > 0; }

 private:
  std::optional<cron::schedule> cron_;
  std::chrono::nanoseconds period_{0};
  std::string description_;
  std::string identity_;
};

enum class misfire_policy { relaxed, strict, ignorable };
// "relaxed", "strict", "ignorable": the names stores keep and pages show.
std::string_view to_string(misfire_policy p) noexcept;
// The policy of that name, or none.
std::optional<misfire_policy> parse_misfire_policy(std::string_view name) noexcept;

struct misfire_options {
  misfire_policy policy = misfire_policy::relaxed;
  // strict: at most this many catch-up runs at once (the oldest first); at least 1.
  unsigned catch_up_cap = 10;
  // ignorable: only missed occurrences this recent still run.
  std::chrono::nanoseconds window = std::chrono::hours(1);
  // An occurrence run later than this after its instant counts as misfired.
  std::chrono::nanoseconds threshold = std::chrono::minutes(1);
};

struct retry_policy {
  unsigned max_attempts = 1;  // 1: no retry
  std::chrono::nanoseconds base = std::chrono::seconds(1);
  std::chrono::nanoseconds cap = std::chrono::minutes(5);
  double multiplier = 2.0;
  bool full_jitter = true;
  // Which errors are worth another attempt (default: every one).
  std::function<bool(const std::exception_ptr&)> should_retry;
  // Retries over the job's whole life (none: unlimited).
  std::optional<unsigned> budget;
  // Hangfire's default curve instead of the exponential one (see hangfire()).
  bool hangfire_curve = false;

  static retry_policy none() { return {}; }
  static retry_policy exponential(unsigned max_attempts, std::chrono::nanoseconds base, std::chrono::nanoseconds cap);
  // Hangfire's AutomaticRetry default: 10 retries, the n-th after (n-1)^4 + 15 + r·n seconds,
  // r a whole number drawn uniformly from 0..29; at most `cap` (365 days).
  static retry_policy hangfire();
  // The wait before attempt `attempt` (2, 3, ...), drawing jitter from draw(max) (uniform in
  // [0, max]). Never more than cap, never negative, for any attempt: the curve is computed in
  // floating point and clamped before it becomes a duration.
  std::chrono::nanoseconds delay_before(
      unsigned attempt, const std::function<std::chrono::nanoseconds(std::chrono::nanoseconds)>& draw) const;
  // std::invalid_argument naming a zero or negative attempt count or delay, a multiplier below 1.
  void validate() const;
};

enum class overlap_policy { skip, queue_one, cancel_and_replace };

// Remembers each job's last scheduled instant — and the schedule it belonged to — across host
// lifetimes, so that a restarted host knows what it missed, and that a changed schedule is not
// caught up from the old one's last run. Implement it over your database;
// in_memory_job_state_store for tests.
//
// last_run/save_run carry the schedule (job_schedule::identity()). They have defaults over the
// first two members, so a store written for those alone keeps working: it remembers no
// schedule, and the job then takes the schedule as unchanged (it cannot tell).
//
// A save that throws ends the job's execute() with that error (after the run in flight is
// cancelled and has ended); the host's on_service_exception decides what follows.
class job_state_store {
 public:
  struct saved_run {
    utc_time scheduled;                   // the last occurrence handled (run or skipped)
    std::optional<std::string> schedule;  // its schedule's identity(); none: unknown
  };

  virtual ~job_state_store() = default;
  virtual std::optional<utc_time> last_scheduled(std::string_view job) = 0;
  virtual void save(std::string_view job, utc_time scheduled) = 0;

  // Default: last_scheduled(job), with the schedule unknown.
  virtual std::optional<saved_run> last_run(std::string_view job);
  // Default: save(job, run.scheduled); the schedule is not kept.
  virtual void save_run(std::string_view job, const saved_run& run);
};

class in_memory_job_state_store final : public job_state_store {
 public:
  std::optional<utc_time> last_scheduled(std::string_view job) override;
  void save(std::string_view job, utc_time scheduled) override;
  std::optional<saved_run> last_run(std::string_view job) override;
  void save_run(std::string_view job, const saved_run& run) override;

 private:
  std::mutex mutex_;
  std::map<std::string, saved_run, std::less<>> last_;
};

// What one attempt of a run sees.
struct job_run {
  service_provider& services;  // a scope of its own
  utc_time scheduled;          // the occurrence it is for
  utc_time started;            // the wall clock when the run (its first attempt) started
  unsigned attempt = 1;
  std::stop_token stopping;  // the host stopping, or the run replaced (cancel_and_replace)
  runtime& rt;
};

using job_function = std::function<task<>(job_run&)>;

struct recurring_job_options {
  job_schedule schedule;
  misfire_options misfire;
  retry_policy retry;
  overlap_policy overlap = overlap_policy::skip;
  std::shared_ptr<job_state_store> state;  // none: a fresh start never catches up
  // The schedule detectors' tolerance for this job's runs (not negative).
  std::chrono::nanoseconds tolerance = std::chrono::minutes(1);
};

// Adds the job as a hosted service named `name`. Throws std::invalid_argument at once, naming
// what is wrong, for an invalid retry policy, a negative misfire duration or tolerance, a
// catch_up_cap of 0, or a schedule without a future occurrence (from the runtime's wall clock
// now).
host_builder& add_recurring_job(host_builder& builder, std::string name, recurring_job_options options,
                                job_function work);

// The service add_recurring_job registers; its counters are for tests and dashboards.
class recurring_job final : public background_service {
 public:
  recurring_job(recurring_job_options options, job_function work, std::shared_ptr<scope_factory> scopes);
  task<> execute(std::stop_token stopping) override;

  struct counters {
    std::uint64_t runs = 0;       // scheduled runs started
    std::uint64_t succeeded = 0;  // runs that ended well (after retries, perhaps)
    std::uint64_t failed = 0;     // runs whose every attempt failed
    std::uint64_t retries = 0;
    std::uint64_t misfired = 0;  // occurrences later than misfire.threshold (run late, or skipped)
    // Occurrences not run: overlap skip, misfire policy, stop during a catch-up. With runs, every
    // occurrence due is accounted for: runs + skipped == occurrences due.
    std::uint64_t skipped = 0;
    std::uint64_t replaced = 0;  // runs cancelled to make room (cancel_and_replace)
    // Schedule computations: one per occurrence searched for, plus the zone periods a count
    // went through — what the job's schedule bookkeeping cost. O(runs), never O(missed).
    std::uint64_t schedule_steps = 0;
  };
  const counters& stats() const noexcept { return counters_; }

 private:
  struct run_state;
  // Occurrences found due at one wake-up: [first, latest], `count` of them.
  struct due_range {
    utc_time first;
    utc_time latest;
    std::uint64_t count = 0;
  };
  // What the misfire policy makes of them: the ones that run, and the range of the others.
  struct run_plan {
    std::vector<utc_time> run;
    utc_time skipped_from{};
    utc_time skipped_to{};
    std::string_view reason;
  };
  task<> follow_schedule(std::stop_token stopping);
  run_plan plan_runs(const due_range& due, utc_time now);
  std::optional<utc_time> recall();
  task<> catch_up(const due_range& due, utc_time now, std::stop_token stopping);
  void skip_range(utc_time from, utc_time to, std::uint64_t count, std::string_view reason);
  task<> run_once(utc_time scheduled, std::shared_ptr<run_state> run, std::stop_token host_stopping);
  task<> attempts(utc_time scheduled, std::stop_token token);
  task<> start_run(utc_time scheduled, std::stop_token host_stopping);
  // Events for the trace and the detectors; their fields are only built when someone observes.
  bool traced() const;
  void record(std::string_view kind, trace_fields fields);

  recurring_job_options options_;
  job_function work_;
  std::shared_ptr<scope_factory> scopes_;
  counters counters_;
  utc_time origin_{};
  std::shared_ptr<run_state> current_;  // the run in progress, if any
  std::optional<utc_time> queued_;      // queue_one: the occurrence waiting for it
  bool closing_ = false;                // execute is ending: no run starts any more
  unsigned retries_used_ = 0;
};

}  // namespace clockwork
