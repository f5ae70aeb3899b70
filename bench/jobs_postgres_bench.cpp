// The PostgreSQL job store on the real clock, against a cluster of tools/pg-cluster.sh:
//
//   jobs_postgres/store/concurrency:C
//                                 N jobs enqueued (batches of 100), then C store objects — each
//                                 its own connection, as C worker processes would have — claim
//                                 one job at a time and complete it, until none is left;
//   jobs_postgres/floor/concurrency:C
//                                 the floor: the store's own steps (pg_tables: the same
//                                 statements in the same transactions, each after a read of the
//                                 database's clock, as the store takes its instants) called
//                                 directly and synchronously on C threads with a connection each:
//                                 exactly what the store sends, without its machinery;
//   jobs_postgres/through_pgbouncer/store/concurrency:4, jobs_postgres/through_pgbouncer/floor/concurrency:4
//                                 the same two through PgBouncer in transaction pooling;
//   jobs_postgres/store/processes:4, jobs_postgres/floor/processes:4
//                                 the same two with the workers in 4 processes of their own
//                                 (this program, started again as a worker);
//   jobs_postgres/due_to_start/notify
//                                 a worker on a store object of its own that LISTENs (the
//                                 default), and another connection that enqueues jobs due at the
//                                 instant they are enqueued, 7 ms apart: the delay from each one's
//                                 due instant to its start (p50, p99, max);
//   jobs_postgres/due_to_start/polling
//                                 the same with a worker that does not listen: it hears of
//                                 another connection's commits only from its look at the newest
//                                 history row, every change_poll (25 ms by default).
//
// The store's figure over the floor's is what the store's machinery costs (coroutines, the
// offload pool, the mutex). Each repetition works a fresh database (created, migrated, dropped
// afterwards). Every commit waits for the disk only on a cluster started with
// CLOCKWORK_PG_FSYNC=on (as tools/bench.sh starts it; the tests' cluster runs without fsync):
// the server's setting is in the output's context (clockwork.pg_fsync).
//
// The cluster's addresses come from the file CLOCKWORK_PG_ENV names (tools/pg-cluster.sh start
// writes it). Without it, or with a CLOCKWORK_PG_SKIP line in it, every case is skipped with the
// reason (SkipWithError: an error row; the program still exits 0).
//
//   CLOCKWORK_PG_FSYNC=on tools/pg-cluster.sh start /tmp/pg
//   CLOCKWORK_PG_ENV=/tmp/pg/env build/bench/bench/clockwork-bench-jobs-postgres --benchmark_repetitions=5
//   tools/pg-cluster.sh stop /tmp/pg
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_common.hpp"
#include "clockwork/hosting/host_builder.hpp"
#include "clockwork/jobs/job_worker.hpp"
#include "clockwork/jobs/postgres_job_store.hpp"
#include "clockwork/runtime/async_event.hpp"
#include "clockwork/runtime/real_runtime.hpp"
#include "pg_handle.hpp"
#include "pg_tables.hpp"

namespace {

using namespace std::chrono_literals;
namespace jobs = clockwork::jobs;
namespace pg = clockwork::jobs::detail::pg;

int job_count() {
  return clockwork_bench::smoke() ? 40 : 2000;
}
constexpr int batch = 100;

// ---- the cluster --------------------------------------------------------------------------------

// Its two addresses, read from the file CLOCKWORK_PG_ENV names (lines of NAME='VALUE'), or why
// there is none.
struct cluster {
  std::string skip;    // not empty: why every case is skipped
  std::string direct;  // libpq URI straight to the server
  std::string pooled;  // the same through PgBouncer

  static const cluster& get() {
    static const cluster c = read();
    return c;
  }

