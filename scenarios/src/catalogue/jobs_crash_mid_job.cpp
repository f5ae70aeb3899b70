// Durable jobs: a process killed in the middle of a job. Instance a claims the job and dies 1 s
// into its 2 s of work (kill -9: nothing after its last await runs, no release, no goodbye). Its
// lease expires at 30 s; b's rescue takes the job back at 35 s and b runs it: the effect, written
// in the job's completing transaction, happens once. a comes back at 90 s as a new incarnation
// and finds nothing left to do.
#include "entries.hpp"
#include "jobs_slot.hpp"

namespace clockwork::scenarios::entries {

using namespace std::chrono_literals;

scenario jobs_crash_mid_job() {
  auto state = std::make_shared<jobs_world::slot>();
  scenario s;
  s.name = "jobs.crash_mid_job.right";
  s.section = "Durable jobs: a process killed mid-job";
  s.variant = "right";
  s.summary = "a worker dies mid-job; after its lease another instance rescues the job and does it once";
  s.span = 2min;
  s.virtual_only_reason = jobs_world::virtual_only;
  s.chaos = jobs_world::jobs_chaos();
  s.setup = [state](testing::scenario_world& w) {
    auto world =
        jobs_world::build(w, {{"a", {}, jobs_world::worker_defaults()}, {"b", {}, jobs_world::worker_defaults()}});
    state->current = world;
    jobs_world::enqueue_at_start(w, world, {jobs_world::job_of("work.transactional")});
    auto* cluster = world->cluster.get();
    w.at(1s, "kill a", [cluster] { cluster->crash("a"); });
    w.at(90s, "start a again", [cluster] { cluster->restart("a"); });
  };
  s.count = [state](testing::scenario_world& w, testing::verdict& v) { jobs_world::count(w, *state->get(), v); };
  s.invariant = [state](testing::scenario_world& w) { return jobs_world::every_job_once(w, *state->get()); };
  s.expected.count("jobs", 1).count("succeeded", 1).count("failed", 0).count("effects", 1).count("effects_refused", 0);
  s.expected.count("rescued", 1).count("lease_lost", 0).count("crashes", 1).count("started_early", 0);
  return s;
}

}  // namespace clockwork::scenarios::entries
