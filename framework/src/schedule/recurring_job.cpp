#include "clockwork/schedule/recurring_job.hpp"

#include <fmt/format.h>
#include <spdlog/logger.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "clockwork/di/service_scope.hpp"
#include "clockwork/diagnostics/trace.hpp"
#include "clockwork/errors.hpp"
#include "clockwork/runtime/async_event.hpp"
#include "clockwork/runtime/cancellation.hpp"
#include "clockwork/time/duration.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork {
namespace {

// The expression as written, with runs of blanks made one space: the same schedule typed with
// an extra blank keeps its identity.
std::string normalised(std::string_view expression) {
  std::string out;
  for (const char c : expression) {
    const bool blank = c == ' ' || c == '\t';
    if (blank) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

constexpr std::chrono::nanoseconds tick{1};

}  // namespace

// ---- job_schedule ----------------------------------------------------------------------------

job_schedule job_schedule::cron(std::string_view expression, cron::dialect dialect, std::string_view zone,
                                cron::dst_policy policy) {
  job_schedule s;
  const date::time_zone& tz = find_zone(zone);
  s.cron_.emplace(cron::expression{expression, dialect}, tz, policy);
  s.description_ =
      "cron '" + std::string(expression) + "' (" + std::string(to_string(dialect)) + ") in " + std::string(zone);
  s.identity_ = "cron " + std::string(to_string(dialect)) + " " + std::string(to_string(policy)) + " " +
                std::string(zone) + ": " + normalised(expression);
  return s;
}

job_schedule job_schedule::daily_at(int hour, int minute, std::string_view zone) {
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) {
    throw std::invalid_argument("clockwork::job_schedule::daily_at: " + fmt::format("{:02}:{:02}", hour, minute) +
                                " is not a time of day");
  }
  job_schedule s = cron("0 " + std::to_string(minute) + " " + std::to_string(hour) + " * * *", cron::dialect::cronos6,
                        zone, cron::dst_policy::cronos);
  s.description_ = fmt::format("every day at {:02}:{:02} {}", hour, minute, zone);
  return s;
}

job_schedule job_schedule::every(std::chrono::nanoseconds period) {
  if (period.count() <= 0 || period == infinite) {
    throw std::invalid_argument("clockwork::job_schedule::every: the period must be positive and finite, got " +
                                format_duration(period));
  }
  job_schedule s;
  s.period_ = period;
  s.description_ = "every " + format_duration(period);
  s.identity_ = "every " + std::to_string(period.count()) + "ns";
  return s;
}

std::optional<utc_time> job_schedule::next_after(utc_time t, utc_time origin) const {
  if (cron_) return cron_->next(t, cron::boundary::exclusive);
  if (period_.count() <= 0) return std::nullopt;
  if (t < origin) return saturating_add(origin, period_);
  const auto k = saturating_sub(t, origin) / period_ + 1;
  const utc_time at = saturating_add(origin, saturating_mul(period_, k));
  return at == utc_time::max() ? std::nullopt : std::optional<utc_time>(at);
}

std::optional<utc_time> job_schedule::next_at_or_after(utc_time t, utc_time origin) const {
  // A cron occurrence is a whole second: "after t - 1 ns" is "at or after t" for both kinds.
  if (t == utc_time::min()) return next_after(t, origin);
  return next_after(t - tick, origin);
}

std::optional<utc_time> job_schedule::last_at_or_before(utc_time t, utc_time origin) const {
  if (cron_) return cron_->prev(t, cron::boundary::inclusive);
  if (period_.count() <= 0) return std::nullopt;
  const auto since = saturating_sub(t, origin);
  if (since < period_) return std::nullopt;
  return saturating_add(origin, saturating_mul(period_, since / period_));
}

cron::occurrence_count job_schedule::count(utc_time from, utc_time to, utc_time origin) const {
  if (cron_) return cron::count_occurrences(*cron_, from, to);
  cron::occurrence_count out;
  if (period_.count() <= 0 || from > to) return out;
  out.steps = 1;
  // Occurrences are origin + k·period for k >= 1 below utc_time::max() (next_after's range).
  const auto to_since = saturating_sub(to, origin);
  if (to_since < period_) return out;
  const auto room = saturating_sub(utc_time::max(), origin) - tick;
  const std::int64_t k_last = std::min(to_since, room) / period_;
  const auto from_since = saturating_sub(from, origin);
  std::int64_t k_first = 1;
  if (from_since > period_)
    k_first = from_since / period_ + (from_since % period_ != std::chrono::nanoseconds{0} ? 1 : 0);
  if (k_last >= k_first) out.count = static_cast<std::uint64_t>(k_last - k_first + 1);
  return out;
}

std::optional<utc_time> job_schedule::first_from_start(utc_time start) const {
  if (periodic()) return next_after(start, start);
  return next_at_or_after(start, start);
}

std::string job_schedule::describe() const {
  return description_;
}

std::string job_schedule::identity() const {
  return identity_;
}

// ---- retry_policy --------------------------------------------------------------------------------

retry_policy retry_policy::exponential(unsigned max_attempts, std::chrono::nanoseconds base,
                                       std::chrono::nanoseconds cap) {
  retry_policy p;
  p.max_attempts = max_attempts;
  p.base = base;
  p.cap = cap;
  p.validate();
  return p;
}

retry_policy retry_policy::hangfire() {
  retry_policy p;
  p.max_attempts = 11;  // the first attempt and Hangfire's 10 retries
  p.hangfire_curve = true;
  p.cap = std::chrono::hours(24 * 365);
  return p;
}

namespace {

// A non-negative count of nanoseconds computed in floating point, as a duration no longer than
// cap: the comparison happens in double, before any conversion (a double beyond int64's range
// converted to an integer is undefined behaviour).
std::chrono::nanoseconds clamped(double nanoseconds, std::chrono::nanoseconds cap) {
  if (!(nanoseconds < static_cast<double>(cap.count()))) return cap;  // also NaN and infinity
  if (!(nanoseconds > 0.0)) return std::chrono::nanoseconds{0};
  return std::chrono::nanoseconds{static_cast<std::int64_t>(nanoseconds)};
}

}  // namespace

std::chrono::nanoseconds retry_policy::delay_before(
    unsigned attempt, const std::function<std::chrono::nanoseconds(std::chrono::nanoseconds)>& draw) const {
  const unsigned n = attempt > 1 ? attempt - 1 : 1;  // the n-th retry
  if (hangfire_curve) {
    // (n-1)^4 + 15 + r·n seconds, r a whole number uniform in 0..29: a draw uniform over
    // [0, 30 s) in nanoseconds, floored to the second, gives each of the 30 values 1/30.
    const auto r = std::chrono::floor<std::chrono::seconds>(draw(std::chrono::seconds(30) - tick)).count();
    const double seconds = std::pow(static_cast<double>(n - 1), 4) + 15.0 +
                           static_cast<double>(std::clamp<std::int64_t>(r, 0, 29)) * static_cast<double>(n);
    return clamped(seconds * 1e9, cap);
  }
  const double ceiling = static_cast<double>(base.count()) * std::pow(multiplier, static_cast<double>(n - 1));
  const auto bound = clamped(ceiling, cap);
  return full_jitter ? draw(bound) : bound;
}

void retry_policy::validate() const {
  const auto refuse = [](const std::string& what) { throw std::invalid_argument("clockwork::retry_policy: " + what); };
  if (max_attempts == 0) refuse("max_attempts must be at least 1 (1: no retry)");
  if (cap.count() <= 0) refuse("cap must be positive, got " + format_duration(cap));
  if (hangfire_curve) return;
  if (base.count() <= 0) refuse("base must be positive, got " + format_duration(base));
  if (cap < base) refuse("cap (" + format_duration(cap) + ") must not be below base (" + format_duration(base) + ")");
  if (!(multiplier >= 1.0) || !std::isfinite(multiplier)) refuse("multiplier must be a finite number >= 1");
  if (budget && *budget == 0 && max_attempts > 1) refuse("a budget of 0 retries with max_attempts > 1 can never retry");
}

// ---- job_state_store -------------------------------------------------------------------------

std::optional<job_state_store::saved_run> job_state_store::last_run(std::string_view job) {
  const std::optional<utc_time> scheduled = last_scheduled(job);
  if (!scheduled) return std::nullopt;
  return saved_run{*scheduled, std::nullopt};
}

void job_state_store::save_run(std::string_view job, const saved_run& run) {
  save(job, run.scheduled);
}

std::optional<utc_time> in_memory_job_state_store::last_scheduled(std::string_view job) {
  const std::lock_guard lock(mutex_);
  const auto it = last_.find(job);
  if (it == last_.end()) return std::nullopt;
  return it->second.scheduled;
}

void in_memory_job_state_store::save(std::string_view job, utc_time scheduled) {
  const std::lock_guard lock(mutex_);
  last_.insert_or_assign(std::string(job), saved_run{scheduled, std::nullopt});
}

std::optional<job_state_store::saved_run> in_memory_job_state_store::last_run(std::string_view job) {
  const std::lock_guard lock(mutex_);
  const auto it = last_.find(job);
  if (it == last_.end()) return std::nullopt;
  return it->second;
}

void in_memory_job_state_store::save_run(std::string_view job, const saved_run& run) {
  const std::lock_guard lock(mutex_);
  last_.insert_or_assign(std::string(job), run);
}

// ---- recurring_job -------------------------------------------------------------------------------

struct recurring_job::run_state {
  explicit run_state(runtime& rt) : done(rt, "a recurring job's run") {}
  std::stop_source cancel;  // cancel_and_replace, or execute ending with an error
  async_event done;
  bool finished = false;
};

recurring_job::recurring_job(recurring_job_options options, job_function work, std::shared_ptr<scope_factory> scopes)
    : options_(std::move(options)), work_(std::move(work)), scopes_(std::move(scopes)) {}

bool recurring_job::traced() const {
  return rt().observer() != nullptr;
}

void recurring_job::record(std::string_view kind, trace_fields fields) {
  rt().emit(kind, name(), fields);
}

void recurring_job::skip_range(utc_time from, utc_time to, std::uint64_t count, std::string_view reason) {
  if (count == 0) return;
  counters_.skipped += count;
  if (traced()) {
    record("job_skipped", {{"from", format_utc(from)},
                           {"to", format_utc(to)},
                           {"count", std::to_string(count)},
                           {"reason", std::string(reason)}});
  }
}

task<> recurring_job::start_run(utc_time scheduled, std::stop_token host_stopping) {
  if (current_ && !current_->finished) {
    switch (options_.overlap) {
      case overlap_policy::skip:
        ++counters_.skipped;
        log()->warn("job '{}': the run for {} is skipped: the previous run is still going", name(),
                    format_utc(scheduled));
        if (traced()) record("job_skipped", {{"scheduled", format_utc(scheduled)}, {"reason", "overlap"}});
        co_return;
      case overlap_policy::queue_one:
        if (queued_) {
          ++counters_.skipped;
          log()->warn("job '{}': the run for {} is skipped: the previous run is still going and one is queued", name(),
                      format_utc(scheduled));
          if (traced())
            record("job_skipped", {{"scheduled", format_utc(scheduled)}, {"reason", "overlap, one already queued"}});
        } else {
          queued_ = scheduled;
          if (traced()) record("job_queued", {{"scheduled", format_utc(scheduled)}});
        }
        co_return;
      case overlap_policy::cancel_and_replace: {
        ++counters_.replaced;
        if (traced()) record("job_replaced", {{"scheduled", format_utc(scheduled)}});
        const auto previous = current_;
        previous->cancel.request_stop();
        auto ended = previous->done.wait();
        co_await ended;
        break;
      }
    }
  }
  auto run = std::make_shared<run_state>(rt());
  rt().spawn(run_once(scheduled, run, host_stopping), name() + " run");
  current_ = run;
}

task<> recurring_job::run_once(utc_time scheduled, std::shared_ptr<run_state> run, std::stop_token host_stopping) {
  ++counters_.runs;
  std::exception_ptr escaped;
  try {
    const linked_stop_source link{host_stopping, run->cancel.get_token()};
    co_await attempts(scheduled, link.token());
  } catch (...) {
    escaped = std::current_exception();  // not the job function's (attempts catches those)
  }
  // Whatever happened above, the run is over: later occurrences must not see it as still going.
  run->finished = true;
  run->done.set();
  if (escaped) {
    ++counters_.failed;
    const std::string what = describe_exception(escaped);
    log()->error("job '{}': the run for {} failed outside the job function: {}", name(), format_utc(scheduled), what);
    if (traced())
      record("job_failed", {{"scheduled", format_utc(scheduled)}, {"error", what}, {"why", "the run itself failed"}});
  }
  if (queued_ && !closing_ && !host_stopping.stop_requested() && current_ == run) {
    const utc_time next = *queued_;
    queued_.reset();
    auto follower = std::make_shared<run_state>(rt());
    rt().spawn(run_once(next, follower, host_stopping), name() + " run");
    current_ = follower;
  }
}

task<> recurring_job::attempts(utc_time scheduled, std::stop_token token) {
  const utc_time started = rt().clock().stamp_utc();
  if (traced()) {
    // The `run` event carries the occurrence it is for: a late run (a misfire caught up) is
    // that occurrence's run, not a missed one.
    record(trace_kind::run, {{"scheduled", format_utc(scheduled)}});
    record("job_run", {{"scheduled", format_utc(scheduled)},
                       {"started", format_utc(started)},
                       {"late", format_duration(saturating_sub(started, scheduled))}});
  }
  for (unsigned attempt = 1;; ++attempt) {
    std::exception_ptr error;
    {
      auto scope = scopes_->create_scope();
      job_run context{scope.provider(), scheduled, started, attempt, token, rt()};
      try {
        co_await work_(context);
      } catch (...) {
        error = std::current_exception();
      }
    }  // one scope per attempt, disposed here
    if (!error) {
      ++counters_.succeeded;
      if (traced())
        record("job_succeeded", {{"scheduled", format_utc(scheduled)}, {"attempt", std::to_string(attempt)}});
      co_return;
    }
    if (token.stop_requested() && is_cancellation(error)) {
      if (traced())
        record("job_canceled", {{"scheduled", format_utc(scheduled)}, {"attempt", std::to_string(attempt)}});
      co_return;
    }
    const std::string what = describe_exception(error);
    const auto& retry = options_.retry;
    std::string why;
    if (attempt >= retry.max_attempts) {
      why = "attempts exhausted";
    } else if (retry.budget && retries_used_ >= *retry.budget) {
      why = "retry budget spent";
    } else if (retry.should_retry) {
      try {
        if (!retry.should_retry(error)) why = "not retried: should_retry said no";
      } catch (...) {
        // A predicate that rethrows to inspect the error and lets the others escape: the
        // error is not one it accepts; the run fails, the job goes on.
        why = "not retried: should_retry threw: " + describe_exception(std::current_exception());
      }
    }
    if (!why.empty()) {
      ++counters_.failed;
      log()->error("job '{}': the run for {} failed after {} attempt(s): {} ({})", name(), format_utc(scheduled),
                   attempt, what, why);
      if (traced())
        record("job_failed", {{"scheduled", format_utc(scheduled)},
                              {"attempts", std::to_string(attempt)},
                              {"error", what},
                              {"why", why}});
      co_return;
    }
    ++retries_used_;
    ++counters_.retries;
    const auto wait =
        retry.delay_before(attempt + 1, [this](std::chrono::nanoseconds max) { return rt().random_duration(max); });
    log()->warn("job '{}': attempt {} failed ({}); attempt {} in {}", name(), attempt, what, attempt + 1,
                format_duration(wait));
    if (traced())
      record("job_retry", {{"scheduled", format_utc(scheduled)},
                           {"attempt", std::to_string(attempt + 1)},
                           {"delay", format_duration(wait)},
                           {"error", what}});
    const bool waited = co_await rt().try_delay(wait, token);
    if (!waited) {
      if (traced())
        record("job_canceled", {{"scheduled", format_utc(scheduled)}, {"attempt", std::to_string(attempt)}});
      co_return;
    }
  }
}

// The last occurrence the store remembers, when it belongs to this schedule (a store that
// does not keep schedules cannot tell: the schedule is taken as unchanged).
std::optional<utc_time> recurring_job::recall() {
  if (!options_.state) return std::nullopt;
  const auto saved = options_.state->last_run(name());
  if (!saved) return std::nullopt;
  const std::string identity = options_.schedule.identity();
  if (saved->schedule && *saved->schedule != identity) {
    log()->info(
        "job '{}': its schedule changed ({} before, {} now): it starts from now; the last run saved ({}) "
        "belongs to the old schedule and nothing is caught up from it",
        name(), *saved->schedule, identity, format_utc(saved->scheduled));
    if (traced())
      record("job_schedule_changed",
             {{"was", *saved->schedule}, {"now", identity}, {"last_run", format_utc(saved->scheduled)}});
    return std::nullopt;
  }
  return saved->scheduled;
}

task<> recurring_job::execute(std::stop_token stopping) {
  std::exception_ptr error;
  try {
    co_await follow_schedule(stopping);
  } catch (...) {
    error = std::current_exception();
  }
  // Structured, on every way out: no run outlives execute. After an error the host may stop
  // and destroy the service at once, so the run in flight is cancelled and waited for here; a
  // stop reaches it through the host's token. Nothing new starts meanwhile.
  closing_ = true;
  if (queued_) {
    log()->info("job '{}': the queued run for {} is skipped: the job is ending", name(), format_utc(*queued_));
    skip_range(*queued_, *queued_, 1, "the job ended before the queued run could start");
    queued_.reset();
  }
  if (error && current_) current_->cancel.request_stop();
  while (current_ && !current_->finished) {
    auto ended = current_->done.wait();
    co_await ended;
  }
  closing_ = false;  // a restarted execute starts runs again
  if (error) std::rethrow_exception(error);
}

task<> recurring_job::follow_schedule(std::stop_token stopping) {
  const job_schedule schedule = options_.schedule;
  const utc_time start = rt().clock().stamp_utc();
  const std::optional<utc_time> remembered = recall();
  // every() keeps its phase across restarts: the last run saved is its anchor.
  origin_ = remembered && schedule.periodic() ? *remembered : start;
  const utc_time origin = origin_;
  rt().declare_schedule({name(), schedule.describe(),
                         [schedule, origin](utc_time after) { return schedule.next_after(after, origin); },
                         options_.tolerance});
  ++counters_.schedule_steps;
  std::optional<utc_time> next =
      remembered ? schedule.next_after(*remembered, origin) : schedule.first_from_start(start);
  utc_time last = remembered.value_or(start);
  for (;;) {
    if (stopping.stop_requested()) co_return;
    if (!next) {
      log()->warn("job '{}': its schedule ({}) has no occurrence after {}: it will not run again", name(),
                  schedule.describe(), format_utc(last));
      const bool waited = co_await rt().try_delay(infinite, stopping);
      (void)waited;
      co_return;
    }
    if (*next > rt().clock().stamp_utc()) {
      try {
        auto due = rt().delay_until_utc(*next, stopping);
        co_await due;
      } catch (const operation_canceled&) {
        co_return;
      }
    }
    const utc_time now = rt().clock().stamp_utc();
    if (*next > now) continue;  // woke early (the wall clock moved back): wait again
    // Everything due by now: usually the one occurrence just reached; after an outage or a
    // forward jump of the wall clock, every one up to now — counted, not listed.
    ++counters_.schedule_steps;
    std::optional<utc_time> following = schedule.next_after(*next, origin);
    due_range due{*next, *next, 1};
    if (following && *following <= now) {
      ++counters_.schedule_steps;
      due.latest = schedule.last_at_or_before(now, origin).value_or(*following);
      const cron::occurrence_count n = schedule.count(due.first, due.latest, origin);
      counters_.schedule_steps += n.steps;
      due.count = std::max<std::uint64_t>(n.count, 2);  // first and following, at least
      ++counters_.schedule_steps;
      following = schedule.next_after(due.latest, origin);
    }
    last = due.latest;
    // Saved before anything runs: an occurrence saved is never run again, even if the host
    // goes down in the middle of it.
    if (options_.state) options_.state->save_run(name(), {last, schedule.identity()});
    co_await catch_up(due, now, stopping);
    next = following;
  }
}

// What the misfire policy makes of the occurrences due: the ones that run, and the one
// contiguous range of the others (a prefix for relaxed and ignorable, a suffix for strict).
recurring_job::run_plan recurring_job::plan_runs(const due_range& due, utc_time now) {
  const job_schedule& schedule = options_.schedule;
  const auto& m = options_.misfire;
  const utc_time window_start = saturating_add(now, -m.window);
  run_plan plan;
  plan.skipped_from = due.first;
  plan.skipped_to = due.latest;
  if (due.count == 1) {  // the usual wake-up: nothing to search for
    if (m.policy == misfire_policy::ignorable && due.first < window_start) {
      plan.reason = "misfire, ignorable: older than the window";
    } else {
      plan.run.push_back(due.first);
    }
    return plan;
  }
  switch (m.policy) {
    case misfire_policy::relaxed:
      plan.run.push_back(due.latest);
      ++counters_.schedule_steps;
      plan.skipped_to = schedule.last_at_or_before(due.latest - tick, origin_).value_or(due.first);
      plan.reason = "misfire, relaxed: only the latest runs";
      break;
    case misfire_policy::strict: {
      const std::uint64_t take = std::min<std::uint64_t>(due.count, m.catch_up_cap);
      for (std::optional<utc_time> at = due.first; at && plan.run.size() < take;
           at = schedule.next_after(*at, origin_)) {
        ++counters_.schedule_steps;
        plan.run.push_back(*at);
      }
      if (plan.run.size() < due.count) {
        ++counters_.schedule_steps;
        plan.skipped_from = schedule.next_after(plan.run.back(), origin_).value_or(due.latest);
        plan.reason = "misfire, strict: past catch_up_cap";
      }
      break;
    }
    case misfire_policy::ignorable:
      for (std::optional<utc_time> at = schedule.next_at_or_after(std::max(due.first, window_start), origin_);
           at && *at <= due.latest; at = schedule.next_after(*at, origin_)) {
        ++counters_.schedule_steps;
        plan.run.push_back(*at);
      }
      if (plan.run.size() < due.count) {
        ++counters_.schedule_steps;
        plan.skipped_to = schedule.last_at_or_before(window_start - tick, origin_).value_or(due.latest);
        plan.reason = "misfire, ignorable: older than the window";
      }
      break;
  }
  return plan;
}

task<> recurring_job::catch_up(const due_range& due, utc_time now, std::stop_token stopping) {
  const job_schedule& schedule = options_.schedule;
  const auto& m = options_.misfire;
  // Misfired: due longer than the threshold ago (now - at > threshold).
  std::uint64_t missed = 0;
  if (saturating_sub(now, due.first) > m.threshold) {
    if (due.count == 1) {
      missed = 1;
    } else {
      const utc_time cutoff = saturating_add(now, -m.threshold) - tick;
      const cron::occurrence_count n = schedule.count(due.first, std::min(cutoff, due.latest), origin_);
      counters_.schedule_steps += n.steps;
      missed = n.count;
    }
  }
  const run_plan plan = plan_runs(due, now);
  const std::vector<utc_time>& to_run = plan.run;
  const std::uint64_t dropped = due.count > to_run.size() ? due.count - to_run.size() : 0;
  counters_.misfired += missed;
  if (missed > 0 || dropped > 0) {
    log()->warn("job '{}': {} occurrence(s) due from {} to {}, {} of them more than {} ago; {} run(s) now, {} skipped",
                name(), due.count, format_utc(due.first), format_utc(due.latest), missed, format_duration(m.threshold),
                to_run.size(), dropped);
    if (traced())
      record("job_misfire", {{"due", std::to_string(due.count)},
                             {"missed", std::to_string(missed)},
                             {"from", format_utc(due.first)},
                             {"to", format_utc(due.latest)},
                             {"running", std::to_string(to_run.size())},
                             {"dropped", std::to_string(dropped)}});
  }
  skip_range(plan.skipped_from, plan.skipped_to, dropped, plan.reason);
  // Catch-up runs go one after another; a single run overlaps the next occurrence as the
  // overlap policy says. A stop in the middle skips the rest: they were saved as handled.
  for (std::size_t i = 0; i < to_run.size(); ++i) {
    if (stopping.stop_requested()) {
      log()->info("job '{}': stopping: {} catch-up run(s) from {} skipped", name(), to_run.size() - i,
                  format_utc(to_run[i]));
      skip_range(to_run[i], to_run.back(), to_run.size() - i, "the job stopped during a catch-up");
      break;
    }
    co_await start_run(to_run[i], stopping);
    if (to_run.size() > 1 && current_ && !current_->finished) {
      auto ended = current_->done.wait();
      co_await ended;
    }
  }
}

// ---- registration ----------------------------------------------------------------------------

host_builder& add_recurring_job(host_builder& builder, std::string name, recurring_job_options options,
                                job_function work) {
  if (!work) throw std::invalid_argument("clockwork::add_recurring_job '" + name + "': no job function");
  if (!options.schedule.valid())
    throw std::invalid_argument("clockwork::add_recurring_job '" + name + "': no schedule");
  options.retry.validate();
  const auto refuse = [&name](const std::string& what) {
    throw std::invalid_argument("clockwork::add_recurring_job '" + name + "': " + what);
  };
  if (options.misfire.threshold.count() < 0)
    refuse("misfire.threshold must not be negative, got " + format_duration(options.misfire.threshold));
  if (options.misfire.window.count() < 0)
    refuse("misfire.window must not be negative, got " + format_duration(options.misfire.window));
  if (options.misfire.catch_up_cap == 0)
    refuse("misfire.catch_up_cap must be at least 1 (strict runs that many missed occurrences at once)");
  if (options.tolerance.count() < 0)
    refuse("tolerance must not be negative, got " + format_duration(options.tolerance));
  const utc_time now = builder.rt().clock().stamp_utc();
  if (!options.schedule.first_from_start(now)) {
    throw std::invalid_argument("clockwork::add_recurring_job '" + name + "': the schedule (" +
                                options.schedule.describe() + ") has no occurrence after " + format_utc(now) +
                                ": the job would never run");
  }
  return builder.add_hosted_service<recurring_job>(
      std::move(name), [options = std::move(options), work = std::move(work)](service_provider& sp) {
        return std::make_shared<recurring_job>(options, work, sp.get<scope_factory>());
      });
}

std::string_view to_string(misfire_policy p) noexcept {
  switch (p) {
    case misfire_policy::relaxed: return "relaxed";
    case misfire_policy::strict: return "strict";
    case misfire_policy::ignorable: return "ignorable";
  }
  return "relaxed";
}

std::optional<misfire_policy> parse_misfire_policy(std::string_view name) noexcept {
  for (const misfire_policy p : {misfire_policy::relaxed, misfire_policy::strict, misfire_policy::ignorable}) {
    if (to_string(p) == name) return p;
  }
  return std::nullopt;
}

}  // namespace clockwork
