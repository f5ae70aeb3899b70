// Durable jobs: recurring jobs after three days with every instance down. The only instance
// fires three recurring jobs from the store — hourly (relaxed), daily at 02:00 (strict, at most
// 2 catch-up runs) and every ten minutes (ignorable, within 30 minutes) — then dies at 00:45 on
// day 1 and comes back at 01:05 on day 4. Each definition's misfire policy decides what the
// outage is worth: the hourly report runs once for the 73 it missed, the daily one runs for
// its two oldest missed days and drops the third, the ten-minutely one runs the three
// occurrences of the last half hour and drops the rest. The high-water mark in the store makes
// each occurrence fire once whoever fires it.
#include "entries.hpp"
#include "jobs_slot.hpp"

namespace clockwork::scenarios::entries {

using namespace std::chrono_literals;

namespace {

jobs::recurring_definition definition(std::string name, std::string expression, std::string kind, misfire_policy p) {
  jobs::recurring_definition d;
  d.name = std::move(name);
  d.expression = std::move(expression);
  d.kind = std::move(kind);
  d.misfire.policy = p;
  d.misfire.catch_up_cap = 2;
  d.misfire.window = 30min;
  return d;
}

std::int64_t jobs_of_kind(testing::scenario_world& w, jobs::simulated_job_store& db, std::string kind) {
  jobs::job_query q;
  q.kind = std::move(kind);
  return static_cast<std::int64_t>(dynamic_cast<virtual_runtime&>(w.rt()).block_on(db.list(q)).total);
}

}  // namespace

scenario jobs_restart_after_3_days() {
  auto state = std::make_shared<jobs_world::slot>();
  scenario s;
  s.name = "jobs.restart_after_3_days";
  s.section = "Durable jobs: recurring jobs after a three-day outage";
  s.summary = "every instance down for three days: each recurring job's misfire policy decides what runs";
  s.span = 3 * 24h + 1h + 48min;
  s.virtual_only_reason = jobs_world::virtual_only;
  s.chaos = jobs_world::jobs_chaos();
  s.setup = [state](testing::scenario_world& w) {
    jobs::recurring_scheduler_options recurring;
    recurring.definitions = {
        definition("hourly", "0 * * * *", "report.hourly", misfire_policy::relaxed),
        definition("daily", "0 2 * * *", "report.daily", misfire_policy::strict),
        definition("ten_minutely", "*/10 * * * *", "report.ten_minutely", misfire_policy::ignorable)};
    auto world = jobs_world::build(w, {{"a", {}, jobs_world::worker_defaults(), true}},
                                   jobs::fenced_resource::fencing::on, recurring);
    state->current = world;
    auto* cluster = world->cluster.get();
    w.at(45min, "kill a", [cluster] { cluster->crash("a"); });
    w.at(3 * 24h + 1h + 5min, "start a again", [cluster] { cluster->restart("a"); });
  };
  s.count = [state](testing::scenario_world& w, testing::verdict& v) {
    const auto world = state->get();
    jobs_world::count(w, *world, v);
    v.count("hourly_runs", jobs_of_kind(w, *world->oracle, "report.hourly"));
    v.count("daily_runs", jobs_of_kind(w, *world->oracle, "report.daily"));
    v.count("ten_minutely_runs", jobs_of_kind(w, *world->oracle, "report.ten_minutely"));
    for (const auto& d : dynamic_cast<virtual_runtime&>(w.rt()).block_on(world->oracle->recurring())) {
      v.count(d.name + "_misfires", static_cast<std::int64_t>(d.misfires));
    }
  };
  s.invariant = [state](testing::scenario_world& w) { return jobs_world::every_job_once(w, *state->get()); };
  s.expected.count("jobs", 0).count("succeeded", 16).count("failed", 0).count("effects", 0).count("effects_refused", 0);
  s.expected.count("rescued", 0).count("lease_lost", 0).count("crashes", 1).count("started_early", 0);
  s.expected.count("hourly_runs", 2).count("daily_runs", 2).count("ten_minutely_runs", 12);
  s.expected.count("hourly_misfires", 73).count("daily_misfires", 3).count("ten_minutely_misfires", 434);
  return s;
}

}  // namespace clockwork::scenarios::entries
