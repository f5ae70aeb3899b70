// clockwork::testing::job_cluster — several instances of a job-processing service on one
// simulated job store, in one virtual-time simulation: what "three processes on one database"
// looks like in a test. Each instance has its own connection (with faults of its own), its own
// wall clock (an offset from the simulation's: skew), a job worker and, if asked, a recurring
// scheduler; its coroutines are rooted at its name, so that the simulation can pause the whole
// instance (freeze: a GC pause, SIGSTOP) or kill it (crash: its coroutines are destroyed without
// being resumed, its connection severed) and later start a new incarnation (restart).
//
// Example — a test (production runs one worker per process: jobs::add_job_worker):
//
//   clockwork::testing::simulation sim;
//   auto db = std::make_shared<clockwork::jobs::simulated_job_store>(sim.rt());
//   auto cluster = std::make_shared<clockwork::testing::job_cluster>(sim.rt(), db, registry);
//   cluster->add({.name = "a"});
//   cluster->add({.name = "b", .clock_offset = std::chrono::minutes(10)});
//   cluster->host_on(sim.builder());            // one hosted service starts and stops them all
//   sim.at(sim.now() + 1s, "pause a", [&] { cluster->freeze("a", std::chrono::minutes(1)); });
//   sim.at(sim.now() + 5min, "kill b", [&] { cluster->crash("b"); });
//   sim.run_until_stopped(std::chrono::hours(1));
//
// Thread safety: the simulation's thread. The cluster must outlive the host it is hosted on.
#pragma once

#include <chrono>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "clockwork/hosting/host_builder.hpp"
#include "clockwork/jobs/job_worker.hpp"
#include "clockwork/jobs/recurring_scheduler.hpp"
#include "clockwork/jobs/simulated_job_store.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"

namespace clockwork::testing {

struct cluster_instance {
  std::string name;  // the instance's name and the root of its coroutines
  std::chrono::nanoseconds clock_offset{0};
  jobs::worker_options worker;  // its instance name is replaced by `name`
  bool recurring = false;       // also runs a recurring scheduler
};

class job_cluster : public std::enable_shared_from_this<job_cluster> {
 public:
  job_cluster(virtual_runtime& rt, std::shared_ptr<jobs::simulated_job_store> db, jobs::job_registry registry,
              jobs::recurring_scheduler_options recurring = {});
  ~job_cluster();
  job_cluster(const job_cluster&) = delete;
  job_cluster& operator=(const job_cluster&) = delete;

  // Before the host starts. std::invalid_argument for a duplicate or empty name.
  void add(cluster_instance instance);
  // Hosts the cluster as one service (`service_name`): it starts every instance when the host
  // starts, and on stop stops every live instance and waits for them.
  void host_on(host_builder& builder, std::string service_name = "cluster");

  // Now: the instance stops for d (its coroutines resume at now + d; its leases may expire).
  void freeze(std::string_view name, std::chrono::nanoseconds d);
  // Now: the instance dies. Its connection is severed and its coroutines destroyed unresumed.
  void crash(std::string_view name);
  // Now: a new incarnation of a crashed instance (a new connection, a new instance id).
  void restart(std::string_view name);

  // The instance's current connection (to script its faults) and worker (null while crashed).
  jobs::simulated_job_store& connection(std::string_view name);
  const jobs::job_worker* worker(std::string_view name) const;
  bool alive(std::string_view name) const;
  // Counters summed over every incarnation of every instance.
  jobs::worker_counters totals() const;
  std::uint64_t crashes() const noexcept { return crashes_; }

 private:
  struct instance;
  class service;
  instance& find(std::string_view name);
  const instance* find_if(std::string_view name) const;
  void start(instance& i);
  task<> stop_all();
  static task<> run_worker(instance& i, jobs::job_worker& w, std::stop_token stop);
  static task<> run_scheduler(instance& i, jobs::recurring_scheduler& s, std::stop_token stop);

  virtual_runtime& rt_;
  std::shared_ptr<jobs::simulated_job_store> db_;
  std::shared_ptr<const jobs::job_registry> registry_;
  jobs::recurring_scheduler_options recurring_;
  std::shared_ptr<scope_factory> scopes_;
  std::shared_ptr<spdlog::logger> log_;
  std::vector<std::unique_ptr<instance>> instances_;
  jobs::worker_counters retired_;  // counters of incarnations that crashed
  std::uint64_t crashes_ = 0;
  bool started_ = false;
};

}  // namespace clockwork::testing
