// The SQLite job store on the real clock:
//
//   jobs_sqlite/store/workers:W   N jobs enqueued (batches of 100), then W store objects — each
//                                 its own connection, as W worker processes would have — claim
//                                 one job at a time and complete it, until none is left;
//   jobs_sqlite/floor/workers:W   the floor: the same writes as bare SQL (the same statements,
//                                 history rows and totals, one BEGIN IMMEDIATE transaction per
//                                 enqueue batch, claim and completion) on W threads with a
//                                 connection each, in the same run, on the same schema and pragmas;
//   jobs_sqlite/due_to_start/same_process
//                                 a worker in the enqueueing process (one store object): jobs due
//                                 every few ms, the delay from each one's due instant to its start
//                                 (p50, p99, max);
//   jobs_sqlite/due_to_start/other_connection
//                                 a worker that hears of new jobs only as another process's
//                                 worker would (a connection of its own, polling every
//                                 change_poll, 25 ms by default): jobs due at the instant they are
//                                 enqueued, the same figures.
//
// The store's figure over the floor's is what the store's machinery costs (coroutines, the
// offload pool, the mutex, reading rows into values). Each repetition works a fresh file in a
// temporary folder; both run with the store's default durability and again with every commit
// flushed to the disk (the _flushed rows).
//
//   build/bench/bench/clockwork-bench-jobs-sqlite --benchmark_repetitions=5
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_common.hpp"
#include "clockwork/hosting/host_builder.hpp"
#include "clockwork/jobs/job_worker.hpp"
#include "clockwork/jobs/sqlite_job_store.hpp"
#include "clockwork/runtime/async_event.hpp"
#include "clockwork/runtime/real_runtime.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
namespace jobs = clockwork::jobs;

int job_count() {
  return clockwork_bench::smoke() ? 40 : 2000;
}
constexpr int batch = 100;

// A fresh migrated file per repetition, removed with its folder afterwards.
class scratch_store {
 public:
  scratch_store() {
    static std::atomic<int> made{0};
    folder_ = fs::temp_directory_path() /
              ("clockwork-bench-jobs-" + std::to_string(::getpid()) + "-" + std::to_string(++made));
    fs::create_directories(folder_);
    jobs::sqlite_job_store::migrate(file());
  }
  ~scratch_store() {
    std::error_code ec;
    fs::remove_all(folder_, ec);
  }
  fs::path file() const { return folder_ / "jobs.db"; }

 private:
  fs::path folder_;
};

// ---- the store ----------------------------------------------------------------------------------

clockwork::task<> enqueue_all(jobs::job_store& store, int count) {
  jobs::new_job j;
  j.kind = "bench";
  j.payload = {{"n", 1}};
  for (int done = 0; done < count; done += batch) {
    co_await store.enqueue(std::vector<jobs::new_job>(static_cast<std::size_t>(std::min(batch, count - done)), j));
  }
}

clockwork::task<> work_until_empty(jobs::job_store& store, std::string instance, int& completed) {
  jobs::claim_request r;
  r.instance = std::move(instance);
  r.queues = {"default"};
  r.kinds = {"bench"};
  r.limit = 1;
  for (;;) {
    const auto claimed = co_await store.claim(r);
    if (claimed.empty()) co_return;
    for (const jobs::job& j : claimed) {
      co_await store.complete(j.fence());
      ++completed;
    }
  }
}

