#include "clockwork/schedule/recurring_job.hpp"

#include <spdlog/logger.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "clockwork/di/service_scope.hpp"
#include "clockwork/errors.hpp"
#include "clockwork/runtime/async_event.hpp"
#include "clockwork/runtime/cancellation.hpp"
#include "clockwork/time/duration.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork {
namespace {

std::string two(int v) {
  return (v < 10 ? "0" : "") + std::to_string(v);
}

// A long outage of a frequent job (three days of a minutely one) is counted, not looped over
// forever: past this many, the oldest missed occurrences are only counted.
constexpr std::size_t max_due_listed = 100'000;

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
  return s;
}

job_schedule job_schedule::daily_at(int hour, int minute, std::string_view zone) {
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) {
    throw std::invalid_argument("clockwork::job_schedule::daily_at: " + two(hour) + ":" + two(minute) +
                                " is not a time of day");
  }
  job_schedule s = cron("0 " + std::to_string(minute) + " " + std::to_string(hour) + " * * *", cron::dialect::cronos6,
                        zone, cron::dst_policy::cronos);
  s.description_ = "every day at " + two(hour) + ":" + two(minute) + " " + std::string(zone);
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

std::string job_schedule::describe() const {
  return description_;
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

// ---- in_memory_job_state_store ---------------------------------------------------------------

std::optional<utc_time> in_memory_job_state_store::last_scheduled(std::string_view job) {
  const std::lock_guard lock(mutex_);
  const auto it = last_.find(job);
  if (it == last_.end()) return std::nullopt;
  return it->second;
}

void in_memory_job_state_store::save(std::string_view job, utc_time scheduled) {
  const std::lock_guard lock(mutex_);
  last_.insert_or_assign(std::string(job), scheduled);
}

// ---- recurring_job -------------------------------------------------------------------------------

struct recurring_job::run_state {
  explicit run_state(runtime& rt) : done(rt, "a recurring job's run") {}
  std::stop_source cancel;  // cancel_and_replace
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
  current_ = run;
  rt().spawn(run_once(scheduled, run, host_stopping), name() + " run");
}

task<> recurring_job::run_once(utc_time scheduled, std::shared_ptr<run_state> run, std::stop_token host_stopping) {
  const linked_stop_source link{host_stopping, run->cancel.get_token()};
  const std::stop_token token = link.token();
  const utc_time started = rt().clock().stamp_utc();
  ++counters_.runs;
  note_run();
  if (traced())
    record("job_run", {{"scheduled", format_utc(scheduled)},
                       {"started", format_utc(started)},
                       {"late", format_duration(saturating_sub(started, scheduled))}});
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
      break;
    }
    if (token.stop_requested() && is_cancellation(error)) {
      if (traced())
        record("job_canceled", {{"scheduled", format_utc(scheduled)}, {"attempt", std::to_string(attempt)}});
      break;
    }
    const std::string what = describe_exception(error);
    const auto& retry = options_.retry;
    const bool worth_it = !retry.should_retry || retry.should_retry(error);
    const bool within_budget = !retry.budget || retries_used_ < *retry.budget;
    if (attempt >= retry.max_attempts || !worth_it || !within_budget) {
      ++counters_.failed;
      log()->error("job '{}': the run for {} failed after {} attempt(s): {}", name(), format_utc(scheduled), attempt,
                   what);
      if (traced())
        record("job_failed", {{"scheduled", format_utc(scheduled)},
                              {"attempts", std::to_string(attempt)},
                              {"error", what},
                              {"why", !worth_it        ? "not retried: should_retry said no"
                                      : !within_budget ? "retry budget spent"
                                                       : "attempts exhausted"}});
      break;
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
      break;
    }
  }
  run->finished = true;
  run->done.set();
  if (queued_ && !host_stopping.stop_requested() && current_ == run) {
    const utc_time next = *queued_;
    queued_.reset();
    auto follower = std::make_shared<run_state>(rt());
    current_ = follower;
    rt().spawn(run_once(next, follower, host_stopping), name() + " run");
  }
}

