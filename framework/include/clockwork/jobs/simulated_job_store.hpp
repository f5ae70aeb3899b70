// clockwork::jobs::simulated_job_store — a job store in memory, on the runtime's clock: what tests
// and scenarios run durable jobs against in virtual time, with every fault of a real database
// available on purpose — a connection that drops before or in the middle of a call, a commit
// whose outcome is unknown (applied, reported as failed), slow calls, a slow rescue between its
// read and its write, lost wake-up notifications — scripted per call or drawn by the seeded
// chaos of an exploration.
//
// One simulated database, several connections: connect(name) gives another store on the same
// data with faults of its own, as each instance of a service has its own connection to one
// database. sever() cuts a connection for good (a crashed process's): every later call through
// it throws store_unavailable.
//
// Example — production and test side by side:
//
//   // production: auto store = std::make_shared<clockwork::jobs::sqlite_job_store>(rt, "jobs.db");
//   // test:
//   clockwork::testing::simulation sim;
//   auto db = std::make_shared<clockwork::jobs::simulated_job_store>(sim.rt());
//   auto a = db->connect("a");                       // instance a's connection
//   a->script([](const clockwork::jobs::store_call& c) {
//     clockwork::jobs::store_fault f;
//     f.commit_unknown = c.operation == "complete" && c.call == 1;  // the first completion's reply is lost
//     return f;
//   });
//   clockwork::jobs::add_job_worker(sim.builder(), a, registry, options);
//
// Semantics: those of job_store (job_store.hpp), checked by the same conformance suite as the
// database backends. Each call is one atomic step at one virtual instant (the store's now is
// the runtime's wall clock: clock().stamp_utc()); a scripted latency is waited before the step
// (or, for commit_unknown, before the reply), so concurrent calls interleave only between steps,
// as transactions serialise in a database.
//
// Trace: with an observer on the runtime, every change is an event for the trace and the jobs
// detectors (source: the connection's name): job.enqueued, job.claimed, job.heartbeat,
// job.succeeded, job.failed, job.retrying, job.snoozed, job.released, job.rescued,
// job.lease_lost, job.cancelled, job.requeued, job.effect (a completing transaction's effect),
// job.store_fault (an injected fault, or a notification a half-open listener did not hear),
// job.listener (a connection subscribing again: restored, or its half-open listener found).
//
// Thread safety: the runtime's driving thread only (a virtual_runtime's test thread).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "clockwork/jobs/job_store.hpp"
#include "clockwork/runtime/async_event.hpp"
#include "clockwork/runtime/runtime.hpp"

namespace clockwork::jobs {

// One call through a connection, as a fault script sees it.
struct store_call {
  std::string_view connection;
  std::string_view operation;  // "enqueue", "claim", "heartbeat", "complete", "rescue", ...
  std::uint64_t call = 0;      // 1-based, per operation on this connection
};

// What a script decides for one call. At most one of unavailable / commit_unknown.
struct store_fault {
  bool unavailable = false;             // throws store_unavailable; nothing applied
  bool commit_unknown = false;          // applied, then throws commit_unknown
  std::chrono::nanoseconds latency{0};  // waited before the call's step (on the runtime's clock)
  // rescue only: waited between the rescue's read of expired leases and its conditional write.
  std::chrono::nanoseconds between_read_and_write{0};
  bool lose_notification = false;  // notify: this connection misses one wake-up
};
using store_fault_script = std::function<store_fault(const store_call&)>;

struct simulated_store_options {
  std::string name = "simulated";
};

// How a connection hears of other connections' commits. The default — every notification
// arrives, nothing else wakes it — is an ideal database; postgres() is what the PostgreSQL store
// does (postgres_job_store.hpp), so that its failures replay in virtual time:
//   - a notification leaves at the commit, and several before the connection's next wait wake it
//     once (coalesced);
//   - a connection that is cut (sever()) misses what is sent meanwhile; when restored it
//     subscribes again and wakes once (what it missed is lost);
//   - behind a pooler in transaction mode (listens = false) it hears nothing and polls;
//   - a listener can go half-open (deafen()): it hears nothing and does not know it, until a
//     liveness check (a ping it does not hear back within check_timeout) finds it and it
//     subscribes again;
//   - behind a working listener it still polls, every backstop.
struct simulated_listening {
  bool listens = true;
  std::chrono::nanoseconds poll{0};      // while not listening; 0: never
  std::chrono::nanoseconds backstop{0};  // while listening; 0: never
  std::chrono::nanoseconds check{0};     // liveness checks' period; 0: none
  std::chrono::nanoseconds check_timeout{std::chrono::seconds(2)};
  // The PostgreSQL store's defaults (postgres_store_options): a 25 ms poll, a 1 s backstop, a
  // check every 10 s answered within 2 s.
  static simulated_listening postgres();
  // Behind PgBouncer in transaction pooling without a listener of its own: polls every 25 ms.
  static simulated_listening pooled();
};

class simulated_job_store final : public job_store, public std::enable_shared_from_this<simulated_job_store> {
  struct database;

