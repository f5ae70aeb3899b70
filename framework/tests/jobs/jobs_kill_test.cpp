// The real thing, killed, on SQLite: three `clockwork-jobs work` processes share one file; 3,000
// example.fenced_increment jobs over four counters; every 200 ms one worker, chosen at random,
// gets SIGKILL and is started again. At the end every job has succeeded once, each counter equals
// its jobs — nothing lost, nothing twice — and the figures are printed (jobs, kills, rescues,
// lease_lost refusals, wall time).
//
// And paused: the same, but the chosen worker is stopped (SIGSTOP) for longer than its lease and
// then continued (SIGCONT) — a GC pause, a VM migration — so that the others rescue its jobs while
// it sleeps, perhaps in the middle of a write. Its late writes must change nothing: every effect
// still exactly once. (jobs_kill_harness.hpp runs them.)
#include <gtest/gtest.h>

#include "clockwork/jobs/sqlite_job_store.hpp"
#include "jobs_kill_harness.hpp"

namespace {

using namespace clockwork::jobs::kill_test;

struct sqlite_run {
  setup s;
  clockwork::real_runtime rt;
  std::unique_ptr<clockwork::jobs::sqlite_job_store> observer;
  // The file lives in the harness's folder for the test: kept with the logs when the test fails.
  explicit sqlite_run(const std::string& name) {
    s.name = name;
    const fs::path folder = fs::temp_directory_path() / ("clockwork-jobs-" + name + "-" + std::to_string(::getpid()));
    fs::create_directories(folder);
    s.store = "sqlite:" + (folder / "jobs.db").string();
  }
  // The driver reads the store as any other process would (once the harness's migrate made it).
  clockwork::jobs::job_store& open_observer() {
    clockwork::jobs::sqlite_store_options reader;
    reader.name = "kill-test";
    observer = std::make_unique<clockwork::jobs::sqlite_job_store>(rt, s.store.substr(7), reader);
    return *observer;
  }
};

TEST(jobs_kill, ThreeWorkersOnOneFileOneKilledAtATimeEveryEffectOnce) {
  sqlite_run r{"kill"};
  int kills = 0;
  run(
      r.s, [&]() -> clockwork::jobs::job_store& { return r.open_observer(); }, r.rt,
      [&](fleet& f) {
        f.kill_and_restart(f.pick());
        ++kills;
      },
      [&](const fleet&) { return std::to_string(kills) + " kill(s), 200 ms apart"; });
}

TEST(jobs_kill, ThreeWorkersOnOneFileOnePausedPastItsLeaseAtATimeEveryEffectOnce) {
  sqlite_run r{"pause"};
  int pauses = 0;
  run(
      r.s, [&]() -> clockwork::jobs::job_store& { return r.open_observer(); }, r.rt,
      [&](fleet& f) {
        f.pause(f.pick(), 3s);  // the workers' lease is 2 s
        ++pauses;
      },
      [&](const fleet&) { return std::to_string(pauses) + " pause(s) of 3 s, past the 2 s lease, 200 ms apart"; });
}

}  // namespace