task<> recurring_job::execute(std::stop_token stopping) {
  origin_ = rt().clock().stamp_utc();
  const job_schedule schedule = options_.schedule;
  const utc_time origin = origin_;
  rt().declare_schedule({name(), schedule.describe(),
                         [schedule, origin](utc_time after) { return schedule.next_after(after, origin); },
                         options_.tolerance});
  std::optional<utc_time> remembered;
  if (options_.state) remembered = options_.state->last_scheduled(name());
  utc_time last = remembered.value_or(origin_);  // a fresh start never catches up
  for (;;) {
    const std::optional<utc_time> next = schedule.next_after(last, origin_);
    if (!next) {
      log()->warn("job '{}': its schedule ({}) has no occurrence after {}: it will not run again", name(),
                  schedule.describe(), format_utc(last));
      const bool waited = co_await rt().try_delay(infinite, stopping);
      (void)waited;
      break;
    }
    if (*next > rt().clock().stamp_utc()) {
      try {
        auto due = rt().delay_until_utc(*next, stopping);
        co_await due;
      } catch (const operation_canceled&) {
        break;
      }
    }
    // Everything due by now: usually the one occurrence just reached; after an outage or a jump
    // of the wall clock, every one that passed.
    const utc_time now = rt().clock().stamp_utc();
    std::vector<utc_time> due;
    std::uint64_t uncounted = 0;
    for (std::optional<utc_time> at = next; at && *at <= now; at = schedule.next_after(*at, origin_)) {
      if (due.size() < max_due_listed) {
        due.push_back(*at);
      } else {
        ++uncounted;
      }
    }
    if (due.empty()) continue;  // woke early (the wall clock moved back): wait again
    last = due.back();
    if (options_.state) options_.state->save(name(), last);

    std::vector<utc_time> to_run;
    const auto& m = options_.misfire;
    std::uint64_t missed = uncounted;
    for (const utc_time at : due) {
      if (saturating_sub(now, at) > m.threshold) ++missed;
    }
    switch (m.policy) {
      case misfire_policy::relaxed: to_run.push_back(due.back()); break;
      case misfire_policy::strict: {
        const std::size_t take = std::min<std::size_t>(due.size(), std::max(1U, m.catch_up_cap));
        to_run.assign(due.begin(), due.begin() + static_cast<std::ptrdiff_t>(take));
        break;
      }
      case misfire_policy::ignorable:
        for (const utc_time at : due) {
          if (saturating_sub(now, at) <= m.window) to_run.push_back(at);
        }
        break;
    }
    if (missed > 0) {
      counters_.misfired += missed;
      const std::uint64_t dropped = due.size() + uncounted - to_run.size();
      counters_.skipped += dropped;
      log()->warn("job '{}': {} occurrence(s) misfired (the last at {}); {} run(s) now, {} dropped", name(), missed,
                  format_utc(due.back()), to_run.size(), dropped);
      if (traced())
        record("job_misfire", {{"missed", std::to_string(missed)},
                               {"from", format_utc(due.front())},
                               {"to", format_utc(due.back())},
                               {"running", std::to_string(to_run.size())},
                               {"dropped", std::to_string(dropped)}});
    }
    // Catch-up runs go one after another; a single run overlaps the next occurrence as the
    // overlap policy says.
    for (std::size_t i = 0; i < to_run.size() && !stopping.stop_requested(); ++i) {
      co_await start_run(to_run[i], stopping);
      if (to_run.size() > 1 && current_ && !current_->finished) {
        auto ended = current_->done.wait();
        co_await ended;
      }
    }
  }
  // Structured: no run outlives the job's execute.
  if (current_ && !current_->finished) {
    auto ended = current_->done.wait();
    co_await ended;
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
  if (!options.schedule.next_after(now, now)) {
    throw std::invalid_argument("clockwork::add_recurring_job '" + name + "': the schedule (" +
                                options.schedule.describe() + ") has no occurrence after " + format_utc(now) +
                                ": the job would never run");
  }
  return builder.add_hosted_service<recurring_job>(
      std::move(name), [options = std::move(options), work = std::move(work)](service_provider& sp) {
        return std::make_shared<recurring_job>(options, work, sp.get<scope_factory>());
      });
}

}  // namespace clockwork
