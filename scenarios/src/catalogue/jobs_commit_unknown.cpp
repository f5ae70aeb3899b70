// Durable jobs: commits whose outcome is unknown (the connection drops at the commit: applied,
// reported as failed). Twenty jobs on two instances; a's first and third completions and its
// second claim come back as errors although they applied. a retries each completion with the
// same fence (the store answers "applied" for a write the fence already made), and recovers the
// claim by asking which jobs the store holds in its name. Every job runs and its effect — in the
// completing transaction — happens exactly once; nothing waits for a lease to expire.
#include "entries.hpp"
#include "jobs_slot.hpp"

namespace clockwork::scenarios::entries {

using namespace std::chrono_literals;

scenario jobs_commit_unknown() {
  auto state = std::make_shared<jobs_world::slot>();
  scenario s;
  s.name = "jobs.commit_unknown.right";
  s.section = "Durable jobs: a commit whose outcome is unknown";
  s.variant = "right";
  s.summary = "completions and a claim that applied but reported failure: retried by fence, each effect once";
  s.span = 2min;
  s.virtual_only_reason = jobs_world::virtual_only;
  s.chaos = jobs_world::jobs_chaos();
  s.setup = [state](testing::scenario_world& w) {
    auto world =
        jobs_world::build(w, {{"a", {}, jobs_world::worker_defaults()}, {"b", {}, jobs_world::worker_defaults()}});
    state->current = world;
    world->cluster->connection("a").script([](const jobs::store_call& c) {
      jobs::store_fault f;
      f.commit_unknown =
          (c.operation == "complete" && (c.call == 1 || c.call == 3)) || (c.operation == "claim" && c.call == 2);
      return f;
    });
    std::vector<jobs::new_job> batch;
    for (int i = 0; i < 20; ++i) batch.push_back(jobs_world::job_of("work.transactional"));
    jobs_world::enqueue_at_start(w, world, std::move(batch));
  };
  s.count = [state](testing::scenario_world& w, testing::verdict& v) { jobs_world::count(w, *state->get(), v); };
  s.invariant = [state](testing::scenario_world& w) { return jobs_world::every_job_once(w, *state->get()); };
  s.expected.count("jobs", 20)
      .count("succeeded", 20)
      .count("failed", 0)
      .count("effects", 20)
      .count("effects_refused", 0);
  s.expected.count("rescued", 0).count("lease_lost", 0).count("crashes", 0).count("started_early", 0);
  return s;
}

}  // namespace clockwork::scenarios::entries
