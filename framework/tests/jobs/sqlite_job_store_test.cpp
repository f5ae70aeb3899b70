// What only the SQLite store does (the job store contract itself is the conformance suite's):
// opening a file — each mistake named with its path and reason —, schema versions and migrations,
// several connections on one file (claims never overlap, wake-ups cross connections), a crash in
// the middle of a transaction, a full disk and a file removed under a running store.
#include "clockwork/jobs/sqlite_job_store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <latch>
#include <set>
#include <thread>

#include "clockwork/jobs/job_worker.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/testing/simulation_test.hpp"
#include "sqlite_schema.hpp"

namespace clockwork::jobs {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::AllOf;
using ::testing::HasSubstr;

// A temporary folder per test, removed after it.
class temp_folder {
 public:
  temp_folder() {
    static std::atomic<int> made{0};
    path_ = fs::temp_directory_path() /
            ("clockwork-sqlite-test-" + std::to_string(::getpid()) + "-" + std::to_string(++made));
    fs::create_directories(path_);
  }
  ~temp_folder() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

// The message of what fn throws as E ("" when it throws nothing).
template <class E, class F>
std::string message_of(F&& fn) {
  try {
    fn();
  } catch (const E& e) {
    return e.what();
  }
  return "";
}

new_job make(std::string kind = "k") {
  new_job j;
  j.kind = std::move(kind);
  return j;
}

claim_request request(std::string instance, std::size_t limit = 10) {
  claim_request r;
  r.instance = std::move(instance);
  r.queues = {"default"};
  r.kinds = {"k"};
  r.limit = limit;
  return r;
}

// Runs fn in a child process as an unprivileged user (root may write where others may not) and
// returns the message it reports; fn's own return value is the message.
std::string as_unprivileged(const std::function<std::string()>& fn) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return "pipe failed";
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(pipe_fds[0]);
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(3);
    const std::string message = fn();
    const auto written = ::write(pipe_fds[1], message.data(), message.size());
    ::_exit(written == static_cast<ssize_t>(message.size()) ? 0 : 4);
  }
  ::close(pipe_fds[1]);
  std::string message;
  char buffer[512];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;)
    message.append(buffer, static_cast<std::size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return "the child failed: status " + std::to_string(status);
  return message;
}

// A raw connection, to do to the file what the store never would.
struct raw_connection {
  explicit raw_connection(const fs::path& path) { sqlite3_open(path.c_str(), &db); }
  ~raw_connection() { sqlite3_close(db); }
  int exec(const char* sql) const { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr); }
  sqlite3* db = nullptr;
};

class sqlite_job_store_test : public ::testing::Test {
 protected:
  template <class T>
  T run(task<T> t) {
    return rt.block_on(std::move(t));
  }
  std::shared_ptr<sqlite_job_store> open(std::string name = "a", sqlite_store_options options = {}) {
    options.name = std::move(name);
    options.flush_every_commit = false;
    return std::make_shared<sqlite_job_store>(rt, file, options);
  }

  temp_folder tmp;
  fs::path file = tmp / "jobs.db";
  virtual_runtime rt;
};

// ---- opening ------------------------------------------------------------------------------------

TEST_F(sqlite_job_store_test, AMissingFolderIsNamed) {
  const fs::path nowhere = tmp / "no-such-folder" / "jobs.db";
  const std::string message = message_of<store_unavailable>([&] { sqlite_job_store::migrate(nowhere); });
  EXPECT_THAT(message, AllOf(HasSubstr(nowhere.string()), HasSubstr("the folder"), HasSubstr("does not exist")));
  EXPECT_FALSE(fs::exists(nowhere.parent_path())) << "nothing was created";
}

