// Durable jobs: instances whose clocks disagree. a's clock runs 10 minutes ahead of the store's,
// b's 10 minutes behind. Fifty jobs are due over the next 50 minutes. Every due-time and lease
// decision is made on the store's clock, so no job starts early on a's say-so or late on b's, and
// none runs twice; each instance measures its skew and warns once.
#include "entries.hpp"
#include "jobs_slot.hpp"

namespace clockwork::scenarios::entries {

using namespace std::chrono_literals;

scenario jobs_clock_skew() {
  auto state = std::make_shared<jobs_world::slot>();
  scenario s;
  s.name = "jobs.clock_skew.right";
  s.section = "Durable jobs: instances 10 minutes apart";
  s.variant = "right";
  s.summary = "two instances 20 minutes apart: the store's clock decides, nothing early or twice, skew warned";
  s.span = 1h;
  s.virtual_only_reason = jobs_world::virtual_only;
  s.chaos = jobs_world::jobs_chaos();
  s.setup = [state](testing::scenario_world& w) {
    auto world = jobs_world::build(
        w, {{"a", 10min, jobs_world::worker_defaults()}, {"b", -10min, jobs_world::worker_defaults()}});
    state->current = world;
    std::vector<jobs::new_job> batch;
    for (int i = 1; i <= 50; ++i) batch.push_back(jobs_world::job_of("work.timed", std::chrono::minutes(i)));
    jobs_world::enqueue_at_start(w, world, std::move(batch));
  };
  s.count = [state](testing::scenario_world& w, testing::verdict& v) {
    const auto world = state->get();
    jobs_world::count(w, *world, v);
    v.count("max_lateness_ms", std::chrono::duration_cast<std::chrono::milliseconds>(world->max_lateness).count());
    v.count("skew_warnings", w.count_logs("this instance's clock is"));
  };
  s.invariant = [state](testing::scenario_world& w) { return jobs_world::every_job_once(w, *state->get()); };
  s.expected.count("jobs", 50)
      .count("succeeded", 50)
      .count("failed", 0)
      .count("effects", 50)
      .count("effects_refused", 0);
  s.expected.count("rescued", 0).count("lease_lost", 0).count("crashes", 0).count("started_early", 0);
  s.expected.count("max_lateness_ms", 0).count("skew_warnings", 2);
  return s;
}

}  // namespace clockwork::scenarios::entries
