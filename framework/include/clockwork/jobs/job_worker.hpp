// clockwork::jobs::job_worker — claims due jobs of the kinds it serves from a job store and runs
// them: N at once per queue, each under a lease it heartbeats, each in a DI scope of its own;
// completes, retries or fails them with the fence of its claim; rescues expired leases of any
// instance; registers itself (instance registry) and measures its clock's skew against the
// store's. add_job_worker() hosts it as a background service; a simulation may also run several
// (one per simulated instance) with run().
//
// Example — production and test side by side:
//
//   clockwork::jobs::job_registry registry;
//   registry.add("email.send", send_email);
//   clockwork::jobs::worker_options o;
//   o.instance = "mailer";
//   o.queues = {"default", "mail"};
//   o.concurrency = 8;                                  // per queue
//   // production: one SQLite file, the real runtime
//   clockwork::jobs::add_job_worker(builder, std::make_shared<sqlite_job_store>(rt, "jobs.db"), registry, o);
//   // test: the simulated store, virtual time (sim.run_for(std::chrono::hours(24)) takes ms)
//   clockwork::jobs::add_job_worker(sim.builder(), std::make_shared<simulated_job_store>(sim.rt()), registry, o);
//
// Leases and trust. A claim leases a job for `lease` of the store's time. The worker heartbeats
// every lease · heartbeat_fraction; each renewal the store applies moves the worker's *trust
// deadline* to (when that renewal was sent, on the worker's own monotonic clock) + lease −
// trust_margin. When the trust deadline passes without a renewal — the store unreachable, the
// worker starved — or when the store refuses a renewal (lease_lost: the job was rescued,
// cancelled or claimed again), the worker stops trusting the lease and stops the job's token:
// it will not complete it, since another instance may be running it. (A process paused past its
// lease cannot notice in time; that is what fence() is for.)
//
// Wake-ups. After each claim the worker arms a timer at the earliest due instant of its queues
// (store time, converted to its own monotonic clock), and the store wakes it when work appears
// (wait_for_activity); a poll every poll_interval is the backstop. A due delayed job starts at its
// instant, not at the next sweep.
//
// Stop. When the host stops: no more claims; in-flight jobs may finish for `stop_grace`, with
// their heartbeats going on; then their tokens are stopped and each job that ends so is released
// (available again at once, its attempt given back). The instance deregisters last.
//
// Thread safety: the runtime's loop. Counters are read on the loop (or after the run).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "clockwork/di/service_scope.hpp"
#include "clockwork/hosting/background_service.hpp"
#include "clockwork/hosting/host_builder.hpp"
#include "clockwork/jobs/job_registry.hpp"
#include "clockwork/jobs/job_store.hpp"
#include "clockwork/runtime/async_event.hpp"

namespace clockwork::jobs {

struct worker_options {
  // The instance's name in the registry and on its leases; a random suffix makes it unique per
  // process incarnation, so a restarted process never mistakes its predecessor's leases for its own.
  std::string instance = "worker";
  std::string host;  // shown in the registry (the machine's name, say)
  std::vector<std::string> queues{"default"};
  unsigned concurrency = 10;  // jobs at once, per queue
  std::chrono::nanoseconds lease = std::chrono::seconds(30);
  double heartbeat_fraction = 1.0 / 3.0;
  std::chrono::nanoseconds trust_margin = std::chrono::seconds(3);
  std::chrono::nanoseconds poll_interval = std::chrono::seconds(1);
  std::chrono::nanoseconds rescue_interval = std::chrono::seconds(5);
  std::chrono::nanoseconds registry_interval = std::chrono::seconds(10);  // instance heartbeat
  std::chrono::nanoseconds stop_grace = std::chrono::seconds(25);
  std::chrono::nanoseconds skew_warning = std::chrono::seconds(10);
  // After a store error, wait this long (doubling up to 16x, jittered) before trying again.
  std::chrono::nanoseconds store_backoff = std::chrono::milliseconds(200);
  // The instance's own wall clock, only to measure its skew against the store's (simulations
  // give each instance its own); none: the runtime's.
  const clockwork::clock* own_clock = nullptr;