TEST_F(sqlite_job_store_test, AMissingFileIsAMissingSchemaAndMigrateCreatesIt) {
  const std::string message = message_of<schema_mismatch>([&] { open(); });
  EXPECT_THAT(message, AllOf(HasSubstr(file.string()), HasSubstr("version 1"),
                             HasSubstr("clockwork-jobs migrate --store sqlite:" + file.string())));
  EXPECT_FALSE(fs::exists(file)) << "opening never creates the file";
  const sqlite_migration m = sqlite_job_store::migrate(file);
  EXPECT_EQ(m.from, 0);
  EXPECT_EQ(m.to, sqlite_job_store::schema_version());
  EXPECT_NO_THROW(open());
}

TEST_F(sqlite_job_store_test, AFileThatIsNotADatabaseIsRefused) {
  std::ofstream(file) << "name,calories\nporridge,350\n";
  for (const auto& attempt :
       std::vector<std::function<void()>>{[&] { open(); }, [&] { sqlite_job_store::migrate(file); }}) {
    EXPECT_THAT(message_of<store_unavailable>(attempt),
                AllOf(HasSubstr(file.string()), HasSubstr("not a SQLite database")));
  }
  std::ifstream in(file);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "name,calories\nporridge,350\n") << "left as it was";
}

TEST_F(sqlite_job_store_test, AFolderIsNotADatabaseFile) {
  fs::create_directories(file);
  EXPECT_THAT(message_of<store_unavailable>([&] { sqlite_job_store::migrate(file); }),
              HasSubstr("a folder, not a database file"));
}

TEST_F(sqlite_job_store_test, AReadOnlyFileIsRefused) {
  sqlite_job_store::migrate(file);
  fs::permissions(tmp.path(), fs::perms::all);  // the folder is writable for everyone...
  fs::permissions(file, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);  // ...the file is not
  const std::string message = as_unprivileged([&]() -> std::string {
    virtual_runtime child_rt;
    return message_of<store_unavailable>([&] { sqlite_job_store store{child_rt, file}; });
  });
  EXPECT_THAT(message, AllOf(HasSubstr(file.string()), HasSubstr("read-only")));
}

TEST_F(sqlite_job_store_test, AReadOnlyFolderIsRefused) {
  sqlite_job_store::migrate(file);
  fs::permissions(file, fs::perms::all);
  // The folder: others may enter and read it but not write (the -wal and -shm files go there).
  fs::permissions(tmp.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
  const std::string message = as_unprivileged([&]() -> std::string {
    virtual_runtime child_rt;
    return message_of<store_unavailable>([&] { sqlite_job_store store{child_rt, file}; });
  });
  EXPECT_THAT(message, AllOf(HasSubstr(tmp.path().string()), HasSubstr("not writable")));
}

TEST_F(sqlite_job_store_test, AFileLockedPastTheBusyTimeoutIsRefused) {
  sqlite_job_store::migrate(file);
  raw_connection holder{file};
  // Exclusive locking mode keeps the lock after the write: even readers wait.
  ASSERT_EQ(holder.exec("PRAGMA locking_mode = EXCLUSIVE; BEGIN IMMEDIATE; INSERT INTO cw_counter VALUES ('x', 1)"),
            SQLITE_OK);
  sqlite_store_options quick;
  quick.busy_timeout = 50ms;
  EXPECT_THAT(message_of<store_unavailable>([&] { open("a", quick); }),
              AllOf(HasSubstr(file.string()), HasSubstr("locked"), HasSubstr("busy timeout")));
}

TEST_F(sqlite_job_store_test, AWriteLockedPastTheBusyTimeoutAppliesNothing) {
  sqlite_job_store::migrate(file);
  sqlite_store_options quick;
  quick.busy_timeout = 50ms;
  auto store = open("a", quick);
  {
    raw_connection holder{file};
    ASSERT_EQ(holder.exec("BEGIN IMMEDIATE"), SQLITE_OK);
    EXPECT_THAT(message_of<store_unavailable>([&] { run(store->enqueue({make()})); }),
                AllOf(HasSubstr("enqueue"), HasSubstr("locked")));
  }
  EXPECT_EQ(run(store->stats()).enqueued, 0u);
  EXPECT_EQ(run(store->enqueue({make()})).size(), 1u) << "usable again once the lock is gone";
}

// ---- schema -------------------------------------------------------------------------------------

TEST_F(sqlite_job_store_test, MigrateIsIdempotentAndKeepsTheData) {
  sqlite_job_store::migrate(file);
  {
    auto store = open();
    run(store->enqueue({make()}));
  }
  const sqlite_migration again = sqlite_job_store::migrate(file);
  EXPECT_EQ(again.from, sqlite_job_store::schema_version());
  EXPECT_EQ(again.to, sqlite_job_store::schema_version());
  EXPECT_EQ(run(open()->stats()).enqueued, 1u);
}

TEST_F(sqlite_job_store_test, MigrateAddsTheSchemaToAnExistingDatabase) {
  {
    raw_connection app{file};
    ASSERT_EQ(app.exec("CREATE TABLE meals (name TEXT); INSERT INTO meals VALUES ('porridge')"), SQLITE_OK);
  }
  EXPECT_THAT(message_of<schema_mismatch>([&] { open(); }),
              AllOf(HasSubstr("no job store schema"), HasSubstr("version 0"), HasSubstr("clockwork-jobs migrate")));
  EXPECT_EQ(sqlite_job_store::migrate(file).from, 0);
  EXPECT_NO_THROW(open());
  raw_connection app{file};
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(app.db, "SELECT count(*) FROM meals", -1, &stmt, nullptr);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), 1) << "the application's own table is untouched";
  sqlite3_finalize(stmt);
}

