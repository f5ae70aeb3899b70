// Durable jobs: a worker paused past its lease (a GC pause, SIGSTOP, a VM migration). Instance a
// claims the only job and starts its 2 s of work; 1 s in, a stops for 60 s. Its lease (30 s)
// expires; b's rescue sweep takes the job back at 35 s and b runs it again under epoch 3, writing
// the ledger at 37 s and completing. At 61 s a wakes up, where it left off: it writes the ledger
// too, and only then learns (its completion refused as lease_lost) that the job was not its own
// any more.
//   wrong: the ledger takes every write: the effect happens twice (duplicate_effect).
//   right: the ledger is fenced by the job's epoch: a's write with epoch 1 after b's with epoch 3
//          is refused; the effect happens once.
// Execution is at least once either way; only fencing keeps the *effect* once.
#include "entries.hpp"
#include "jobs_slot.hpp"

namespace clockwork::scenarios::entries {

namespace {

using namespace std::chrono_literals;

scenario pause_past_lease(bool fenced) {
  auto state = std::make_shared<jobs_world::slot>();
  scenario s;
  s.name = fenced ? "jobs.pause_past_lease.fenced.right" : "jobs.pause_past_lease.unfenced.wrong";
  s.section = "Durable jobs: a worker paused past its lease";
  s.variant = fenced ? "right" : "wrong";
  s.summary = fenced ? "a paused worker's late write is refused by the ledger's fence: the effect happens once"
                     : "a paused worker writes after its job was rescued and run again: the effect happens twice";
  s.span = 2min;
  s.virtual_only_reason = jobs_world::virtual_only;
  s.chaos = jobs_world::jobs_chaos();
  s.setup = [state, fenced](testing::scenario_world& w) {
    auto world =
        jobs_world::build(w, {{"a", {}, jobs_world::worker_defaults()}, {"b", {}, jobs_world::worker_defaults()}},
                          fenced ? jobs::fenced_resource::fencing::on : jobs::fenced_resource::fencing::off);
    state->current = world;
    jobs_world::enqueue_at_start(w, world, {jobs_world::job_of("work.effect")});
    w.at(1s, "pause a for 60 s", [cluster = world->cluster.get()] { cluster->freeze("a", 60s); });
  };
  s.count = [state](testing::scenario_world& w, testing::verdict& v) { jobs_world::count(w, *state->get(), v); };
  if (fenced) {
    s.invariant = [state](testing::scenario_world& w) { return jobs_world::every_job_once(w, *state->get()); };
  }
  s.expected.count("jobs", 1).count("succeeded", 1).count("failed", 0).count("rescued", 1).count("lease_lost", 1);
  s.expected.count("crashes", 0).count("started_early", 0);
  if (fenced) {
    s.expected.count("effects", 1).count("effects_refused", 1);
  } else {
    s.expected.count("effects", 2).count("effects_refused", 0).finding(finding_kind::duplicate_effect, "ledger");
  }
  return s;
}

}  // namespace

scenario jobs_pause_past_lease_unfenced() {
  return pause_past_lease(false);
}
scenario jobs_pause_past_lease_fenced() {
  return pause_past_lease(true);
}

}  // namespace clockwork::scenarios::entries