 private:
  static cluster read() {
    cluster c;
    const char* file = std::getenv("CLOCKWORK_PG_ENV");
    if (file == nullptr || *file == '\0') {
      c.skip = "CLOCKWORK_PG_ENV is not set: start a cluster with tools/pg-cluster.sh and name its env file";
      return c;
    }
    std::ifstream in(file);
    if (!in) {
      c.skip = std::string(file) + " (CLOCKWORK_PG_ENV) is missing: no cluster was started";
      return c;
    }
    std::map<std::string, std::string> env;
    for (std::string line; std::getline(in, line);) {
      const auto eq = line.find('=');
      if (eq == std::string::npos) continue;
      std::string value = line.substr(eq + 1);
      if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') value = value.substr(1, value.size() - 2);
      env[line.substr(0, eq)] = value;
    }
    if (env.contains("CLOCKWORK_PG_SKIP")) {
      c.skip = env["CLOCKWORK_PG_SKIP"];
      return c;
    }
    if (!env.contains("CLOCKWORK_PG_DIRECT") || !env.contains("CLOCKWORK_PG_POOLED")) {
      c.skip = std::string(file) + " names no CLOCKWORK_PG_DIRECT and CLOCKWORK_PG_POOLED";
      return c;
    }
    c.direct = env["CLOCKWORK_PG_DIRECT"];
    c.pooled = env["CLOCKWORK_PG_POOLED"];
    return c;
  }
};

// A fresh migrated database per repetition, dropped afterwards.
class scratch_database {
 public:
  explicit scratch_database(const cluster& c) : admin_(c.direct) {
    static std::atomic<int> made{0};
    name_ = "cw_bench_" + std::to_string(::getpid()) + "_" + std::to_string(++made);
    pg::connection admin{admin_};
    admin.exec(("CREATE DATABASE " + name_).c_str(), "a benchmark");
    direct_ = with_name(c.direct);
    pooled_ = with_name(c.pooled);
    try {
      jobs::postgres_job_store::migrate(direct_);
    } catch (...) {
      drop();
      throw;
    }
  }
  ~scratch_database() { drop(); }
  scratch_database(const scratch_database&) = delete;
  scratch_database& operator=(const scratch_database&) = delete;

  const std::string& direct() const { return direct_; }
  const std::string& pooled() const { return pooled_; }

 private:
  // The cluster's address with this database's name in place of its own.
  std::string with_name(const std::string& uri) const {
    const auto name_at = uri.find("///") + 3;
    return uri.substr(0, name_at) + name_ + uri.substr(uri.find('?'));
  }
  void drop() noexcept {
    try {
      // FORCE: PgBouncer may still hold server connections to it.
      pg::connection admin{admin_};
      admin.exec(("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)").c_str(), "a benchmark");
    } catch (...) {
      // The cluster goes with its folder: a database left behind costs nothing more.
    }
  }

