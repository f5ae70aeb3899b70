// Internal: what the jobs.* scenarios share — a simulated job store, a cluster of instances on
// it, the jobs they run, and the counts and invariants they are judged by.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clockwork/jobs/fenced_resource.hpp"
#include "clockwork/jobs/simulated_job_store.hpp"
#include "clockwork/testing/job_cluster.hpp"
#include "clockwork/testing/scenario.hpp"

namespace clockwork::scenarios::entries::jobs_world {

// The store, the cluster, the resource a job writes to outside the store, and what the jobs saw.
struct world {
  std::shared_ptr<jobs::simulated_job_store> db;
  std::shared_ptr<jobs::simulated_job_store> oracle;  // the scenario's own checks: no faults
  std::shared_ptr<testing::job_cluster> cluster;
  std::shared_ptr<jobs::fenced_resource> ledger;  // "work.effect" writes here
  std::uint64_t jobs_enqueued = 0;
  std::uint64_t started_early = 0;             // a job started before it was due (store time)
  std::chrono::nanoseconds max_lateness{0};    // the latest start after its due instant
  std::map<jobs::job_id, std::uint64_t> runs;  // attempts that reached their effect, per job
};

// The options every scenario's workers start from: a 30 s lease, heartbeats every 10 s, a
// rescue sweep every 5 s, a poll every second.
jobs::worker_options worker_defaults();
// The chaos exploring a jobs scenario uses: failing and slow store calls, lost commits,
// failing and slow waits (the worker must survive all of them).
chaos_options jobs_chaos();

// Builds the world on w's runtime: the store, a cluster of `instances` (a, b, c, ...), the job
// kinds below, hosted on w's host. ledger_fencing decides whether work.effect's ledger refuses
// stale epochs.
//   work.effect         2 s of work, then one write to the ledger (fenced or not)
//   work.transactional  2 s of work, then the counter "effects" +1 in the completing transaction
//   work.timed          records when it started against when it was due (store time)
//   report.*            recurring reports: nothing to do
std::shared_ptr<world> build(testing::scenario_world& w, std::vector<testing::cluster_instance> instances,
                             jobs::fenced_resource::fencing ledger_fencing = jobs::fenced_resource::fencing::on,
                             jobs::recurring_scheduler_options recurring = {});

// Enqueues at the start of the run (before the instances start claiming).
void enqueue_at_start(testing::scenario_world& w, const std::shared_ptr<world>& world, std::vector<jobs::new_job> jobs);

// Enqueues through the store's first connection (the producer's) at `at` into the run, as
// another process would: the instances hear of it as the store lets them.
void enqueue_at(testing::scenario_world& w, const std::shared_ptr<world>& world, std::chrono::nanoseconds at,
                std::vector<jobs::new_job> jobs);

// Counts every jobs scenario reports: jobs by final state, effects applied and refused, the
// store's rescues and lease_lost refusals, crashes.
void count(testing::scenario_world& w, const world& world, testing::verdict& v);

// Every job in the store succeeded, each effect exactly once (the store's counter and the
// ledger), none started before it was due.
std::optional<std::string> every_job_once(testing::scenario_world& w, const world& world);

}  // namespace clockwork::scenarios::entries::jobs_world
