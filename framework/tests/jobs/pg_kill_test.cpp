// The real thing on PostgreSQL, killed and cut off: four `clockwork-jobs work` processes on one
// database, 10,000 example.fenced_increment jobs over four counters; every 200 ms either a worker
// chosen at random gets SIGKILL and is started again, or the server ends the sessions of workers
// that are in the middle of a statement or a transaction (pg_terminate_backend, from a connection
// of the driver's). At the end every job has succeeded once and each counter equals its jobs —
// nothing lost, nothing twice — straight to the server and through PgBouncer in transaction
// pooling (where a terminated server connection takes its client's transaction with it).
//
// And a database that goes away: the server is stopped for 10 s in the middle of a run, then
// started again. The workers stop claiming, their running jobs' late writes stay fenced, they
// reconnect and finish every job; each worker's log says what happened once, not once per retry.
//
// Against the `postgres` ctest fixture's cluster (tools/pg-cluster.sh); skipped, saying why,
// without it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>

#include "clockwork/jobs/postgres_job_store.hpp"
#include "jobs_kill_harness.hpp"
#include "pg_handle.hpp"
#include "pg_test_env.hpp"

namespace {

using namespace clockwork::jobs::kill_test;
namespace pg = clockwork::jobs::detail::pg;

const pg::pg_fixture& fixture() {
  static const pg::pg_fixture f = pg::pg_fixture::read();
  return f;
}

// A fresh database, the workers on it (straight or through PgBouncer), the driver's observer and
// its connection for cutting others' straight to the server.
struct pg_run {
  setup s;
  pg::pg_fixture::database db;
  clockwork::real_runtime rt;
  std::unique_ptr<clockwork::jobs::postgres_job_store> observer;
  std::unique_ptr<pg::connection> admin;

  pg_run(const std::string& name, bool through_pgbouncer) {
    db = fixture().fresh_database();
    s.name = name;
    s.store = through_pgbouncer ? db.pooled : db.direct;
    s.workers = 4;
    s.jobs_per_counter = 2500;
    s.job_ms = 2;
    admin = std::make_unique<pg::connection>(db.direct);
  }
  clockwork::jobs::job_store& open_observer() {
    clockwork::jobs::postgres_store_options reader;
    reader.name = "kill-test";
    observer = std::make_unique<clockwork::jobs::postgres_job_store>(rt, db.direct, reader);
    return *observer;
  }
  // Ends the sessions of (at most two) workers caught in a statement or a transaction; the
  // driver's own connections are idle while this runs. Counts them by what they were doing.
  void cut_connections(int& active, int& in_transaction) {
    if (!admin->ok()) admin->reconnect();
    const auto r = admin->exec(
        "SELECT state, pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend' "
        "AND state IN ('active', 'idle in transaction') ORDER BY random() LIMIT 2",
        "cutting workers' connections");
    for (int row = 0; row < r.rows(); ++row) {
      if (!r.boolean(row, 1)) continue;
      (r.text(row, 0) == "active" ? active : in_transaction) += 1;
    }
  }
};

// Kills and cuts, alternately.
void killed_and_cut(bool through_pgbouncer) {
  if (!fixture().skip.empty()) GTEST_SKIP() << fixture().skip;
  pg_run r{through_pgbouncer ? "pg-kill-pooled" : "pg-kill", through_pgbouncer};
  int kills = 0;
  int cut_active = 0;
  int cut_in_transaction = 0;
  int round = 0;
  run(
      r.s, [&]() -> clockwork::jobs::job_store& { return r.open_observer(); }, r.rt,
      [&](fleet& f) {
        if (round++ % 2 == 0) {
          f.kill_and_restart(f.pick());
          ++kills;
        } else {
          r.cut_connections(cut_active, cut_in_transaction);
        }
      },
      [&](const fleet&) {
        // A run that never caught a worker mid-statement would not have tested what it says.
        EXPECT_GT(cut_active + cut_in_transaction, 0) << "no worker connection was ever cut mid-statement";
        return std::to_string(kills) + " kill(s) and " + std::to_string(cut_active + cut_in_transaction) +
               " connection(s) ended by the server (" + std::to_string(cut_active) + " in a statement, " +
               std::to_string(cut_in_transaction) + " idle in a transaction), 200 ms apart" +
               (through_pgbouncer ? ", through PgBouncer" : "");
      });
}

TEST(pg_kill, FourWorkersKilledAndCutOffEveryEffectOnce) {
  killed_and_cut(false);
}

TEST(pg_kill, FourWorkersThroughPgBouncerKilledAndCutOffEveryEffectOnce) {
  killed_and_cut(true);
}

// tools/pg-cluster.sh server-stop|server-start on the fixture's folder.
void cluster(const char* command) {
  const std::string env = std::getenv("CLOCKWORK_PG_ENV");
  const std::string folder = fs::path(env).parent_path().string();
  const std::string line = std::string(CLOCKWORK_PG_CLUSTER_SCRIPT) + " " + command + " '" + folder + "'";
  ASSERT_EQ(std::system(line.c_str()), 0) << line;
}

TEST(pg_kill, TheServerStoppedForTenSecondsMidRunNothingLostSaidOnce) {
  if (!fixture().skip.empty()) GTEST_SKIP() << fixture().skip;
  pg_run r{"pg-restart", false};
  r.s.jobs_per_counter = 1000;
  r.s.job_ms = 50;
  bool stopped_once = false;
  run(
      r.s, [&]() -> clockwork::jobs::job_store& { return r.open_observer(); }, r.rt,
      [&](fleet&) {
        // Once, a second into the run: the workers are busy.
        if (stopped_once) return;
        std::this_thread::sleep_for(1s);  // pacing: into the middle of the work
        stopped_once = true;
        cluster("server-stop");
        std::this_thread::sleep_for(10s);  // the outage itself
        cluster("server-start");
      },
      [&](const fleet& f) {
        for (const fs::path& log : f.all_logs()) {
          EXPECT_EQ(occurrences(log, "the store is unavailable"), 1) << log << ": the outage said once";
          EXPECT_EQ(occurrences(log, "the store answers again"), 1) << log << ": the return said once";
        }
        return std::string("the server stopped for 10 s once, a second into the run");
      });
}

}  // namespace
