// Durable jobs on PostgreSQL: a listener that goes half-open. Instance a hears of new jobs by
// LISTEN (its own rounds are a minute apart); another process enqueues a job every 5 s until 1:40. At 0:30 a's
// listening connection goes half-open — a network fault that leaves the socket open and silent:
// the listener hears nothing and does not know it. Notifications keep being sent and go nowhere.
//
// .right is what the PostgreSQL store does: it keeps polling behind the listener every second
// (the backstop), so no job waits more than a second, and every 10 s it notifies itself; the
// ping that does not come back within 2 s finds the deaf listener, which subscribes again, and
// wake-ups are immediate again. .wrong trusts the listener alone (no backstop, no check, as a
// store that only LISTENs): from 0:30 on, every job waits for the worker's own minute-long poll.
#include "entries.hpp"
#include "jobs_slot.hpp"

namespace clockwork::scenarios::entries {

using namespace std::chrono_literals;

namespace {

scenario listener_half_open(bool checked) {
  auto state = std::make_shared<jobs_world::slot>();
  scenario s;
  s.name = checked ? "jobs.listener_half_open.right" : "jobs.listener_half_open.wrong";
  s.section = "Durable jobs on PostgreSQL: a listener that goes half-open";
  s.variant = checked ? "right" : "wrong";
  s.summary = checked ? "the listener goes deaf at 0:30: the backstop poll keeps pickups within 1 s, the ping "
                        "finds it at 0:42 and it subscribes again"
                      : "the listener goes deaf at 0:30 and nothing notices: jobs wait up to 27.5 s for the worker's "
                        "next round, 8 of 20 still waiting at the end";
  s.span = 2min;
  s.virtual_only_reason = jobs_world::virtual_only;
  s.chaos = jobs_world::jobs_chaos();
  s.setup = [state, checked](testing::scenario_world& w) {
    jobs::worker_options o = jobs_world::worker_defaults();
    // The worker's own rounds (poll, rescue sweep, registry) a minute apart: wake-ups must come
    // from the store.
    o.poll_interval = 1min;
    o.rescue_interval = 1min;
    o.registry_interval = 1min;
    auto world = jobs_world::build(w, {{"a", {}, o}});
    state->current = world;
    jobs::simulated_listening how = jobs::simulated_listening::postgres();
    if (!checked) {
      how.backstop = {};
      how.check = {};
    }
    world->cluster->connection("a").listening(how);
    auto* cluster = world->cluster.get();
    // Just after its check at 0:30 answered: the next, at 0:40, goes unanswered until 0:42.
    w.at(30s + 500ms, "a's listener goes half-open", [cluster] { cluster->connection("a").deafen(); });
    // Until 1:40: the last ones still have 20 s to run when an exploration's faults slow them.
    for (auto at = 2s + 500ms; at < 100s; at += 5s) {
      jobs_world::enqueue_at(w, world, at, {jobs_world::job_of("work.timed")});
    }
  };
  s.count = [state](testing::scenario_world& w, testing::verdict& v) {
    const auto world = state->get();
    jobs_world::count(w, *world, v);
    v.count("max_lateness_ms", std::chrono::duration_cast<std::chrono::milliseconds>(world->max_lateness).count());
    v.count("unheard", w.count_records("job.store_fault", "a"));  // no other fault without chaos
    v.count("subscribed_again", w.count_records("job.listener"));
  };
  s.expected.count("jobs", 20).count("failed", 0).count("effects_refused", 0);
  s.expected.count("rescued", 0).count("lease_lost", 0).count("crashes", 0).count("started_early", 0);
  if (checked) {
    s.invariant = [state](testing::scenario_world& w) { return jobs_world::every_job_once(w, *state->get()); };
    // 0:32.5 and 0:37.5 go unheard and wait for the next backstop poll; the ping sent at 0:40
    // is overdue at 0:42, and a subscribes again.
    s.expected.count("succeeded", 20).count("effects", 20).count("max_lateness_ms", 500);
    s.expected.count("unheard", 2).count("subscribed_again", 1);
  } else {
    // From 0:30 every job waits for a's next round: 0:32.5 starts at 1:00; the eight enqueued
    // after 1:00 wait for 2:00, past the end, and the jobs detector calls them lost.
    s.expected.count("succeeded", 12).count("effects", 12).count("max_lateness_ms", 27500);
    s.expected.count("unheard", 14).count("subscribed_again", 0).finding(finding_kind::lost_job, "jobs");
  }
  return s;
}

}  // namespace

scenario jobs_listener_half_open_right() {
  return listener_half_open(true);
}

scenario jobs_listener_half_open_wrong() {
  return listener_half_open(false);
}

}  // namespace clockwork::scenarios::entries