clockwork::task<> run_store(clockwork::real_runtime& rt, std::vector<std::unique_ptr<jobs::sqlite_job_store>>& stores,
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

void bm_store(benchmark::State& state, std::size_t workers, bool flush) {
  jobs::sqlite_store_options store_options;
  store_options.flush_every_commit = flush;
  const int count = job_count();
  for (auto _ : state) {
    state.PauseTiming();
    scratch_store file;
    clockwork::real_runtime_options options;
    options.offload_threads = workers;  // a connection per worker, each call on a thread of the pool
    clockwork::real_runtime rt{options};
    std::vector<std::unique_ptr<jobs::sqlite_job_store>> stores;
    for (std::size_t i = 0; i < workers; ++i) {
      stores.push_back(std::make_unique<jobs::sqlite_job_store>(rt, file.file(), store_options));
    }
    int completed = 0;
    state.ResumeTiming();
    rt.block_on(run_store(rt, stores, count, completed));
    state.PauseTiming();
    stores.clear();
    // (SkipWithError stops the timer; neither Pause nor Resume may follow it.)
    if (completed != count) {
      state.SkipWithError("not every job was completed");
      break;
    }
    state.ResumeTiming();
  }
  state.counters["jobs"] = count;
  state.counters["jobs_per_s"] = benchmark::Counter(count, benchmark::Counter::kIsIterationInvariantRate);
}

// ---- the floor: the same writes, bare SQL ------------------------------------------------------

struct raw {
  raw(const fs::path& file, bool flush_every_commit) {
    if (sqlite3_open(file.c_str(), &db) != SQLITE_OK) throw std::runtime_error("open");
    sqlite3_busy_timeout(db, 60'000);
    exec("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON");
    exec(flush_every_commit ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  }
  ~raw() {
    for (sqlite3_stmt* s : statements) sqlite3_finalize(s);
    sqlite3_close(db);
  }
  void exec(const char* sql) const {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db));
  }
  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sqlite3_errmsg(db));
    }
    statements.push_back(s);
    return s;
  }
  sqlite3* db = nullptr;
  std::vector<sqlite3_stmt*> statements;
};

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void floor_enqueue(const fs::path& file, int count, bool flush) {
  raw c{file, flush};
  sqlite3_stmt* insert = c.prepare(
      "INSERT INTO cw_job (kind, queue, payload, state, priority, max_attempts, scheduled_at, created_at, unique_key) "
      "VALUES ('bench', 'default', '{\"n\":1}', 'available', 0, 10, ?1, ?1, NULL) RETURNING id");
  sqlite3_stmt* history = c.prepare(
      "INSERT INTO cw_job_history (job_id, event, at, epoch, attempt, instance, scheduled, detail) "
      "VALUES (?1, 'enqueued', ?2, 0, 0, '', ?2, '')");
  sqlite3_stmt* total = c.prepare("UPDATE cw_store_total SET value = value + ?1 WHERE name = 'enqueued'");
  for (int done = 0; done < count; done += batch) {
    const int n = std::min(batch, count - done);
    c.exec("BEGIN IMMEDIATE");
    const std::int64_t now = now_us();
    for (int i = 0; i < n; ++i) {
      sqlite3_bind_int64(insert, 1, now);
      sqlite3_step(insert);
      const std::int64_t id = sqlite3_column_int64(insert, 0);
      sqlite3_reset(insert);
      sqlite3_bind_int64(history, 1, id);
      sqlite3_bind_int64(history, 2, now);
      sqlite3_step(history);
      sqlite3_reset(history);
    }
    sqlite3_bind_int64(total, 1, n);
    sqlite3_step(total);
    sqlite3_reset(total);
    c.exec("COMMIT");
  }
}

