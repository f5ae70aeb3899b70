#include "clockwork/jobs/recurring_scheduler.hpp"

#include <spdlog/logger.h>

#include <algorithm>
#include <stdexcept>

#include "clockwork/errors.hpp"
#include "clockwork/schedule/cron_count.hpp"
#include "clockwork/schedule/cron_schedule.hpp"
#include "clockwork/time/duration.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork::jobs {

namespace {

cron::schedule schedule_of(const recurring_definition& d) {
  return cron::schedule{cron::expression{d.expression, d.dialect}, find_zone(d.zone)};
}

}  // namespace

void validate_recurring(const recurring_definition& d) {
  if (d.name.empty()) throw std::invalid_argument("clockwork::jobs: a recurring job needs a name");
  if (d.kind.empty()) throw std::invalid_argument("clockwork::jobs: recurring job '" + d.name + "' needs a kind");
  if (d.misfire.policy == misfire_policy::strict && d.misfire.catch_up_cap == 0) {
    throw std::invalid_argument("clockwork::jobs: recurring job '" + d.name + "': catch_up_cap must be at least 1");
  }
  (void)schedule_of(d);  // throws naming the expression or the zone
}

recurring_plan plan_recurring(const recurring_definition& d, utc_time now) {
  const cron::schedule s = schedule_of(d);
  recurring_plan plan;
  const std::optional<utc_time> first =
      d.last_fired ? s.next(*d.last_fired, cron::boundary::exclusive) : s.next(d.since, cron::boundary::inclusive);
  plan.next = first;
  if (!first || *first > now) return plan;
  plan.next = s.next(now, cron::boundary::exclusive);
  // Counted, not walked: a year of a per-second schedule costs what the calendar says, and only
  // the occurrences that will run are visited (cron_count.hpp).
  const utc_time latest = *s.prev(now, cron::boundary::inclusive);
  plan.due = cron::count_occurrences(s, *first, now).count;
  // Late: more than `threshold` before now.
  const utc_time late_before = saturating_add(now, -d.misfire.threshold);
  if (*first < late_before) {
    plan.misfired = cron::count_occurrences(s, *first, late_before - std::chrono::nanoseconds{1}).count;
  }
  switch (d.misfire.policy) {
    case misfire_policy::relaxed: plan.fire.push_back(latest); break;
    case misfire_policy::strict:
      for (std::optional<utc_time> at = first;
           at && *at <= now && plan.fire.size() < std::max(1U, d.misfire.catch_up_cap);
           at = s.next(*at, cron::boundary::exclusive)) {
        plan.fire.push_back(*at);
      }
      break;
    case misfire_policy::ignorable: {
      const utc_time window_start = std::max(*first, saturating_add(now, -d.misfire.window));
      for (std::optional<utc_time> at = s.next(window_start, cron::boundary::inclusive); at && *at <= now;
           at = s.next(*at, cron::boundary::exclusive)) {
        plan.fire.push_back(*at);
      }
      break;
    }
  }
  if (plan.fire.empty() || plan.fire.back() != latest) plan.skip_to = latest;
  return plan;
}

recurring_scheduler::recurring_scheduler(runtime& rt, std::shared_ptr<job_store> store,
                                         recurring_scheduler_options options, std::shared_ptr<spdlog::logger> log,
                                         std::string source)
    : rt_(rt),
      store_(std::move(store)),
      options_(std::move(options)),
      log_(std::move(log)),
      source_(std::move(source)) {
  if (!log_) log_ = rt_.logger();
}

task<std::optional<utc_time>> recurring_scheduler::pass() {
  const auto definitions = co_await store_->recurring();
  const utc_time now = co_await store_->now();
  std::optional<utc_time> earliest;
  for (const recurring_definition& d : definitions) {
    recurring_plan plan;
    try {
      plan = plan_recurring(d, now);
    } catch (const std::exception& e) {
      log_->error("recurring job '{}': cannot compute its occurrences: {}", d.name, e.what());
      continue;
    }
    std::uint64_t misfires_left = plan.misfired;
    for (const utc_time occurrence : plan.fire) {
      new_job j;
      j.kind = d.kind;
      j.payload = d.payload;
      j.queue = d.queue;
      const auto id = co_await store_->fire_recurring(d.name, occurrence, misfires_left, j);
      misfires_left = 0;  // counted once, with the first occurrence this pass moved the mark to
      if (id) {
        ++fired_;
        rt_.emit("job.recurring_fired", source_,
                 {{"recurring", d.name}, {"occurrence", format_utc(occurrence)}, {"job", std::to_string(*id)}});
      } else {
        // Another instance's conditional write moved the store's mark first: no leader decided,
        // the store did. Shown, so that a trace says who tried.
        rt_.emit("job.recurring_already_fired", source_,
                 {{"recurring", d.name}, {"occurrence", format_utc(occurrence)}});
      }
    }
    if (plan.skip_to) {
      const bool moved = co_await store_->skip_recurring(d.name, *plan.skip_to, misfires_left);
      if (moved) {
        const std::uint64_t dropped = plan.due - plan.fire.size();
        log_->warn("recurring job '{}': {} occurrence(s) missed up to {}: {} fired, {} dropped ({} policy)", d.name,
                   plan.due, format_utc(*plan.skip_to), plan.fire.size(), dropped,
                   d.misfire.policy == misfire_policy::strict ? "strict" : "ignorable");
        rt_.emit("job.recurring_skipped", source_,
                 {{"recurring", d.name}, {"to", format_utc(*plan.skip_to)}, {"dropped", std::to_string(dropped)}});
      }
    } else if (plan.due > 1) {
      log_->warn("recurring job '{}': {} occurrence(s) missed; the latest ran ({} policy)", d.name, plan.due,
                 d.misfire.policy == misfire_policy::relaxed ? "relaxed" : "strict");
    }
    if (plan.next && (!earliest || *plan.next < *earliest)) earliest = plan.next;
  }
  co_return earliest;
}