TEST_F(sqlite_job_store_test, ANewerSchemaIsRefusedNamingBothVersions) {
  sqlite_job_store::migrate(file);
  {
    raw_connection later{file};
    ASSERT_EQ(later.exec("INSERT INTO cw_schema_version VALUES (99, 0)"), SQLITE_OK);
  }
  const std::string current = std::to_string(sqlite_job_store::schema_version());
  EXPECT_THAT(message_of<schema_mismatch>([&] { open(); }),
              AllOf(HasSubstr("schema version 99"), HasSubstr("newer than this code's " + current)));
  EXPECT_THAT(message_of<schema_mismatch>([&] { sqlite_job_store::migrate(file); }),
              AllOf(HasSubstr("99"), HasSubstr("newer")));
}

// The store has one schema version so far; the mechanism is checked with migrations of its own.
TEST_F(sqlite_job_store_test, AnOlderSchemaIsRefusedAndUpgradedInOneTransaction) {
  namespace sq = detail::sqlite;
  const std::vector<sq::migration> v1{{1, "CREATE TABLE one (x INTEGER)"}};
  const std::vector<sq::migration> broken_v2{{1, "CREATE TABLE one (x INTEGER)"},
                                             {2, "CREATE TABLE two (x INTEGER); INSERT INTO nowhere VALUES (1)"}};
  const std::vector<sq::migration> v2{{1, "CREATE TABLE one (x INTEGER)"}, {2, "CREATE TABLE two (x INTEGER)"}};
  auto db = sq::open_file(file, {}, /*create=*/true);
  EXPECT_EQ(sq::apply_migrations(*db, v1).to, 1);
  EXPECT_THAT(message_of<schema_mismatch>([&] { sq::check_schema(*db, v2); }),
              AllOf(HasSubstr("schema version 1 is older than this code's 2"),
                    HasSubstr("clockwork-jobs migrate --store sqlite:" + file.string())));
  EXPECT_THROW(sq::apply_migrations(*db, broken_v2), std::runtime_error);
  EXPECT_EQ(sq::schema_version_of(*db), 1) << "a migration that fails applies nothing";
  EXPECT_EQ(db->read_integer("SELECT count(*) FROM sqlite_master WHERE name = 'two'", "test"), 0);
  const sqlite_migration m = sq::apply_migrations(*db, v2);
  EXPECT_EQ(m.from, 1);
  EXPECT_EQ(m.to, 2);
  EXPECT_NO_THROW(sq::check_schema(*db, v2));
}

