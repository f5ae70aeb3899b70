// clockwork::jobs::sqlite_job_store — the embedded job store: one SQLite file that the processes
// of one machine share (WAL mode), safe under kill -9 at any instant. The job_store contract
// (job_store.hpp) holds across every connection to the file: two processes never claim one job,
// a stale worker's writes are refused by epoch, a rescue cannot undo a completion.
//
// How it keeps the contract:
//   - every write is one `BEGIN IMMEDIATE` transaction (it takes the file's write lock first, so
//     nothing it read can change before it writes);
//   - a claim is ONE `UPDATE … WHERE id IN (SELECT … ORDER BY priority, scheduled_at, id
//     LIMIT n) RETURNING …` — never a read and then a write, which is how SQLite queues end up
//     running one job in two processes;
//   - every worker write is fenced: `… WHERE id = ? AND epoch = ? AND state = 'running'`, and a
//     write that finds nothing tells "already applied by this fence" (answered `applied`) from a
//     stale fence (`lease_lost`, counted and kept in the job's history) and a missing job;
//   - a rescue is one conditional `UPDATE … WHERE state = 'running' AND lease_expires_at < now
//     … RETURNING`: a job completed or renewed first no longer matches it;
//   - SQL is always parameterised; instants are INTEGER microseconds since 1970-01-01 UTC.
//
// Time is the store's: for SQLite that is the host's clock, read from the runtime the store was
// given (rt.clock().stamp_utc()), so that the conformance suite runs it in virtual time with
// exact instants. The instant is read when a call starts, before it waits for the write lock; a
// call that had to wait decides with a slightly older now, which only shortens a lease or delays
// a rescue, never the reverse.
//
// Example — production and test side by side:
//
//   // once, at deployment (or `clockwork-jobs migrate --store sqlite:/var/lib/app/jobs.db`):
//   clockwork::jobs::sqlite_job_store::migrate("/var/lib/app/jobs.db");
//   // production: a real runtime, the file shared with the other processes of the machine
//   clockwork::real_runtime rt;
//   auto store = std::make_shared<clockwork::jobs::sqlite_job_store>(rt, "/var/lib/app/jobs.db");
//   clockwork::jobs::add_job_worker(builder, store, registry, options);
//   // test: the same store on virtual time, a temporary file; instants are exact
//   clockwork::virtual_runtime vrt;
//   clockwork::jobs::sqlite_job_store::migrate(tmp / "jobs.db");
//   auto store = std::make_shared<clockwork::jobs::sqlite_job_store>(vrt, tmp / "jobs.db");
//
// Opening. The constructor opens the file and checks its schema on the calling thread (do it
// before the loop runs, as a host is built): a missing folder, a file or folder that cannot be
// written, a file that is not a database or one locked past the busy timeout throws
// store_unavailable naming the path and the reason; a missing, older or newer schema throws
// schema_mismatch naming both versions (and `clockwork-jobs migrate` for a missing or older
// one). migrate() creates a missing file and upgrades an older schema in one transaction.
//
// Errors while running: a disk that is full (or the size limit reached), a file removed or moved
// under the store, a lock held past the busy timeout, an I/O error — store_unavailable, nothing
// applied; an error at COMMIT — commit_unknown. A worker stops claiming and retries later; what
// was committed stays committed.
//
// Wake-ups: wait_for_activity() wakes at once for this store object's own commits that make work
// available (an enqueue, a retry, a release, a rescue...), and within options.change_poll for any
// other connection's commit (it polls `PRAGMA data_version`, which moves when another
// connection commits: a read of a counter, no write; every 25 ms by default, on a fixed phase).
//
// Why SQLite's C API behind a small RAII layer (src/jobs/sqlite/sqlite_handle.*, about 200 lines
// of code) rather than SQLiteCpp (Debian's libsqlitecpp-dev): the layer is all a store needs — a
// connection, cached prepared statements with typed binds, a cursor that always resets (so no
// read stays open), a BEGIN IMMEDIATE guard, and the translation of result codes into the
// store's errors, which a wrapper's generic exceptions would hide — and it costs no extra
// dependency to package, install and keep up to date.
//
// Thread safety: a store object belongs to the loop of the runtime it was made with, like every
// job store. It holds one connection, guarded by a mutex; every database call runs through
// rt.offload() — on the runtime's offload pool on real_runtime (the loop never waits for the
// disk or for another process's lock), inline on virtual_runtime (deterministic). A completing
// transaction's effect (job_transaction) runs on that thread, inside the transaction. Several
// store objects, in one process or many, may share one file.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "clockwork/jobs/job_store.hpp"
#include "clockwork/runtime/async_event.hpp"
#include "clockwork/runtime/runtime.hpp"