  std::string admin_;
  std::string name_;
  std::string direct_;
  std::string pooled_;
};

// ---- the store ----------------------------------------------------------------------------------

jobs::new_job bench_job() {
  jobs::new_job j;
  j.kind = "bench";
  j.payload = {{"n", 1}};
  return j;
}

jobs::claim_request bench_claim(std::string instance) {
  jobs::claim_request r;
  r.instance = std::move(instance);
  r.queues = {"default"};
  r.kinds = {"bench"};
  r.limit = 1;
  return r;
}

clockwork::task<> enqueue_all(jobs::job_store& store, int count) {
  const jobs::new_job j = bench_job();
  for (int done = 0; done < count; done += batch) {
    co_await store.enqueue(std::vector<jobs::new_job>(static_cast<std::size_t>(std::min(batch, count - done)), j));
  }
}

clockwork::task<> work_until_empty(jobs::job_store& store, std::string instance, int& completed) {
  const jobs::claim_request r = bench_claim(std::move(instance));
  for (;;) {
    const auto claimed = co_await store.claim(r);
    if (claimed.empty()) co_return;
    for (const jobs::job& j : claimed) {
      if (co_await store.complete(j.fence()) == jobs::write_outcome::applied) ++completed;
    }
  }
}

clockwork::task<> run_store(clockwork::real_runtime& rt, std::vector<std::unique_ptr<jobs::postgres_job_store>>& stores,
                            int count, int& completed) {
  co_await enqueue_all(*stores.front(), count);
  clockwork::async_event all_done{rt, "workers done"};
  int running = static_cast<int>(stores.size());
  for (std::size_t i = 0; i < stores.size(); ++i) {
    rt.spawn(
        [](jobs::job_store& s, std::string name, int& done, int& left,
           clockwork::async_event& ended) -> clockwork::task<> {
          co_await work_until_empty(s, std::move(name), done);
          if (--left == 0) ended.set();
        }(*stores[i], "w" + std::to_string(i), completed, running, all_done),
        "worker");
  }
  co_await all_done.wait();
}

void bm_store(benchmark::State& state, std::size_t workers, bool pooled) {
  const cluster& c = cluster::get();
  if (!c.skip.empty()) {
    state.SkipWithError(c.skip.c_str());
    return;
  }
  jobs::postgres_store_options store_options;  // the database's clock
  store_options.listen = false;                // nothing here waits for activity
  const int count = job_count();
  for (auto _ : state) {
    state.PauseTiming();
    std::string failed;
    try {
      scratch_database db{c};
      clockwork::real_runtime_options options;
      options.offload_threads = workers;  // a connection per worker, each call on a thread of the pool
      clockwork::real_runtime rt{options};
      std::vector<std::unique_ptr<jobs::postgres_job_store>> stores;
      for (std::size_t i = 0; i < workers; ++i) {
        stores.push_back(
            std::make_unique<jobs::postgres_job_store>(rt, pooled ? db.pooled() : db.direct(), store_options));
      }
      int completed = 0;
      state.ResumeTiming();
      rt.block_on(run_store(rt, stores, count, completed));
      state.PauseTiming();
      if (completed != count) failed = "not every job was completed";
      stores.clear();
    } catch (const std::exception& e) {
      failed = e.what();
    }
    // (SkipWithError stops the timer if it runs; neither Pause nor Resume may follow it.)
    if (!failed.empty()) {
      state.SkipWithError(failed.c_str());
      break;
    }
    state.ResumeTiming();
  }
  state.counters["jobs"] = count;
  state.counters["jobs_per_s"] = benchmark::Counter(count, benchmark::Counter::kIsIterationInvariantRate);
}

// ---- the floor: the store's steps, called directly ---------------------------------------------
//
// pg_tables is what the store runs on its offload pool under its mutex: one transaction per
// call, at an instant read from the database's clock just before (database_now(), as the store
// does with postgres_clock::database). Here each thread calls it on a connection of its own.

void floor_enqueue(jobs::detail::pg_tables& t, int count) {
  const jobs::new_job j = bench_job();
  for (int done = 0; done < count; done += batch) {
    const std::vector<jobs::new_job> some(static_cast<std::size_t>(std::min(batch, count - done)), j);
    bool woke = false;
    t.enqueue(some, t.database_now(), "", woke);
  }
}

int floor_work(jobs::detail::pg_tables& t, const std::string& instance) {
  const jobs::claim_request r = bench_claim(instance);
  int completed = 0;
  for (;;) {
    const auto claimed = t.claim(r, t.database_now());
    if (claimed.empty()) return completed;
    for (const jobs::job& j : claimed) {
      if (t.complete(j.fence(), {}, t.database_now(), "") == jobs::write_outcome::applied) ++completed;
    }
  }
}

void bm_floor(benchmark::State& state, int workers, bool pooled) {
  const cluster& c = cluster::get();
  if (!c.skip.empty()) {
    state.SkipWithError(c.skip.c_str());
    return;
  }
  const int count = job_count();
  for (auto _ : state) {
    state.PauseTiming();
    std::string failed;
    try {
      scratch_database db{c};
      // Connected before the clock runs, as the store objects are.
      std::vector<std::unique_ptr<jobs::detail::pg_tables>> tables;
      for (int i = 0; i < workers; ++i) {
        tables.push_back(std::make_unique<jobs::detail::pg_tables>(
            std::make_unique<pg::connection>(pooled ? db.pooled() : db.direct())));
      }
      state.ResumeTiming();
      floor_enqueue(*tables.front(), count);
      std::vector<int> completed(static_cast<std::size_t>(workers));
      std::vector<std::exception_ptr> errors(static_cast<std::size_t>(workers));
      std::vector<std::thread> threads;
      for (int i = 0; i < workers; ++i) {
        threads.emplace_back([&, i] {
          const auto at = static_cast<std::size_t>(i);
          try {
            completed[at] = floor_work(*tables[at], "w" + std::to_string(i));
          } catch (...) {
            errors[at] = std::current_exception();
          }
        });
      }
      for (auto& t : threads) t.join();
      state.PauseTiming();
      for (const std::exception_ptr& e : errors) {
        if (e) std::rethrow_exception(e);
      }
      int total = 0;
      for (const int done : completed) total += done;
      if (total != count) failed = "not every job was completed";
      tables.clear();
    } catch (const std::exception& e) {
      failed = e.what();
    }
    if (!failed.empty()) {
      state.SkipWithError(failed.c_str());
      break;
    }
    state.ResumeTiming();
  }
  state.counters["jobs"] = count;
  state.counters["jobs_per_s"] = benchmark::Counter(count, benchmark::Counter::kIsIterationInvariantRate);
}

// ---- several processes ----------------------------------------------------------------------------
//
// jobs_postgres/{floor,store}/processes:4: the work of the rows above split over 4 processes, as
// 4 instances of a service would split it: this program started again in a worker role
// (`--work-child floor|store ADDRESS NAME`), one connection each (a store object on a runtime of
// its own, or the floor's pg_tables). Each child connects, says it is ready, waits for the word,
// works until no job is left and prints how many it completed. The clock runs from the enqueue
// (in this process, as in the rows above) to the last child's report: starting the processes
// and connecting are outside it, as they are for the threads above.

constexpr const char* child_flag = "--work-child";

// In the child: tell the parent it is connected, and wait for the word to start.
void ready_and_wait() {
  const char ready = 'r';
  char go = 0;
  if (::write(STDOUT_FILENO, &ready, 1) != 1 || ::read(STDIN_FILENO, &go, 1) != 1) {
    throw std::runtime_error("the benchmark process went away");
  }
}

int child_main(const std::string& role, const std::string& address, const std::string& name) {
  try {
    int completed = 0;
    if (role == "floor") {
      jobs::detail::pg_tables tables{std::make_unique<pg::connection>(address)};
      ready_and_wait();
      completed = floor_work(tables, name);
    } else {
      clockwork::real_runtime_options options;
      options.offload_threads = 1;
      clockwork::real_runtime rt{options};
      jobs::postgres_store_options store_options;
      store_options.listen = false;  // nothing here waits for activity
      jobs::postgres_job_store store{rt, address, store_options};
      ready_and_wait();
      rt.block_on(work_until_empty(store, name, completed));
    }
    const std::string line = std::to_string(completed) + "\n";
    return ::write(STDOUT_FILENO, line.data(), line.size()) == static_cast<ssize_t>(line.size()) ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "benchmark worker %s: %s\n", name.c_str(), e.what());
    return 1;
  }
}