  // std::invalid_argument naming what is wrong.
  void validate() const;
};

struct worker_counters {
  std::uint64_t claimed = 0;
  std::uint64_t succeeded = 0;
  std::uint64_t failed = 0;    // attempts that failed (retried or final)
  std::uint64_t released = 0;  // interrupted by the stop
  std::uint64_t snoozed = 0;
  std::uint64_t lease_lost = 0;  // writes the store refused, leases no longer trusted
  std::uint64_t rescued = 0;     // other instances' expired leases this one took back
  std::uint64_t store_errors = 0;
};

class job_worker {
 public:
  job_worker(runtime& rt, std::shared_ptr<job_store> store, std::shared_ptr<const job_registry> registry,
             worker_options options, std::shared_ptr<scope_factory> scopes, std::shared_ptr<spdlog::logger> log);
  ~job_worker();
  job_worker(const job_worker&) = delete;
  job_worker& operator=(const job_worker&) = delete;

  // Works until `stopping`, then stops as described above. Returns when every job has ended and
  // the instance deregistered.
  task<> run(std::stop_token stopping);

  const std::string& instance() const noexcept { return instance_; }
  const worker_counters& counters() const noexcept { return counters_; }
  std::size_t running() const noexcept;
  const worker_options& options() const noexcept { return options_; }

 private:
  struct job_run;
  task<> claim_round(std::stop_token stopping);
  task<> run_job(std::shared_ptr<job_run> run);
  task<> keep_lease(std::shared_ptr<job_run> run);
  task<> finish(job_run& run, std::exception_ptr error, std::optional<std::chrono::nanoseconds> snooze);
  task<write_outcome> write_with_retries(job_run& run, const char* what, std::function<task<write_outcome>()> call);
  task<> maintenance(std::stop_token stopping);
  task<> listen(std::stop_token stopping);
  task<> register_self(std::stop_token stopping);
  std::chrono::nanoseconds backoff(unsigned failures);
  void note_store_error(const char* what, const std::exception& e);

  runtime& rt_;
  std::shared_ptr<job_store> store_;
  std::shared_ptr<const job_registry> registry_;
  worker_options options_;
  std::shared_ptr<scope_factory> scopes_;
  std::shared_ptr<spdlog::logger> log_;
  std::string instance_;
  std::vector<std::string> kinds_;
  worker_counters counters_;
  std::map<std::string, unsigned, std::less<>> busy_;  // running jobs per queue
  std::map<job_id, std::shared_ptr<job_run>> runs_;
  async_event wake_;
  async_event idle_;  // set when no job is running
  std::stop_source hard_stop_;
  unsigned store_failures_ = 0;
  bool store_down_logged_ = false;
  // Set by each call of a round that the store answered: only an answer says it is back (a round
  // with every slot busy asks it nothing).
  bool store_answered_ = false;
  bool skew_warned_ = false;
  std::optional<steady_time> next_due_;  // the wake-up timer: the earliest due job, on this clock
  std::optional<steady_time> next_rescue_;
  std::optional<steady_time> next_registry_;
};

// The worker as a hosted service (its name is the service's).
class job_worker_service final : public background_service {
 public:
  job_worker_service(std::shared_ptr<job_store> store, std::shared_ptr<const job_registry> registry,
                     worker_options options, std::shared_ptr<scope_factory> scopes);
  task<> execute(std::stop_token stopping) override;
  // The engine, once the service runs (null before).
  const job_worker* worker() const noexcept { return worker_.get(); }

 private:
  std::shared_ptr<job_store> store_;
  std::shared_ptr<const job_registry> registry_;
  worker_options options_;
  std::shared_ptr<scope_factory> scopes_;
  std::unique_ptr<job_worker> worker_;
};

// Adds a worker as a hosted service named `name` (default: "jobs." + options.instance).
// Throws std::invalid_argument for invalid options, an empty registry or a null store.
host_builder& add_job_worker(host_builder& builder, std::shared_ptr<job_store> store, job_registry registry,
                             worker_options options, std::string name = {});

}  // namespace clockwork::jobs