task<> recurring_scheduler::run(std::stop_token stopping) {
  for (unsigned failures = 0; !stopping.stop_requested();) {
    try {
      const auto stored = co_await store_->recurring();
      for (const recurring_definition& d : options_.definitions) {
        for (const recurring_definition& old : stored) {
          if (old.name == d.name &&
              (old.expression != d.expression || old.dialect != d.dialect || old.zone != d.zone)) {
            // The later registration wins, and a changed schedule starts from now (the store
            // moves its high-water mark): nothing of the old one is caught up.
            log_->warn(
                "recurring job '{}': its schedule changes from '{}' ({}) in {} to '{}' ({}) in {}; it starts from now",
                d.name, old.expression, to_string(old.dialect), old.zone, d.expression, to_string(d.dialect), d.zone);
          }
        }
        co_await store_->put_recurring(d);
      }
      break;
    } catch (const store_unavailable& e) {
      if (failures++ == 0) log_->warn("recurring jobs: the store is unavailable ({}); retrying", e.what());
    }
    const bool waited = co_await rt_.try_delay(options_.store_backoff, stopping);
    if (!waited) co_return;
  }
  // Definitions are read again at start + k·refresh (phase-aligned: a loop that waits a fixed
  // delay after its work drifts), or sooner when an occurrence is due.
  steady_time next_refresh = rt_.now();
  // An outage is said once when it starts and once when it ends, not once per retry.
  bool store_down = false;
  while (!stopping.stop_requested()) {
    while (next_refresh <= rt_.now()) next_refresh = saturating_add(next_refresh, options_.refresh);
    steady_time until = next_refresh;
    try {
      const std::optional<utc_time> next = co_await pass();
      if (store_down) log_->info("recurring jobs: the store answers again");
      store_down = false;
      if (next) {
        const utc_time now = co_await store_->now();
        // Store time to this instance's clock: the delay from the store's now, on the monotonic clock.
        until = std::min(until,
                         saturating_add(rt_.now(), std::max(saturating_sub(*next, now), std::chrono::nanoseconds{0})));
      }
    } catch (const store_unavailable& e) {
      if (!store_down) log_->warn("recurring jobs: the store is unavailable ({}); retrying", e.what());
      store_down = true;
      until = saturating_add(rt_.now(), options_.store_backoff);
    }
    const bool waited = co_await rt_.try_delay_until(until, stopping);
    if (!waited) break;
  }
}

recurring_scheduler_service::recurring_scheduler_service(std::shared_ptr<job_store> store,
                                                         recurring_scheduler_options options)
    : store_(std::move(store)), options_(std::move(options)) {}

task<> recurring_scheduler_service::execute(std::stop_token stopping) {
  recurring_scheduler engine{rt(), store_, options_, log(), name()};
  co_await engine.run(stopping);
}

host_builder& add_recurring_scheduler(host_builder& builder, std::shared_ptr<job_store> store,
                                      recurring_scheduler_options options, std::string name) {
  if (!store) throw std::invalid_argument("clockwork::jobs::add_recurring_scheduler: no store");
  for (const recurring_definition& d : options.definitions) validate_recurring(d);
  if (options.refresh.count() <= 0 || options.store_backoff.count() <= 0) {
    throw std::invalid_argument("clockwork::jobs::add_recurring_scheduler: refresh and store_backoff must be positive");
  }
  return builder.add_hosted_service<recurring_scheduler_service>(
      std::move(name), [store = std::move(store), options = std::move(options)](service_provider&) {
        return std::make_shared<recurring_scheduler_service>(store, options);
      });
}

}  // namespace clockwork::jobs