struct child_process {
  pid_t pid = -1;
  int to = -1;    // its standard input
  int from = -1;  // its standard output
};

child_process start_child(const std::string& role, const std::string& address, const std::string& name) {
  int to[2];
  int from[2];
  // Close-on-exec: a child holds only its own pipes, so each one's end of output is its own.
  if (::pipe2(to, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  if (::pipe2(from, O_CLOEXEC) != 0) {
    ::close(to[0]);
    ::close(to[1]);
    throw std::runtime_error("pipe failed");
  }
  std::vector<std::string> words{"/proc/self/exe", child_flag, role, address, name};
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {  // only async-signal-safe calls until exec
    ::dup2(to[0], STDIN_FILENO);
    ::dup2(from[1], STDOUT_FILENO);
    ::execv("/proc/self/exe", argv.data());
    ::_exit(127);
  }
  ::close(to[0]);
  ::close(from[1]);
  if (pid < 0) {
    ::close(to[1]);
    ::close(from[0]);
    throw std::runtime_error("fork failed");
  }
  return {pid, to[1], from[0]};
}

// Everything the child writes until it closes its output.
std::string read_until_closed(int fd) {
  std::string out;
  char buffer[256];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      out.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      return out;
    }
  }
}

void stop_children(std::vector<child_process>& children) {
  for (child_process& c : children) {
    if (c.to >= 0) ::close(c.to);
    if (c.from >= 0) ::close(c.from);
    if (c.pid > 0) {
      ::kill(c.pid, SIGKILL);
      ::waitpid(c.pid, nullptr, 0);
    }
  }
  children.clear();
}

