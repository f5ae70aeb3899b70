#include "clockwork/jobs/job_worker.hpp"

#include <spdlog/logger.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "clockwork/errors.hpp"
#include "clockwork/hosting/host_builder.hpp"
#include "clockwork/runtime/cancellation.hpp"
#include "clockwork/time/duration.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork::jobs {

// ---- options --------------------------------------------------------------------------------

void worker_options::validate() const {
  const auto refuse = [](const std::string& what) {
    throw std::invalid_argument("clockwork::jobs::worker_options: " + what);
  };
  if (instance.empty()) refuse("the instance name must not be empty");
  if (queues.empty()) refuse("at least one queue is needed");
  for (const auto& q : queues) {
    if (q.empty()) refuse("a queue name must not be empty");
  }
  if (concurrency == 0) refuse("concurrency must be at least 1");
  if (lease.count() <= 0) refuse("the lease must be positive, got " + format_duration(lease));
  if (!(heartbeat_fraction > 0.0 && heartbeat_fraction < 1.0)) refuse("heartbeat_fraction must be in (0, 1)");
  if (trust_margin.count() < 0 || trust_margin >= lease) {
    refuse("trust_margin (" + format_duration(trust_margin) + ") must be at least 0 and below the lease (" +
           format_duration(lease) + ")");
  }
  for (const auto& [name, d] :
       {std::pair{"poll_interval", poll_interval}, std::pair{"rescue_interval", rescue_interval},
        std::pair{"registry_interval", registry_interval}, std::pair{"store_backoff", store_backoff}}) {
    if (d.count() <= 0) refuse(std::string(name) + " must be positive, got " + format_duration(d));
  }
  if (stop_grace.count() < 0) refuse("stop_grace must not be negative");
  if (skew_warning.count() <= 0) refuse("skew_warning must be positive");
}

// ---- one job's run --------------------------------------------------------------------------

struct job_worker::job_run {
  job_run(runtime& rt, job claimed, const std::stop_token& hard_stop)
      : row(std::move(claimed)),
        stop(std::stop_token{}, hard_stop),
        beat(rt, "job lease keeper"),
        kept(rt, "job lease keeper ended") {}
  job row;
  // Stopped when the lease can no longer be trusted (link.request_stop) or on the hard stop.
  linked_stop_source stop;
  steady_time trust_until{};
  bool finished = false;
  bool lease_lost = false;  // the store refused a write, or the trust deadline passed
  async_event beat;         // wakes the lease keeper when the job ends
  async_event kept;         // the lease keeper has ended
};

job_worker::job_worker(runtime& rt, std::shared_ptr<job_store> store, std::shared_ptr<const job_registry> registry,
                       worker_options options, std::shared_ptr<scope_factory> scopes,
                       std::shared_ptr<spdlog::logger> log)
    : rt_(rt),
      store_(std::move(store)),
      registry_(std::move(registry)),
      options_(std::move(options)),
      scopes_(std::move(scopes)),
      log_(std::move(log)),
      wake_(rt, "jobs worker wake-up"),
      idle_(rt, "jobs worker idle") {
  options_.validate();
  if (!store_) throw std::invalid_argument("clockwork::jobs::job_worker: no store");
  if (!registry_ || registry_->empty())
    throw std::invalid_argument("clockwork::jobs::job_worker: no job kind registered");
  if (!scopes_) throw std::invalid_argument("clockwork::jobs::job_worker: no scope factory");
  if (!log_) log_ = rt_.logger();
  kinds_ = registry_->kinds();
  char suffix[12];
  std::snprintf(suffix, sizeof suffix, "-%06llx", static_cast<unsigned long long>(rt_.random() & 0xffffffULL));
  instance_ = options_.instance + suffix;
  idle_.set();
}

job_worker::~job_worker() = default;

std::size_t job_worker::running() const noexcept {
  return runs_.size();
}

std::chrono::nanoseconds job_worker::backoff(unsigned failures) {
  const unsigned doublings = std::min(failures, 4U);
  const auto ceiling = saturating_mul(options_.store_backoff, std::int64_t{1} << doublings);
  // Half fixed, half jitter: instances that lost the store together do not return in step.
  return ceiling / 2 + rt_.random_duration(ceiling / 2);
}