namespace clockwork::jobs {

namespace detail {
class sqlite_tables;
}

struct sqlite_store_options {
  // Who this store object is in job history (the instance or program using it); empty: nobody
  // in particular. Claims record the claiming instance whatever this says.
  std::string name;
  // How long a call waits for another connection's write lock before it gives up with
  // store_unavailable ("locked").
  std::chrono::milliseconds busy_timeout{5000};
  // How often wait_for_activity() looks for other connections' commits, on a fixed phase (a slow
  // read does not push the next one back). Half the 50 ms a job enqueued by another process may
  // wait before it starts: the wait is at most one poll plus the read and the claim.
  std::chrono::milliseconds change_poll{25};
  // false (synchronous = NORMAL, WAL's usual setting): a process that crashes or is killed loses
  // nothing committed and never corrupts the file; a power cut or an operating-system crash may
  // lose the last commits. true (FULL): each commit is flushed to the disk before it returns, so
  // a power cut loses nothing committed either — at the price of an fsync per commit
  // (milliseconds on most disks: bench/jobs_sqlite_bench.cpp measures both).
  bool flush_every_commit = false;
  // When set, the file may not grow past this many bytes: writes past it fail as a full disk
  // would (store_unavailable), nothing applied.
  std::optional<std::uint64_t> max_bytes;
};

// What migrate() did.
struct sqlite_migration {
  int from = 0;  // the schema version found (0: none, or no file)
  int to = 0;    // the version now
};

class sqlite_job_store final : public job_store {
 public:
  // The schema version this code reads and writes.
  static int schema_version() noexcept;
  // Creates the file when it is missing and upgrades an older schema to schema_version(), in one
  // transaction; a current schema is left alone. store_unavailable when the file cannot be
  // written (naming the path and why), schema_mismatch for a schema newer than this code's.
  static sqlite_migration migrate(const std::filesystem::path& path, const sqlite_store_options& options = {});

  sqlite_job_store(runtime& rt, std::filesystem::path path, sqlite_store_options options = {});
  ~sqlite_job_store() override;
  sqlite_job_store(const sqlite_job_store&) = delete;
  sqlite_job_store& operator=(const sqlite_job_store&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }

  // ---- job_store ----
  std::string describe() const override;
  task<utc_time> now() override;
  task<std::vector<enqueue_result>> enqueue(std::vector<new_job> jobs) override;
  task<std::vector<job>> claim(claim_request request) override;
  task<std::vector<job>> claimed_by(std::string instance) override;
  task<write_outcome> heartbeat(fence_token fence, std::chrono::nanoseconds lease) override;
  task<write_outcome> complete(fence_token fence, job_effect effect = {}) override;
  task<write_outcome> fail(fence_token fence, std::string error,
                           std::optional<std::chrono::nanoseconds> retry_after) override;
  task<write_outcome> snooze(fence_token fence, std::chrono::nanoseconds delay) override;
  task<write_outcome> release(fence_token fence) override;
  task<std::vector<job_id>> rescue(std::size_t limit) override;
  task<std::optional<utc_time>> next_due(std::vector<std::string> queues, std::vector<std::string> kinds) override;
  task<bool> wait_for_activity(steady_time until, std::stop_token stop) override;
  task<write_outcome> cancel(job_id id) override;
  task<write_outcome> retry(job_id id) override;
  task<write_outcome> remove(job_id id) override;
  task<write_outcome> run_now(job_id id) override;
  task<> pause_queue(std::string queue) override;
  task<> resume_queue(std::string queue) override;
  task<> put_recurring(recurring_definition definition) override;
  task<std::vector<recurring_definition>> recurring() override;
  task<bool> remove_recurring(std::string name) override;
  task<std::optional<job_id>> fire_recurring(std::string name, utc_time occurrence, std::uint64_t missed,
                                             new_job job) override;
  task<bool> skip_recurring(std::string name, utc_time occurrence, std::uint64_t missed) override;
  task<std::optional<job_id>> trigger_recurring(std::string name) override;
  task<> register_instance(instance_info info) override;
  task<> instance_heartbeat(std::string name, std::chrono::nanoseconds clock_skew) override;
  task<> deregister_instance(std::string name) override;
  task<std::vector<instance_info>> instances() override;
  task<std::optional<job>> get(job_id id) override;
  task<job_page> list(job_query query) override;
  task<std::vector<history_entry>> history(job_id id) override;
  task<store_stats> stats(std::chrono::nanoseconds alive_within = std::chrono::minutes(1)) override;
  task<std::vector<minute_count>> per_minute(utc_time from, utc_time to) override;
  task<std::uint64_t> prune(retention_options retention) override;

 private:
  // Runs step(tables, now) on the connection, off the loop, under the connection's mutex.
  template <class Step>
  auto on_connection(Step step);
  utc_time store_now() const;
  void work_appeared();  // wakes this object's waiters (after a local commit that made work due)

  runtime& rt_;
  std::filesystem::path path_;
  sqlite_store_options options_;
  std::mutex connection_mutex_;  // guards tables_ (the connection) against two offload threads
  std::unique_ptr<detail::sqlite_tables> tables_;
  async_event activity_;
  std::int64_t seen_data_version_ = 0;  // loop thread
  steady_time next_change_poll_{};      // loop thread: the fixed phase of the data_version reads
};

}  // namespace clockwork::jobs