void bm_processes(benchmark::State& state, int processes, bool use_store) {
  const cluster& c = cluster::get();
  if (!c.skip.empty()) {
    state.SkipWithError(c.skip.c_str());
    return;
  }
  const int count = job_count();
  for (auto _ : state) {
    state.PauseTiming();
    std::string failed;
    std::vector<child_process> children;
    try {
      scratch_database db{c};
      for (int i = 0; i < processes; ++i) {
        children.push_back(start_child(use_store ? "store" : "floor", db.direct(), "p" + std::to_string(i)));
      }
      for (const child_process& child : children) {
        char ready = 0;
        if (::read(child.from, &ready, 1) != 1 || ready != 'r') {
          throw std::runtime_error("a worker process did not start (its error is above)");
        }
      }
      // The enqueuer, connected before the clock runs.
      clockwork::real_runtime rt;
      jobs::postgres_store_options store_options;
      store_options.listen = false;
      std::unique_ptr<jobs::postgres_job_store> store;
      std::unique_ptr<jobs::detail::pg_tables> tables;
      if (use_store) {
        store = std::make_unique<jobs::postgres_job_store>(rt, db.direct(), store_options);
      } else {
        tables = std::make_unique<jobs::detail::pg_tables>(std::make_unique<pg::connection>(db.direct()));
      }
      state.ResumeTiming();
      if (use_store) {
        rt.block_on(enqueue_all(*store, count));
      } else {
        floor_enqueue(*tables, count);
      }
      const char go = 'g';
      for (const child_process& child : children) {
        if (::write(child.to, &go, 1) != 1) throw std::runtime_error("a worker process went away");
      }
      int total = 0;
      for (const child_process& child : children) {
        const std::string report = read_until_closed(child.from);
        total += report.empty() ? 0 : std::atoi(report.c_str());
      }
      state.PauseTiming();
      for (child_process& child : children) {
        int status = 0;
        ::waitpid(child.pid, &status, 0);
        child.pid = -1;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) failed = "a worker process failed (its error is above)";
      }
      if (failed.empty() && total != count) failed = "not every job was completed";
      store.reset();
      tables.reset();
    } catch (const std::exception& e) {
      failed = e.what();
    }
    stop_children(children);
    if (!failed.empty()) {
      state.SkipWithError(failed.c_str());
      break;
    }
    state.ResumeTiming();
  }
  state.counters["jobs"] = count;
  state.counters["jobs_per_s"] = benchmark::Counter(count, benchmark::Counter::kIsIterationInvariantRate);
}

// ---- due → start --------------------------------------------------------------------------------
//
// As jobs_sqlite/due_to_start/other_connection: the enqueuer is a second store object with a
// connection of its own (not listening), driven by a runtime of its own on a thread of its own,
// so the worker can only learn of its jobs the way it would learn of another process's:
//   notify   from the notification the schema's trigger sends at the enqueue's commit (cw_job_work),
//            heard by the worker's store on its listening connection; measured only once the
//            listener is known to work (its ping came back: listener_status().listening);
//   polling  from its look at the newest history row, every change_poll (25 ms by default).
// The jobs are due the instant they are enqueued (the database's clock, read just before the
// enqueue's transaction, so each delay includes that transaction's commit): nothing to arm a
// timer for, so a start waits for whatever makes the worker claim next — the wake-up, or the
// claim a worker makes as soon as one of its jobs ends. When a claim and a completion take about
// as long as the spacing (commits that wait for the disk), that claim often finds the next job
// first, and the two cases come closer than their wake-ups are. A job due more than change_poll
// ahead starts on its instant either way (the worker's timer).

