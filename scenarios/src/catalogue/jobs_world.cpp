#include "jobs_world.hpp"

#include <stdexcept>

#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/time/duration.hpp"

namespace clockwork::scenarios::entries::jobs_world {

using namespace std::chrono_literals;

jobs::worker_options worker_defaults() {
  jobs::worker_options o;
  o.lease = 30s;
  o.trust_margin = 3s;
  o.poll_interval = 5s;
  o.rescue_interval = 5s;
  o.registry_interval = 10s;
  o.concurrency = 4;
  o.stop_grace = 10s;
  return o;
}

chaos_options jobs_chaos() {
  chaos_options o;
  o.operation_error = 0.02;  // a store call does not reach the store, or its commit is lost
  o.operation_slow = 0.02;
  o.max_spike = 5s;
  o.wait_error = 0.01;  // a job's own wait fails: the attempt fails and is retried
  o.wait_slow = 0.02;
  o.max_slowdown = 20s;
  o.kind_enabled = 0.5;
  return o;
}

namespace {

virtual_runtime& virtual_rt(testing::scenario_world& w) {
  auto* rt = dynamic_cast<virtual_runtime*>(&w.rt());
  if (!rt) throw std::logic_error("the jobs scenarios run simulated instances: virtual time only");
  return *rt;
}

jobs::job_registry registry_for(world* out) {
  jobs::job_registry registry;
  jobs::job_kind_options kind;
  kind.retry = retry_policy::exponential(2, 1s, 1min);
  registry.add(
      "work.effect",
      [out](jobs::job_context& job) -> task<> {
        co_await job.rt().delay(2s, job.stopping());  // the work
        ++out->runs[job.id()];
        out->ledger->apply(job.fence());
      },
      kind);
  registry.add(
      "work.transactional",
      [out](jobs::job_context& job) -> task<> {
        co_await job.rt().delay(2s, job.stopping());
        ++out->runs[job.id()];
        co_await job.complete_with([](jobs::job_transaction& tx) { tx.add_to_counter("effects", 1); });
      },
      kind);
  registry.add(
      "work.timed",
      [out](jobs::job_context& job) -> task<> {
        // The referee's clock: the store's (a skewed instance's own clock never decides).
        const utc_time now = job.rt().clock().stamp_utc();
        if (now < job.row().scheduled_at) ++out->started_early;
        const auto late = saturating_sub(now, job.row().scheduled_at);
        if (late > out->max_lateness) out->max_lateness = late;
        ++out->runs[job.id()];
        co_await job.complete_with([](jobs::job_transaction& tx) { tx.add_to_counter("effects", 1); });
      },
      kind);
  for (const char* report : {"report.hourly", "report.daily", "report.ten_minutely"}) {
    registry.add(report, [out](jobs::job_context& job) -> task<> {
      ++out->runs[job.id()];
      co_return;
    });
  }
  return registry;
}

// A producer that survives its store: an enqueue that did not reach the store, or whose commit
// was lost, is sent again; the unique keys make the second one find the first instead of adding
// the jobs twice.
task<> produce(runtime& rt, std::shared_ptr<jobs::simulated_job_store> db, std::vector<jobs::new_job> batch,
               std::string keys) {
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!batch[i].unique)
      batch[i].unique = jobs::unique_options{keys + std::to_string(i), jobs::unique_scope::for_period, 24h};
  }
  for (;;) {
    try {
      co_await db->enqueue(batch);
      co_return;
    } catch (const jobs::store_unavailable&) {
      // again, below
    }
    const bool waited = co_await rt.try_delay(1s);
    (void)waited;
  }
}

}  // namespace

std::shared_ptr<world> build(testing::scenario_world& w, std::vector<testing::cluster_instance> instances,
                             jobs::fenced_resource::fencing ledger_fencing,
                             jobs::recurring_scheduler_options recurring) {
  virtual_runtime& rt = virtual_rt(w);
  auto out = std::make_shared<world>();
  out->db = std::make_shared<jobs::simulated_job_store>(rt);
  out->oracle = out->db->connect("oracle");
  out->oracle->exempt_from_chaos();
  out->ledger = std::make_shared<jobs::fenced_resource>(rt, "ledger", ledger_fencing);
  // The registry's functions point at the world, which the host's container keeps alive (and
  // lets go, with the cluster, before the runtime goes).
  out->cluster = std::make_shared<testing::job_cluster>(rt, out->db, registry_for(out.get()), std::move(recurring));
  for (auto& i : instances) out->cluster->add(std::move(i));
  out->cluster->host_on(w.builder());
  w.builder().services().add_singleton<world>(out);
  return out;
}