void job_worker::note_store_error(const char* what, const std::exception& e) {
  ++counters_.store_errors;
  ++store_failures_;
  // Said once when the store goes away, and once when it is back; not once per retry.
  if (!store_down_logged_) {
    store_down_logged_ = true;
    log_->warn("jobs worker '{}': the store is unavailable ({}: {}); not claiming until it answers again", instance_,
               what, e.what());
  }
}

task<> job_worker::register_self(std::stop_token stopping) {
  instance_info info;
  info.name = instance_;
  info.host = options_.host;
  info.concurrency = options_.concurrency;
  info.queues = options_.queues;
  info.kinds = kinds_;
  for (unsigned failures = 0; !stopping.stop_requested(); ++failures) {
    try {
      co_await store_->register_instance(info);
      co_return;
    } catch (const store_unavailable& e) {
      note_store_error("register", e);
    }
    const bool waited = co_await rt_.try_delay(backoff(failures), stopping);
    if (!waited) co_return;
  }
}

task<> job_worker::listen(std::stop_token stopping) {
  while (!stopping.stop_requested()) {
    const bool woke = co_await store_->wait_for_activity(steady_time::max(), stopping);
    if (woke) wake_.set();
  }
}

task<> job_worker::run(std::stop_token stopping) {
  log_->info("jobs worker '{}' starting on {}: queues {}, kinds {}, concurrency {}", instance_, store_->describe(),
             options_.queues.size(), kinds_.size(), options_.concurrency);
  co_await register_self(stopping);
  async_event listened{rt_, "jobs worker listener ended"};
  rt_.spawn(
      [](job_worker& self, std::stop_token token, async_event& ended) -> task<> {
        try {
          co_await self.listen(token);
        } catch (...) {
          // A listener that fails only costs latency: the poll is the backstop.
        }
        ended.set();
      }(*this, stopping, listened),
      instance_ + " listener");

  steady_time next_poll = rt_.now();
  while (!stopping.stop_requested()) {
    wake_.reset();
    bool healthy = true;
    try {
      store_answered_ = false;
      co_await claim_round(stopping);
      co_await maintenance(stopping);
      if (store_answered_) {
        if (store_down_logged_) log_->info("jobs worker '{}': the store answers again", instance_);
        store_down_logged_ = false;
        store_failures_ = 0;
      }
    } catch (const store_unavailable& e) {
      note_store_error("claim", e);
      healthy = false;
    }
    // The poll is phase-aligned (start + k·poll_interval), not "poll_interval after the work":
    // a loop that waits a fixed delay after its work drifts (the patterns' Pattern 3).
    while (next_poll <= rt_.now()) next_poll = saturating_add(next_poll, options_.poll_interval);
    steady_time until = healthy ? next_poll : saturating_add(rt_.now(), backoff(store_failures_));
    if (healthy) {
      if (next_due_ && *next_due_ < until) until = *next_due_;
      if (next_rescue_ && *next_rescue_ < until) until = *next_rescue_;
      if (next_registry_ && *next_registry_ < until) until = *next_registry_;
    }
    try {
      auto wait = wake_.wait_until(until, stopping);
      co_await wait;
    } catch (const operation_canceled&) {
      break;
    }
  }

  // Stopping: no more claims; in-flight jobs get stop_grace, then their tokens are stopped.
  if (!runs_.empty()) {
    log_->info("jobs worker '{}' stopping: {} job(s) still running, {} of grace", instance_, runs_.size(),
               format_duration(options_.stop_grace));
    auto grace = idle_.wait_until(saturating_add(rt_.now(), options_.stop_grace));
    const bool all_done = co_await grace;
    if (!all_done) {
      log_->warn("jobs worker '{}': {} job(s) still running after the grace period: stopping them", instance_,
                 runs_.size());
      hard_stop_.request_stop();
      auto rest = idle_.wait();
      co_await rest;
    }
  }
  {
    auto ended = listened.wait();
    co_await ended;
  }
  try {
    co_await store_->deregister_instance(instance_);
  } catch (const store_unavailable&) {
    // Its registry entry ages out (retention) when the store cannot be told.
  }
  log_->info("jobs worker '{}' stopped", instance_);
}