// ---- several connections on one file ------------------------------------------------------------

TEST_F(sqlite_job_store_test, StoreObjectsOnThreadsOfTheirOwnNeverClaimOneJob) {
  sqlite_job_store::migrate(file);
  constexpr int jobs = 1000;
  {
    auto producer = open("producer");
    std::vector<new_job> batch(jobs, make());
    run(producer->enqueue(batch));
  }
  // Three store objects, each on a thread and a runtime of its own, claim as fast as they can.
  std::vector<std::vector<job_id>> taken(3);
  std::vector<std::thread> claimers;
  std::latch ready{static_cast<std::ptrdiff_t>(taken.size())};
  for (std::size_t i = 0; i < taken.size(); ++i) {
    claimers.emplace_back([this, i, &taken, &ready] {
      virtual_runtime own;
      sqlite_store_options o;
      o.flush_every_commit = false;
      o.busy_timeout = 10s;
      sqlite_job_store store{own, file, o};
      const std::string me = "claimer-" + std::to_string(i);
      ready.arrive_and_wait();  // all open before any claims
      for (std::size_t round = 0;; ++round) {
        const auto claimed = own.block_on(store.claim(request(me, 1 + (round + i) % 4)));
        if (claimed.empty()) break;
        for (const job& j : claimed) taken[i].push_back(j.id);
      }
    });
  }
  for (auto& t : claimers) t.join();
  std::multiset<job_id> all;
  for (const auto& ids : taken) all.insert(ids.begin(), ids.end());
  EXPECT_EQ(all.size(), static_cast<std::size_t>(jobs));
  EXPECT_EQ(std::set<job_id>(all.begin(), all.end()).size(), all.size()) << "a job claimed twice";
}

TEST_F(sqlite_job_store_test, AnotherConnectionsCommitWakesAWaiterWithinThePoll) {
  sqlite_job_store::migrate(file);
  sqlite_store_options o;
  o.change_poll = 50ms;
  auto a = open("a", o);
  auto b = open("b", o);
  bool woke = false;
  steady_time woke_at{};
  const steady_time begin = rt.now();
  rt.spawn(
      [](job_store& s, runtime& r, bool& out, steady_time& at) -> task<> {
        out = co_await s.wait_for_activity(r.now() + 1min, {});
        at = r.now();
      }(*a, rt, woke, woke_at),
      "a waits");
  rt.advance_by(120ms);
  EXPECT_FALSE(woke) << "nothing happened yet";
  run(b->enqueue({make()}));
  rt.advance_by(100ms);
  EXPECT_TRUE(woke);
  EXPECT_EQ(woke_at, begin + 150ms) << "at the first poll after b's commit";
}

TEST_F(sqlite_job_store_test, OwnCommitsWakeAtOnceAndNothingWakesNoOne) {
  sqlite_job_store::migrate(file);
  auto a = open();
  run(a->enqueue({make()}));
  EXPECT_TRUE(run(a->wait_for_activity(rt.now() + 1min, {}))) << "its own enqueue";
  const steady_time begin = rt.now();
  EXPECT_FALSE(run(a->wait_for_activity(begin + 1s, {})));
  EXPECT_EQ(rt.now(), begin + 1s) << "until the deadline: nobody committed";
}

// ---- failures -----------------------------------------------------------------------------------

