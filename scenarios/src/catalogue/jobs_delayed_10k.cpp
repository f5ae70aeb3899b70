// Durable jobs: 10,000 delayed jobs over a day on three instances. Each job is due at its own
// instant of the next 24 hours; each starts exactly then (in virtual time, lateness 0): the
// instances arm a timer at the earliest due job of their queues, so a delayed job waits for no
// sweep. Its trace is kept as a digest: tens of thousands of lines.
#include "entries.hpp"
#include "jobs_slot.hpp"

namespace clockwork::scenarios::entries {

using namespace std::chrono_literals;

scenario jobs_delayed_10k() {
  auto state = std::make_shared<jobs_world::slot>();
  scenario s;
  s.name = "jobs.delayed_10k_over_a_day";
  s.section = "Durable jobs: delayed jobs start at their due instant";
  s.summary = "10,000 jobs due at scattered instants of a day, on three instances: each starts when due, once";
  s.span = 24h + 10min;
  s.virtual_only_reason = jobs_world::virtual_only;
  s.chaos = jobs_world::jobs_chaos();
  s.golden_digest = true;
  s.log_level = spdlog::level::info;
  s.setup = [state](testing::scenario_world& w) {
    auto world = jobs_world::build(w, {{"a", {}, jobs_world::worker_defaults()},
                                       {"b", {}, jobs_world::worker_defaults()},
                                       {"c", {}, jobs_world::worker_defaults()}});
    state->current = world;
    std::vector<jobs::new_job> batch;
    batch.reserve(10'000);
    for (std::uint64_t i = 1; i <= 10'000; ++i) {
      // Scattered over the day, to the millisecond (a multiplicative hash of i).
      const auto ms = static_cast<std::int64_t>((i * 2654435761ULL) % 86'400'000ULL);
      batch.push_back(jobs_world::job_of("work.timed", std::chrono::milliseconds(ms)));
    }
    jobs_world::enqueue_at_start(w, world, std::move(batch));
  };
  s.count = [state](testing::scenario_world& w, testing::verdict& v) {
    const auto world = state->get();
    jobs_world::count(w, *world, v);
    v.count("max_lateness_ms", std::chrono::duration_cast<std::chrono::milliseconds>(world->max_lateness).count());
  };
  s.invariant = [state](testing::scenario_world& w) { return jobs_world::every_job_once(w, *state->get()); };
  s.expected.count("jobs", 10'000).count("succeeded", 10'000).count("failed", 0).count("effects", 10'000);
  s.expected.count("effects_refused", 0).count("rescued", 0).count("lease_lost", 0).count("crashes", 0);
  s.expected.count("started_early", 0).count("max_lateness_ms", 0);
  return s;
}

}  // namespace clockwork::scenarios::entries