task<> job_worker::claim_round(std::stop_token stopping) {
  std::vector<std::string> open_queues;
  for (const std::string& q : options_.queues) {
    if (stopping.stop_requested()) co_return;
    const unsigned busy = busy_[q];
    if (busy >= options_.concurrency) continue;
    claim_request request;
    request.instance = instance_;
    request.queues = {q};
    request.kinds = kinds_;
    request.limit = options_.concurrency - busy;
    request.lease = options_.lease;
    const steady_time sent = rt_.now();
    std::vector<job> claimed;
    bool unknown = false;
    try {
      claimed = co_await store_->claim(request);
      store_answered_ = true;
    } catch (const commit_unknown&) {
      unknown = true;
    }
    if (unknown) {
      // The claim may have applied: what the store holds in this instance's name is ours.
      auto mine = co_await store_->claimed_by(instance_);
      store_answered_ = true;
      for (job& j : mine) {
        if (runs_.count(j.id) == 0) claimed.push_back(std::move(j));
      }
    }
    for (job& j : claimed) {
      auto run = std::make_shared<job_run>(rt_, std::move(j), hard_stop_.get_token());
      // Trust runs from when the claim was sent: the lease may have started any time after.
      run->trust_until = saturating_add(sent, options_.lease - options_.trust_margin);
      const job_id id = run->row.id;
      runs_.emplace(id, run);
      ++busy_[q];
      ++counters_.claimed;
      idle_.reset();
      rt_.spawn(run_job(run), instance_ + " job " + std::to_string(id));
    }
    if (busy_[q] < options_.concurrency) open_queues.push_back(q);
  }
  next_due_.reset();
  if (open_queues.empty() || stopping.stop_requested()) co_return;
  const std::optional<utc_time> due = co_await store_->next_due(open_queues, kinds_);
  if (!due) co_return;
  const utc_time store_now = co_await store_->now();
  if (*due > store_now) {
    next_due_ = saturating_add(rt_.now(), saturating_sub(*due, store_now));
  } else {
    // Due, yet not claimed: another instance is taking it as we speak. Look again shortly.
    next_due_ = saturating_add(rt_.now(), options_.poll_interval / 20);
  }
}

task<> job_worker::maintenance(std::stop_token stopping) {
  const steady_time now = rt_.now();
  if (!next_rescue_ || now >= *next_rescue_) {
    next_rescue_ = saturating_add(now, options_.rescue_interval);
    const auto rescued = co_await store_->rescue(100);
    store_answered_ = true;
    counters_.rescued += rescued.size();
    for (const job_id id : rescued) {
      log_->warn("jobs worker '{}': job {} had an expired lease; rescued for another attempt", instance_, id);
    }
  }
  if (stopping.stop_requested()) co_return;
  if (!next_registry_ || now >= *next_registry_) {
    next_registry_ = saturating_add(now, options_.registry_interval);
    const clockwork::clock& own = options_.own_clock ? *options_.own_clock : rt_.clock();
    const utc_time mine = own.stamp_utc();
    const utc_time theirs = co_await store_->now();
    const auto skew = saturating_sub(mine, theirs);
    co_await store_->instance_heartbeat(instance_, skew);
    store_answered_ = true;
    const auto magnitude = skew.count() < 0 ? -skew : skew;
    const bool skewed = magnitude > options_.skew_warning;
    const bool newly = skewed && !skew_warned_;
    skew_warned_ = skewed;  // said when it crosses the threshold, not at every heartbeat
    if (newly) {
      log_->warn(
          "jobs worker '{}': this instance's clock is {} {} the store's; leases and due times use the store's "
          "clock, so nothing runs early or twice, but logs and your own timestamps will disagree",
          instance_, format_duration(magnitude), skew.count() < 0 ? "behind" : "ahead of");
    }
  }
}