constexpr auto enqueue_spacing = 7ms;  // not a divisor of the 25 ms poll: every phase is hit

struct latency_run {
  std::vector<double> lateness_ms;
  int expected = 0;
  std::unique_ptr<clockwork::async_event> all_started;
};

// The job: it notes how late it started (its start on the worker's clock minus its due instant
// as the store recorded it, on the database's clock; both are this machine's wall clock).
jobs::job_registry timed_jobs(latency_run& run) {
  jobs::job_registry registry;
  registry.add("timed", [&run](jobs::job_context& job) -> clockwork::task<> {
    const auto late = job.rt().clock().utc_now() - job.row().scheduled_at;
    run.lateness_ms.push_back(std::chrono::duration<double, std::milli>(late).count());
    if (static_cast<int>(run.lateness_ms.size()) == run.expected) run.all_started->set();
    co_return;
  });
  return registry;
}

void report_lateness(benchmark::State& state, std::vector<double>& all, const std::string& dump_file, int count) {
  std::sort(all.begin(), all.end());
  clockwork_bench::dump_values(dump_file, all);
  state.counters["jobs"] = count;
  state.counters["p50_ms"] = clockwork_bench::percentile(all, 50);
  state.counters["p99_ms"] = clockwork_bench::percentile(all, 99);
  state.counters["max_ms"] = all.empty() ? 0.0 : all.back();
}

void enqueue_from_another_connection(const std::string& address, int count, std::exception_ptr& failed) {
  try {
    clockwork::real_runtime rt;
    jobs::postgres_store_options o;
    o.name = "enqueuer";
    o.listen = false;
    jobs::postgres_job_store store{rt, address, o};
    rt.block_on([](jobs::job_store& s, clockwork::runtime& r, int n) -> clockwork::task<> {
      jobs::new_job j;
      j.kind = "timed";  // no instant: due now (the store's now at the enqueue)
      for (int i = 0; i < n; ++i) {
        std::vector<jobs::new_job> one(1, j);  // (GCC 12 rejects a braced list inside co_await)
        co_await s.enqueue(std::move(one));
        co_await r.delay(enqueue_spacing);
      }
    }(store, rt, count));
  } catch (...) {
    failed = std::current_exception();
  }
}

struct due_outcome {
  bool never_listening = false;
  bool timed_out = false;
};

clockwork::task<> drive_due_to_start(clockwork::host& app, jobs::postgres_job_store& store, clockwork::runtime& rt,
                                     latency_run& run, std::string address, bool listen, std::jthread& enqueuer,
                                     std::exception_ptr& enqueue_failed, due_outcome& outcome) {
  co_await app.start();
  // The worker's start-up calls (registration, its first claim round, and when listening the
  // subscription and the first ping) behind it: the steady state.
  const clockwork::steady_time settled = rt.now() + (listen ? 30s : 250ms);
  while (rt.now() < settled && (!listen || !store.listener_status().listening)) co_await rt.delay(10ms);
  if (listen && !store.listener_status().listening) {
    outcome.never_listening = true;
    co_await app.stop();
    co_return;
  }
  enqueuer = std::jthread([address = std::move(address), &enqueue_failed, count = run.expected] {
    enqueue_from_another_connection(address, count, enqueue_failed);
  });
  // A generous deadline, so that a job never seen ends the case with an error rather than a hang.
  const bool all_started = co_await run.all_started->wait_for(run.expected * enqueue_spacing + 30s);
  outcome.timed_out = !all_started;
  co_await app.stop();
}

