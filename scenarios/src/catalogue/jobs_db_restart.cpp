// Durable jobs on PostgreSQL: the database restarts. Two instances work 2-second jobs that
// another process enqueues every 3 s; at 0:30 the database goes away for 10 s (every connection
// cut: calls fail, notifications sent meanwhile are lost), then comes back. The instances stop
// claiming and say so once; a job running when it went finishes its work and its completion is
// retried until the store answers (its lease, 30 s, outlasts the outage, so nobody rescues it);
// each listener subscribes again on its new session and looks once, since what it missed is
// lost; the producer's enqueues are sent again. Every job runs once, every effect once.
#include "entries.hpp"
#include "jobs_slot.hpp"

namespace clockwork::scenarios::entries {

using namespace std::chrono_literals;

scenario jobs_db_restart() {
  auto state = std::make_shared<jobs_world::slot>();
  scenario s;
  s.name = "jobs.db_restart.right";
  s.section = "Durable jobs on PostgreSQL: the database restarts";
  s.variant = "right";
  s.summary =
      "the database away for 10 s: claims stop (said once), completions retried, listeners subscribe "
      "again, every job and effect once";
  s.span = 2min;
  s.virtual_only_reason = jobs_world::virtual_only;
  s.chaos = jobs_world::jobs_chaos();
  s.setup = [state](testing::scenario_world& w) {
    auto world =
        jobs_world::build(w, {{"a", {}, jobs_world::worker_defaults()}, {"b", {}, jobs_world::worker_defaults()}});
    state->current = world;
    for (const char* name : {"a", "b"})
      world->cluster->connection(name).listening(jobs::simulated_listening::postgres());
    auto* cluster = world->cluster.get();
    auto producer = world->db;
    w.at(30s, "the database goes away", [cluster, producer] {
      for (const char* name : {"a", "b"}) cluster->connection(name).sever();
      producer->sever();
    });
    w.at(40s, "the database is back", [cluster, producer] {
      for (const char* name : {"a", "b"}) cluster->connection(name).restore();
      producer->restore();
    });
    for (auto at = 1s; at < 100s; at += 3s) {
      jobs_world::enqueue_at(w, world, at, {jobs_world::job_of("work.transactional")});
    }
  };
  s.count = [state](testing::scenario_world& w, testing::verdict& v) {
    const auto world = state->get();
    jobs_world::count(w, *world, v);
    v.count("outage_said", w.count_logs("the store is unavailable"));
    v.count("return_said", w.count_logs("the store answers again"));
    v.count("subscribed_again", w.count_records("job.listener"));
  };
  s.invariant = [state](testing::scenario_world& w) { return jobs_world::every_job_once(w, *state->get()); };
  s.expected.count("jobs", 33)
      .count("succeeded", 33)
      .count("failed", 0)
      .count("effects", 33)
      .count("effects_refused", 0);
  s.expected.count("rescued", 0).count("lease_lost", 0).count("crashes", 0).count("started_early", 0);
  s.expected.count("outage_said", 2).count("return_said", 2).count("subscribed_again", 2);
  return s;
}

}  // namespace clockwork::scenarios::entries