task<> job_worker::keep_lease(std::shared_ptr<job_run> run) {
  const auto interval =
      std::chrono::duration_cast<std::chrono::nanoseconds>(options_.lease * options_.heartbeat_fraction);
  steady_time next_beat = saturating_add(rt_.now(), interval);
  while (!run->finished) {
    const steady_time wake_at = std::min(next_beat, run->trust_until);
    {
      auto wait = run->beat.wait_until(wake_at);
      co_await wait;
    }
    if (run->finished) break;
    if (rt_.now() >= run->trust_until) {
      run->lease_lost = true;
      ++counters_.lease_lost;
      log_->warn(
          "jobs worker '{}': job {} (epoch {}): no lease renewal for too long; no longer trusting the lease, "
          "stopping the job",
          instance_, run->row.id, run->row.epoch);
      run->stop.request_stop();
      break;
    }
    if (rt_.now() < next_beat) continue;
    const steady_time sent = rt_.now();
    next_beat = saturating_add(sent, interval);
    write_outcome outcome = write_outcome::applied;
    try {
      outcome = co_await store_->heartbeat(run->row.fence(), options_.lease);
    } catch (const store_unavailable& e) {
      note_store_error("heartbeat", e);
      continue;  // the trust deadline decides
    }
    if (run->finished) break;
    if (outcome == write_outcome::applied) {
      run->trust_until = std::max(run->trust_until, saturating_add(sent, options_.lease - options_.trust_margin));
      continue;
    }
    run->lease_lost = true;
    ++counters_.lease_lost;
    log_->warn(
        "jobs worker '{}': job {} (epoch {}): the store refused a heartbeat ({}): it was rescued, cancelled or "
        "claimed again; stopping the job",
        instance_, run->row.id, run->row.epoch, to_string(outcome));
    run->stop.request_stop();
    break;
  }
  run->kept.set();
}

task<write_outcome> job_worker::write_with_retries(job_run& run, const char* what,
                                                   std::function<task<write_outcome>()> call) {
  for (unsigned failures = 0;; ++failures) {
    try {
      co_return co_await call();
    } catch (const store_unavailable& e) {
      note_store_error(what, e);
    }
    if (rt_.now() >= run.trust_until) {
      log_->warn("jobs worker '{}': job {}: could not {} before the lease ran out; it will be rescued", instance_,
                 run.row.id, what);
      co_return write_outcome::lease_lost;
    }
    const bool waited = co_await rt_.try_delay(std::min(backoff(failures), saturating_sub(run.trust_until, rt_.now())));
    (void)waited;
  }
}

task<> job_worker::run_job(std::shared_ptr<job_run> run) {
  rt_.spawn(keep_lease(run), instance_ + " lease " + std::to_string(run->row.id));
  std::exception_ptr error;
  bool completed = false;
  std::optional<std::chrono::nanoseconds> snooze;
  const job_registry::entry* entry = registry_->find(run->row.kind);
  {
    nlohmann::json payload;
    try {
      payload = nlohmann::json::parse(run->row.payload);
    } catch (...) {
      error = std::current_exception();
    }
    if (!error) {
      auto scope = scopes_->create_scope();
      job_run& r = *run;
      job_context::completer complete = [this, &r](job_effect effect) -> task<write_outcome> {
        std::function<task<write_outcome>()> call = [this, &r, effect]() {
          return store_->complete(r.row.fence(), effect);
        };
        const write_outcome out = co_await write_with_retries(r, "complete", call);
        if (out == write_outcome::applied) {
          ++counters_.succeeded;
        } else {
          r.lease_lost = true;
          ++counters_.lease_lost;
        }
        co_return out;
      };
      job_context context{run->row, std::move(payload), run->stop.token(), scope.provider(), rt_, log_, complete};
      try {
        co_await entry->run(context);
      } catch (...) {
        error = std::current_exception();
      }
      completed = context.completed();
      snooze = context.snoozed();
    }
  }
  if (!completed) {
    try {
      co_await finish(*run, error, snooze);
    } catch (const std::exception& e) {
      log_->error("jobs worker '{}': job {}: its outcome could not be written: {}", instance_, run->row.id, e.what());
    }
  }
  run->finished = true;
  run->beat.set();
  {
    auto kept = run->kept.wait();
    co_await kept;
  }
  const std::string queue = run->row.queue;
  runs_.erase(run->row.id);
  if (busy_[queue] > 0) --busy_[queue];
  wake_.set();
  if (runs_.empty()) idle_.set();
}