int floor_work(const fs::path& file, const std::string& instance, bool flush) {
  raw c{file, flush};
  sqlite3_stmt* claim = c.prepare(
      "UPDATE cw_job SET state = 'running', attempt = attempt + 1, epoch = epoch + 1, attempted_at = ?1, "
      "  lease_owner = ?2, lease_expires_at = ?3, heartbeat_at = NULL "
      "WHERE id IN (SELECT id FROM cw_job WHERE state IN ('scheduled', 'available', 'retrying') "
      "  AND scheduled_at <= ?1 AND queue = 'default' AND kind IN (SELECT value FROM json_each('[\"bench\"]')) "
      "  AND attempt < max_attempts AND queue NOT IN (SELECT name FROM cw_queue WHERE paused) "
      "  ORDER BY priority, scheduled_at, id LIMIT 1) "
      "RETURNING id, epoch, attempt");
  sqlite3_stmt* complete = c.prepare(
      "UPDATE cw_job SET state = 'succeeded', finalized_at = ?3, lease_owner = NULL, lease_expires_at = NULL "
      "WHERE id = ?1 AND epoch = ?2 AND state = 'running' RETURNING attempt");
  sqlite3_stmt* history = c.prepare(
      "INSERT INTO cw_job_history (job_id, event, at, epoch, attempt, instance, scheduled, detail) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, '')");
  sqlite3_stmt* total = c.prepare("UPDATE cw_store_total SET value = value + 1 WHERE name = ?1");
  const auto record = [&](std::int64_t id, const char* event, std::int64_t at, std::int64_t epoch,
                          std::int64_t attempt) {
    sqlite3_bind_int64(history, 1, id);
    sqlite3_bind_text(history, 2, event, -1, SQLITE_STATIC);
    sqlite3_bind_int64(history, 3, at);
    sqlite3_bind_int64(history, 4, epoch);
    sqlite3_bind_int64(history, 5, attempt);
    sqlite3_bind_text(history, 6, instance.c_str(), -1, SQLITE_STATIC);
    sqlite3_step(history);
    sqlite3_reset(history);
    sqlite3_bind_text(total, 1, event, -1, SQLITE_STATIC);
    sqlite3_step(total);
    sqlite3_reset(total);
  };
  int completed = 0;
  for (;;) {
    c.exec("BEGIN IMMEDIATE");
    std::int64_t now = now_us();
    sqlite3_bind_int64(claim, 1, now);
    sqlite3_bind_text(claim, 2, instance.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(claim, 3, now + 30'000'000);
    const bool got = sqlite3_step(claim) == SQLITE_ROW;
    std::int64_t id = 0, epoch = 0, attempt = 0;
    if (got) {
      id = sqlite3_column_int64(claim, 0);
      epoch = sqlite3_column_int64(claim, 1);
      attempt = sqlite3_column_int64(claim, 2);
      sqlite3_step(claim);  // to the end of the RETURNING rows
    }
    sqlite3_reset(claim);
    if (got) record(id, "claimed", now, epoch, attempt);
    c.exec("COMMIT");
    if (!got) return completed;
    c.exec("BEGIN IMMEDIATE");
    now = now_us();
    sqlite3_bind_int64(complete, 1, id);
    sqlite3_bind_int64(complete, 2, epoch);
    sqlite3_bind_int64(complete, 3, now);
    const bool applied = sqlite3_step(complete) == SQLITE_ROW;
    sqlite3_reset(complete);
    if (applied) record(id, "succeeded", now, epoch, attempt);
    c.exec("COMMIT");
    completed += applied ? 1 : 0;
  }
}

void bm_floor(benchmark::State& state, int workers, bool flush) {
  const int count = job_count();
  for (auto _ : state) {
    state.PauseTiming();
    scratch_store file;
    state.ResumeTiming();
    floor_enqueue(file.file(), count, flush);
    std::vector<int> completed(static_cast<std::size_t>(workers));
    std::vector<std::thread> threads;
    for (int i = 0; i < workers; ++i) {
      threads.emplace_back(
          [&, i] { completed[static_cast<std::size_t>(i)] = floor_work(file.file(), "w" + std::to_string(i), flush); });
    }
    for (auto& t : threads) t.join();
    state.PauseTiming();
    int total = 0;
    for (const int c : completed) total += c;
    if (total != count) {
      state.SkipWithError("not every job was completed");
      break;
    }
    state.ResumeTiming();
  }
  state.counters["jobs"] = count;
  state.counters["jobs_per_s"] = benchmark::Counter(count, benchmark::Counter::kIsIterationInvariantRate);
}

// ---- due → start --------------------------------------------------------------------------------

struct latency_run {
  std::vector<double> lateness_ms;
  int expected = 0;
  std::unique_ptr<clockwork::async_event> all_started;
};

// The job both cases run: it notes how late it started (its start on the worker's clock minus
// its due instant as the store recorded it; both are the machine's wall clock).
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

// -- a worker in the enqueueing process

clockwork::task<> drive_latency(clockwork::host& app, jobs::job_store& store, clockwork::runtime& rt,
                                latency_run& run) {
  co_await app.start();
  // Jobs due one after another, 5 ms apart, starting 250 ms from now, once the worker's start-up
  // calls (registration, its first claim round and rescue) are behind it: the steady state. The
  // worker must start each at its instant (its timer is armed at the next due instant), not at
  // its next poll.
  const clockwork::utc_time first = rt.clock().utc_now() + 250ms;
  std::vector<jobs::new_job> batch_of_jobs;
  for (int i = 0; i < run.expected; ++i) {
    jobs::new_job j;
    j.kind = "timed";
    j.at = first + i * 5ms;
    batch_of_jobs.push_back(std::move(j));
  }
  co_await store.enqueue(std::move(batch_of_jobs));
  co_await run.all_started->wait();
  co_await app.stop();
}

void bm_due_to_start(benchmark::State& state) {
  const int count = clockwork_bench::smoke() ? 10 : 200;
  std::vector<double> all;
  for (auto _ : state) {
    scratch_store file;
    clockwork::real_runtime rt;
    auto store = std::make_shared<jobs::sqlite_job_store>(rt, file.file());
    latency_run run;
    run.expected = count;
    run.all_started = std::make_unique<clockwork::async_event>(rt, "all started");
    jobs::worker_options o;
    o.instance = "bench";
    clockwork::host_builder builder{rt};
    jobs::add_job_worker(builder, store, timed_jobs(run), o);
    clockwork::host app = builder.build();
    rt.block_on(drive_latency(app, *store, rt, run));
    all.insert(all.end(), run.lateness_ms.begin(), run.lateness_ms.end());
  }
  report_lateness(state, all, "jobs_sqlite_due_to_start_same_process_ms.txt", count);
}

// -- a worker that hears of jobs as another process's worker does
//
// A store object wakes its worker at once for its OWN commits only (an event of that object);
// everything it learns of any other connection's commits — another object in this process or
// another process, SQLite does not tell them apart — it learns from `PRAGMA data_version`, read
// every change_poll (sqlite_job_store.hpp). So the enqueuer here is a second store object with a
// connection of its own, driven by a runtime of its own on a thread of its own (nothing of its
// loop or offload pool is shared with the worker's): the worker can only see its jobs the way it
// would see another process's. What a second process would add — its own address space, locks
// taken from the kernel rather than within the process — is not on this path: the worker still
// learns of a commit only from data_version. A forked child would not do: fork() copies one
// thread of a process that has several.
//
// The jobs are due the instant they are enqueued (nothing to arm a timer for): each start waits
// for the worker's next look at data_version, so this is the worst case. A job enqueued with a
// due instant more than change_poll ahead starts on its instant, as in the same-process case.

constexpr auto other_connection_spacing = 7ms;  // not a divisor of the 25 ms poll: every phase is hit

void enqueue_from_another_connection(const fs::path& file, int count, std::exception_ptr& failed) {
  try {
    clockwork::real_runtime rt;
    jobs::sqlite_job_store store{rt, file};
    rt.block_on([](jobs::job_store& s, clockwork::runtime& r, int n) -> clockwork::task<> {
      jobs::new_job j;
      j.kind = "timed";  // no instant: due now (the store's now at the enqueue)
      for (int i = 0; i < n; ++i) {
        std::vector<jobs::new_job> one(1, j);  // (GCC 12 rejects a braced list inside co_await)
        co_await s.enqueue(std::move(one));
        co_await r.delay(other_connection_spacing);
      }
    }(store, rt, count));
  } catch (...) {
    failed = std::current_exception();
  }
}

clockwork::task<> drive_other_connection(clockwork::host& app, latency_run& run, fs::path file, std::jthread& enqueuer,
                                         std::exception_ptr& enqueue_failed, bool& timed_out) {
  co_await app.start();
  enqueuer = std::jthread(
      [file, &enqueue_failed, count = run.expected] { enqueue_from_another_connection(file, count, enqueue_failed); });
  // A generous deadline, so that a job never seen ends the case with an error rather than a hang.
  const bool all_started = co_await run.all_started->wait_for(run.expected * other_connection_spacing + 30s);
  timed_out = !all_started;
  co_await app.stop();
}

void bm_due_to_start_other_connection(benchmark::State& state) {
  const int count = clockwork_bench::smoke() ? 10 : 200;
  std::vector<double> all;
  for (auto _ : state) {
    scratch_store file;
    clockwork::real_runtime rt;
    auto store = std::make_shared<jobs::sqlite_job_store>(rt, file.file());  // change_poll: the default
    latency_run run;
    run.expected = count;
    run.all_started = std::make_unique<clockwork::async_event>(rt, "all started");
    jobs::worker_options o;  // poll_interval: the default
    o.instance = "bench";
    clockwork::host_builder builder{rt};
    jobs::add_job_worker(builder, store, timed_jobs(run), o);
    clockwork::host app = builder.build();
    std::exception_ptr enqueue_failed;
    bool timed_out = false;
    {
      std::jthread enqueuer;
      rt.block_on(drive_other_connection(app, run, file.file(), enqueuer, enqueue_failed, timed_out));
    }  // joined: the enqueuer has finished with the file
    if (enqueue_failed) {
      try {
        std::rethrow_exception(enqueue_failed);
      } catch (const std::exception& e) {
        state.SkipWithError((std::string("the enqueuer failed: ") + e.what()).c_str());
      }
      return;
    }
    if (timed_out) {
      state.SkipWithError("the worker did not start every job within the deadline");
      return;
    }
    all.insert(all.end(), run.lateness_ms.begin(), run.lateness_ms.end());
  }
  report_lateness(state, all, "jobs_sqlite_due_to_start_other_connection_ms.txt", count);
  // The interval the figures are held to (the store's default, which this case runs with).
  state.counters["change_poll_ms"] = static_cast<double>(jobs::sqlite_store_options{}.change_poll.count());
}

void register_all() {
  // The store's default (synchronous NORMAL: a crash loses nothing, a power cut may lose the last
  // commits), and with every commit flushed to the disk (flush_every_commit).
  for (const bool flush : {false, true}) {
    const std::string mode = flush ? "_flushed" : "";
    for (const int workers : {1, 4}) {
      const std::string suffix = mode + "/workers:" + std::to_string(workers);
      clockwork_bench::with_spread(
          benchmark::RegisterBenchmark(("jobs_sqlite/floor" + suffix).c_str(),
                                       [=](benchmark::State& state) { bm_floor(state, workers, flush); })
              ->UseRealTime()
              ->Unit(benchmark::kMillisecond));
      clockwork_bench::with_spread(
          benchmark::RegisterBenchmark(
              ("jobs_sqlite/store" + suffix).c_str(),
              [=](benchmark::State& state) { bm_store(state, static_cast<std::size_t>(workers), flush); })
              ->UseRealTime()
              ->Unit(benchmark::kMillisecond));
    }
  }
  clockwork_bench::with_spread(benchmark::RegisterBenchmark("jobs_sqlite/due_to_start/same_process", bm_due_to_start)
                                   ->Iterations(1)
                                   ->UseRealTime()
                                   ->Unit(benchmark::kMillisecond));
  clockwork_bench::with_spread(
      benchmark::RegisterBenchmark("jobs_sqlite/due_to_start/other_connection", bm_due_to_start_other_connection)
          ->Iterations(1)
          ->UseRealTime()
          ->Unit(benchmark::kMillisecond));
}

}  // namespace

int main(int argc, char** argv) {
  return clockwork_bench::run_main(argc, argv, register_all);
}