void bm_due_to_start(benchmark::State& state, bool listen) {
  const cluster& c = cluster::get();
  if (!c.skip.empty()) {
    state.SkipWithError(c.skip.c_str());
    return;
  }
  const int count = clockwork_bench::smoke() ? 10 : 200;
  std::vector<double> all;
  for (auto _ : state) {
    std::string failed;
    try {
      scratch_database db{c};
      clockwork::real_runtime rt;
      jobs::postgres_store_options store_options;  // change_poll: the default
      store_options.name = "worker";
      store_options.listen = listen;
      auto store = std::make_shared<jobs::postgres_job_store>(rt, db.direct(), store_options);
      latency_run run;
      run.expected = count;
      run.all_started = std::make_unique<clockwork::async_event>(rt, "all started");
      jobs::worker_options o;  // poll_interval: the default
      o.instance = "bench";
      clockwork::host_builder builder{rt};
      jobs::add_job_worker(builder, store, timed_jobs(run), o);
      clockwork::host app = builder.build();
      std::exception_ptr enqueue_failed;
      due_outcome outcome;
      {
        std::jthread enqueuer;
        rt.block_on(drive_due_to_start(app, *store, rt, run, db.direct(), listen, enqueuer, enqueue_failed, outcome));
      }  // joined: the enqueuer has finished with the database
      if (enqueue_failed) {
        try {
          std::rethrow_exception(enqueue_failed);
        } catch (const std::exception& e) {
          failed = std::string("the enqueuer failed: ") + e.what();
        }
      } else if (outcome.never_listening) {
        failed = "the worker's store never heard its listener's ping back within 30 s: not listening";
      } else if (outcome.timed_out) {
        failed = "the worker did not start every job within the deadline";
      } else {
        all.insert(all.end(), run.lateness_ms.begin(), run.lateness_ms.end());
      }
    } catch (const std::exception& e) {
      failed = e.what();
    }
    if (!failed.empty()) {
      state.SkipWithError(failed.c_str());
      return;
    }
  }
  report_lateness(state, all,
                  listen ? "jobs_postgres_due_to_start_notify_ms.txt" : "jobs_postgres_due_to_start_polling_ms.txt",
                  count);
  // The interval the polling figures are held to (the store's default, which this case runs with).
  if (!listen) {
    state.counters["change_poll_ms"] = static_cast<double>(jobs::postgres_store_options{}.change_poll.count());
  }
}

void register_all() {
  // Whether the server flushes commits to the disk: the figures mean different things either way.
  if (const cluster& c = cluster::get(); c.skip.empty()) {
    try {
      pg::connection db{c.direct};
      benchmark::AddCustomContext("clockwork.pg_fsync", db.exec("SHOW fsync", "a benchmark").text(0, 0));
    } catch (const std::exception&) {
      // Unreachable: every case says so.
    }
  }
  // Straight to the server with 1, 4 and 16 workers; through PgBouncer with 4.
  struct shape {
    bool pooled;
    int workers;
  };
  for (const shape s : {shape{false, 1}, shape{false, 4}, shape{false, 16}, shape{true, 4}}) {
    const std::string prefix = s.pooled ? "jobs_postgres/through_pgbouncer" : "jobs_postgres";
    const std::string suffix = "/concurrency:" + std::to_string(s.workers);
    clockwork_bench::with_spread(
        benchmark::RegisterBenchmark((prefix + "/floor" + suffix).c_str(),
                                     [=](benchmark::State& state) { bm_floor(state, s.workers, s.pooled); })
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond));
    clockwork_bench::with_spread(
        benchmark::RegisterBenchmark(
            (prefix + "/store" + suffix).c_str(),
            [=](benchmark::State& state) { bm_store(state, static_cast<std::size_t>(s.workers), s.pooled); })
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond));
  }
  // Four processes, straight to the server.
  for (const bool use_store : {false, true}) {
    clockwork_bench::with_spread(
        benchmark::RegisterBenchmark(use_store ? "jobs_postgres/store/processes:4" : "jobs_postgres/floor/processes:4",
                                     [=](benchmark::State& state) { bm_processes(state, 4, use_store); })
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond));
  }
  for (const bool listen : {true, false}) {
    clockwork_bench::with_spread(
        benchmark::RegisterBenchmark(
            listen ? "jobs_postgres/due_to_start/notify" : "jobs_postgres/due_to_start/polling",
            [=](benchmark::State& state) { bm_due_to_start(state, listen); })
            ->Iterations(1)
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 5 && std::string(argv[1]) == child_flag) return child_main(argv[2], argv[3], argv[4]);
  return clockwork_bench::run_main(argc, argv, register_all);
}
