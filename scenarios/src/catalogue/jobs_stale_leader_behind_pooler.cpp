// Durable jobs on PostgreSQL behind PgBouncer: the stale leader that cannot exist. Elsewhere a
// cron is fired by an elected leader, and a leader that pauses, or whose election was rolled back
// behind a pooler, fires every entry beside its successor (Oban #1488: every cron twice for 19
// days). Here three instances, all behind a pooler in transaction mode (no LISTEN: they poll), each
// run the recurring scheduler for one job every minute; their calls take 100 ms. At 4:00.05,
// with its write for 4:00 on its way, a stops for two minutes (a GC pause, a VM migration)
// and resumes sure of its stale view. There is no leader: each occurrence is fired by whichever
// instance's one conditional write moves the store's high-water mark first, and the trace shows
// the others' attempts refused (job.recurring_already_fired) — a's for 4:00 two minutes late
// among them. Ten occurrences (1:00 to 10:00: the definition starts at its registration, just
// after 0:00), ten jobs, none twice.
#include "entries.hpp"
#include "jobs_slot.hpp"

namespace clockwork::scenarios::entries {

using namespace std::chrono_literals;

scenario jobs_stale_leader_behind_pooler() {
  auto state = std::make_shared<jobs_world::slot>();
  scenario s;
  s.name = "jobs.stale_leader_behind_pooler";
  s.section = "Durable jobs on PostgreSQL: no leader to go stale behind a pooler";
  s.summary = "three pooled instances fire a minutely job, one paused for 2 min: no leader, each occurrence once";
  s.span = 10min + 30s;
  s.virtual_only_reason = jobs_world::virtual_only;
  s.chaos = jobs_world::jobs_chaos();
  s.setup = [state](testing::scenario_world& w) {
    jobs::recurring_scheduler_options recurring;
    jobs::recurring_definition minutely;
    minutely.name = "minutely";
    minutely.expression = "* * * * *";
    minutely.kind = "report.hourly";  // nothing to do: what counts is how often it is fired
    recurring.definitions = {minutely};
    const auto o = jobs_world::worker_defaults();
    auto world = jobs_world::build(w, {{"a", {}, o, true}, {"b", {}, o, true}, {"c", {}, o, true}},
                                   jobs::fenced_resource::fencing::on, recurring);
    state->current = world;
    // Pooled: no LISTEN. They poll every second (change_poll = 1 s): the pace matters not here,
    // and 25 ms would make ten minutes of three instances 72,000 polls.
    jobs::simulated_listening pooled = jobs::simulated_listening::pooled();
    pooled.poll = 1s;
    for (const char* name : {"a", "b", "c"}) world->cluster->connection(name).listening(pooled);
    // Every recurring-job call takes 100 ms (a network between): the three read an occurrence as
    // due at once, then race to fire it.
    for (const char* name : {"a", "b", "c"}) {
      world->cluster->connection(name).script([](const jobs::store_call& c) {
        jobs::store_fault f;
        if (c.operation == "recurring") f.latency = 100ms;
        return f;
      });
    }
    auto* cluster = world->cluster.get();
    // While a's write for 4:00 is on its way (sent at 4:00, answered at 4:00.100): it resumes
    // two minutes later, sure of it.
    w.at(4min + 50ms, "a stops for two minutes", [cluster] { cluster->freeze("a", 2min); });
  };
  s.count = [state](testing::scenario_world& w, testing::verdict& v) {
    const auto world = state->get();
    jobs_world::count(w, *world, v);
    jobs::job_query q;
    q.kind = "report.hourly";
    v.count("minutely_jobs",
            static_cast<std::int64_t>(dynamic_cast<virtual_runtime&>(w.rt()).block_on(world->oracle->list(q)).total));
    for (const char* name : {"a", "b", "c"}) {
      v.count(std::string("enqueued_by_") + name, w.count_records("job.enqueued", name));
    }
    v.count("refused_for_a", w.count_records("job.recurring_already_fired", "a recurring"));
  };
  s.invariant = [state](testing::scenario_world& w) { return jobs_world::every_job_once(w, *state->get()); };
  // Occurrences 1:00 to 10:00: a fires 1:00 to 3:00, b the rest; a's stale write for 4:00 is
  // refused at 6:00.05, and so are its later tries.
  s.expected.count("jobs", 0).count("succeeded", 10).count("failed", 0).count("minutely_jobs", 10);
  s.expected.count("effects", 0).count("effects_refused", 0);
  s.expected.count("enqueued_by_a", 3).count("enqueued_by_b", 7).count("enqueued_by_c", 0).count("refused_for_a", 6);
  s.expected.count("rescued", 0).count("lease_lost", 0).count("crashes", 0).count("started_early", 0);
  return s;
}

}  // namespace clockwork::scenarios::entries