 public:
  explicit simulated_job_store(runtime& rt, simulated_store_options options = {});
  ~simulated_job_store() override;
  simulated_job_store(const simulated_job_store&) = delete;
  simulated_job_store& operator=(const simulated_job_store&) = delete;

  // Another connection to the same data, named `connection` (an instance's name, say).
  std::shared_ptr<simulated_job_store> connect(std::string connection);
  const std::string& connection() const noexcept { return connection_; }

  // ---- faults on this connection ----
  void script(store_fault_script script) { script_ = std::move(script); }
  // Every later call throws store_unavailable (the process holding it crashed, or the database
  // went away). restore() ends it; a connection with a listening() configuration then subscribes
  // again and wakes once.
  void sever() noexcept { severed_ = true; }
  void restore();
  // How this connection hears of other connections' commits (simulated_listening).
  void listening(simulated_listening how);
  // From now on the connection's listener is half-open: it hears nothing, and says nothing.
  void deafen() noexcept { deaf_ = true; }
  bool deaf() const noexcept { return deaf_; }
  bool severed() const noexcept { return severed_; }
  // Seeded chaos (an exploration's) leaves this connection alone: for a test's own queries and
  // checks after a run, which must see the store, not more faults.
  void exempt_from_chaos(bool exempt = true) noexcept { chaos_exempt_ = exempt; }
  // Calls per operation so far on this connection.
  std::uint64_t calls(std::string_view operation) const;

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
  simulated_job_store(runtime& rt, std::shared_ptr<database> db, std::string connection);
  // Counts the call, asks the script and the chaos, waits a latency, throws store_unavailable.
  // Returns whether the reply must be commit_unknown (after the step is applied).
  task<store_fault> enter(std::string_view operation);
  void after(const store_fault& fault, std::string_view operation) const;
  template <class Step>
  auto step(Step&& apply);
  void notify_all();  // wakes every connection's waiters (after a commit that made work due)
  void emit(std::string_view kind, trace_fields fields) const;

  // wait_for_activity's ways of waking besides a notification (simulated_listening).
  enum class woke_by { nothing, poll, resubscribed };
  woke_by look_around();
  steady_time next_wake(steady_time until);

  runtime& rt_;
  std::shared_ptr<database> db_;
  std::string connection_;
  store_fault_script script_;
  bool severed_ = false;
  bool chaos_exempt_ = false;
  std::map<std::string, std::uint64_t, std::less<>> calls_;
  std::unique_ptr<async_event> activity_;
  // Listening (loop thread).
  std::optional<simulated_listening> listening_;  // none: the ideal default
  bool deaf_ = false;
  std::uint64_t seen_version_ = 0;  // the database's commit count when this connection last woke
  steady_time next_poll_{};
  steady_time next_check_{};
};

}  // namespace clockwork::jobs