task<> job_worker::finish(job_run& run, std::exception_ptr error, std::optional<std::chrono::nanoseconds> snooze) {
  const fence_token fence = run.row.fence();
  if (run.lease_lost) {
    // Another instance may be running it: writing anything now could only be refused.
    co_return;
  }
  if (!error) {
    std::function<task<write_outcome>()> call;
    if (snooze) {
      call = [this, fence, d = *snooze]() { return store_->snooze(fence, d); };
    } else {
      call = [this, fence]() { return store_->complete(fence, {}); };
    }
    const write_outcome out = co_await write_with_retries(run, snooze ? "snooze" : "complete", call);
    if (out == write_outcome::applied) {
      ++(snooze ? counters_.snoozed : counters_.succeeded);
    } else {
      ++counters_.lease_lost;
      log_->warn(
          "jobs worker '{}': job {} (epoch {}) finished, but the store refused its completion ({}): it had been "
          "taken back; its effects are fenced only where fence() was used",
          instance_, run.row.id, run.row.epoch, to_string(out));
    }
    co_return;
  }
  if (is_cancellation(error) && hard_stop_.stop_requested()) {
    std::function<task<write_outcome>()> call = [this, fence]() { return store_->release(fence); };
    const write_outcome out = co_await write_with_retries(run, "release", call);
    if (out == write_outcome::applied) ++counters_.released;
    co_return;
  }
  const std::string what = describe_exception(error);
  const auto& retry = registry_->find(run.row.kind)->options.retry;
  bool worth_it = true;
  if (retry.should_retry) {
    try {
      worth_it = retry.should_retry(error);
    } catch (const std::exception& e) {
      // A predicate that throws must not wedge the job: the error is treated as not retryable.
      log_->error("jobs worker '{}': job {}: should_retry threw ({}); not retrying", instance_, run.row.id, e.what());
      worth_it = false;
    } catch (...) {
      worth_it = false;
    }
  }
  std::optional<std::chrono::nanoseconds> retry_after;
  if (worth_it && run.row.attempt < run.row.max_attempts) {
    retry_after = retry.delay_before(run.row.attempt + 1,
                                     [this](std::chrono::nanoseconds max) { return rt_.random_duration(max); });
  }
  ++counters_.failed;
  if (retry_after) {
    log_->warn("jobs worker '{}': job {} ({}) attempt {} of {} failed: {}; next attempt in {}", instance_, run.row.id,
               run.row.kind, run.row.attempt, run.row.max_attempts, what, format_duration(*retry_after));
  } else {
    log_->error("jobs worker '{}': job {} ({}) failed for good after attempt {}: {}", instance_, run.row.id,
                run.row.kind, run.row.attempt, what);
  }
  std::function<task<write_outcome>()> call = [this, fence, what, retry_after]() {
    return store_->fail(fence, what, retry_after);
  };
  const write_outcome out = co_await write_with_retries(run, "fail", call);
  if (out != write_outcome::applied) ++counters_.lease_lost;
}

// ---- hosting --------------------------------------------------------------------------------

job_worker_service::job_worker_service(std::shared_ptr<job_store> store, std::shared_ptr<const job_registry> registry,
                                       worker_options options, std::shared_ptr<scope_factory> scopes)
    : store_(std::move(store)),
      registry_(std::move(registry)),
      options_(std::move(options)),
      scopes_(std::move(scopes)) {}

task<> job_worker_service::execute(std::stop_token stopping) {
  worker_ = std::make_unique<job_worker>(rt(), store_, registry_, options_, scopes_, log());
  co_await worker_->run(stopping);
}

host_builder& add_job_worker(host_builder& builder, std::shared_ptr<job_store> store, job_registry registry,
                             worker_options options, std::string name) {
  if (!store) throw std::invalid_argument("clockwork::jobs::add_job_worker: no store");
  if (registry.empty()) throw std::invalid_argument("clockwork::jobs::add_job_worker: no job kind registered");
  options.validate();
  if (name.empty()) name = "jobs." + options.instance;
  auto shared_registry = std::make_shared<const job_registry>(std::move(registry));
  return builder.add_hosted_service<job_worker_service>(
      std::move(name), [store = std::move(store), shared_registry, options = std::move(options)](service_provider& sp) {
        return std::make_shared<job_worker_service>(store, shared_registry, options, sp.get<scope_factory>());
      });
}

}  // namespace clockwork::jobs