TEST_F(sqlite_job_store_test, ACrashInTheMiddleOfATransactionLosesNothingCommitted) {
  sqlite_job_store::migrate(file);
  const pid_t child = ::fork();
  if (child == 0) {
    virtual_runtime child_rt;
    sqlite_store_options o;
    o.name = "doomed";
    sqlite_job_store store{child_rt, file, o};
    child_rt.block_on(store.enqueue(std::vector<new_job>(10, make())));
    const auto claimed = child_rt.block_on(store.claim(request("doomed", 3)));
    child_rt.block_on(store.complete(claimed.at(0).fence(), {}));
    // The process dies inside the completing transaction, after the fenced update and a counter
    // write, before the commit.
    child_rt.block_on(store.complete(claimed.at(1).fence(), [](job_transaction& tx) {
      tx.add_to_counter("effects", 1);
      ::kill(::getpid(), SIGKILL);
    }));
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "status " << status;

  auto store = open();
  const store_stats s = run(store->stats());
  EXPECT_EQ(s.enqueued, 10u);
  EXPECT_EQ(s.count(job_state::available), 7u);
  EXPECT_EQ(s.count(job_state::running), 2u) << "the interrupted completion did not apply";
  EXPECT_EQ(s.count(job_state::succeeded), 1u);
  EXPECT_TRUE(s.counters.empty());
  raw_connection check{file};
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(check.db, "PRAGMA integrity_check", -1, &stmt, nullptr);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "ok");
  sqlite3_finalize(stmt);
  EXPECT_EQ(run(store->enqueue({make()})).size(), 1u) << "no lock was left behind";
}

TEST_F(sqlite_job_store_test, AFullDiskRefusesTheWriteAndKeepsWhatWasCommitted) {
  sqlite_job_store::migrate(file);
  sqlite_store_options capped;
  capped.max_bytes = fs::file_size(file) + 64 * 1024;
  auto store = open("a", capped);
  new_job big = make();
  big.payload = {{"blob", std::string(16 * 1024, 'x')}};
  std::size_t committed = 0;
  std::string message;
  for (int i = 0; i < 100 && message.empty(); ++i) {
    message = message_of<store_unavailable>([&] {
      run(store->enqueue({big}));
      ++committed;
    });
  }
  EXPECT_THAT(message, AllOf(HasSubstr(file.string()), HasSubstr("enqueue"), HasSubstr("full")));
  ASSERT_GT(committed, 0u);
  auto uncapped = open("b");
  EXPECT_EQ(run(uncapped->stats()).enqueued, committed) << "every commit kept, the refused one absent";
  EXPECT_EQ(run(uncapped->list({})).total, committed);
}

TEST_F(sqlite_job_store_test, AFileRemovedUnderTheStoreIsUnavailableNotSilentlyLost) {
  sqlite_job_store::migrate(file);
  auto store = open();
  run(store->enqueue({make()}));
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(file.string() + suffix);
  EXPECT_THAT(message_of<store_unavailable>([&] { run(store->enqueue({make()})); }),
              AllOf(HasSubstr(file.string()), HasSubstr("removed or moved")));
  EXPECT_THROW(run(store->claim(request("a"))), store_unavailable);
}

class sqlite_worker_test : public clockwork::testing::simulation_test {
 protected:
  temp_folder tmp;
  fs::path file = tmp / "jobs.db";
};

TEST_F(sqlite_worker_test, AWorkerWhoseFileVanishesStopsClaimingReportsAndKeepsRunning) {
  sqlite_job_store::migrate(file);
  sqlite_store_options o;
  o.flush_every_commit = false;
  auto store = std::make_shared<sqlite_job_store>(sim.rt(), file, o);
  int runs = 0;
  job_registry registry;
  registry.add("k", [&runs](job_context&) -> task<> {
    ++runs;
    co_return;
  });
  worker_options w;
  w.instance = "w";
  add_job_worker(sim.builder(), store, registry, w);
  new_job later = make();
  later.delay = 10s;
  sim.rt().block_on(store->enqueue({make(), make(), later}));
  sim.start();
  sim.run_for(1s);
  EXPECT_EQ(runs, 2);
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(file.string() + suffix);
  sim.run_for(1min);
  EXPECT_TRUE(sim.logs().contains(spdlog::level::warn, "removed or moved")) << sim.logs().text();
  EXPECT_EQ(runs, 2) << "the job due later was not claimed from a file nobody can open again";
  sim.stop();
  EXPECT_TRUE(sim.result().ok()) << sim.report();
}

}  // namespace
}  // namespace clockwork::jobs