void enqueue_at_start(testing::scenario_world& w, const std::shared_ptr<world>& world,
                      std::vector<jobs::new_job> jobs) {
  world->jobs_enqueued += jobs.size();
  // Spawned before the host starts: it runs first, before any instance claims.
  w.rt().spawn(produce(w.rt(), world->db, std::move(jobs), "start-"), "producer");
}

void enqueue_at(testing::scenario_world& w, const std::shared_ptr<world>& world, std::chrono::nanoseconds at,
                std::vector<jobs::new_job> jobs) {
  world->jobs_enqueued += jobs.size();
  const std::string keys =
      "at-" + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(at).count()) + "-";
  auto batch = std::make_shared<std::vector<jobs::new_job>>(std::move(jobs));
  runtime* rt = &w.rt();
  w.at(at, "enqueue " + std::to_string(batch->size()) + " job(s)",
       [rt, world, batch, keys] { rt->spawn(produce(*rt, world->db, std::move(*batch), keys), "producer"); });
}

void count(testing::scenario_world& w, const world& world, testing::verdict& v) {
  auto& rt = virtual_rt(w);
  const jobs::store_stats s = rt.block_on(world.oracle->stats());
  v.count("jobs", static_cast<std::int64_t>(world.jobs_enqueued));
  v.count("succeeded", static_cast<std::int64_t>(s.count(jobs::job_state::succeeded)));
  v.count("failed", static_cast<std::int64_t>(s.count(jobs::job_state::failed)));
  const auto effects = s.counters.count("effects") ? s.counters.at("effects") : 0;
  v.count("effects", effects + static_cast<std::int64_t>(world.ledger->applied()));
  v.count("effects_refused", static_cast<std::int64_t>(world.ledger->refused()));
  v.count("rescued", static_cast<std::int64_t>(s.rescued));
  v.count("lease_lost", static_cast<std::int64_t>(s.lease_lost));
  v.count("crashes", static_cast<std::int64_t>(world.cluster->crashes()));
  v.count("started_early", static_cast<std::int64_t>(world.started_early));
}

std::optional<std::string> every_job_once(testing::scenario_world& w, const world& world) {
  auto& rt = virtual_rt(w);
  if (world.started_early != 0) return std::to_string(world.started_early) + " job(s) started before they were due";
  const jobs::store_stats s = rt.block_on(world.oracle->stats());
  const std::uint64_t total = s.enqueued;
  if (s.count(jobs::job_state::succeeded) != total) {
    std::string states;
    for (const auto state : jobs::all_job_states) {
      if (s.count(state) != 0) states += " " + std::string(to_string(state)) + "=" + std::to_string(s.count(state));
    }
    return std::to_string(s.count(jobs::job_state::succeeded)) + " of " + std::to_string(total) +
           " jobs succeeded:" + states;
  }
  // Effects in the completing transaction: exactly one per job of those kinds.
  std::int64_t transactional = 0;
  for (const char* kind : {"work.transactional", "work.timed"}) {
    jobs::job_query q;
    q.kind = kind;
    transactional += static_cast<std::int64_t>(rt.block_on(world.oracle->list(q)).total);
  }
  const std::int64_t counted = s.counters.count("effects") ? s.counters.at("effects") : 0;
  if (counted != transactional) {
    return "the store's effects counter is " + std::to_string(counted) + " for " + std::to_string(transactional) +
           " transactional jobs";
  }
  // Effects outside the store: at most one applied write per job.
  for (const auto& [id, n] : world.runs) {
    if (world.ledger->applied_for(id) > 1) {
      return "job " + std::to_string(id) + "'s effect on the ledger was applied " +
             std::to_string(world.ledger->applied_for(id)) + " times";
    }
  }
  return std::nullopt;
}

}  // namespace clockwork::scenarios::entries::jobs_world
