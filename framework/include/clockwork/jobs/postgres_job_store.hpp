// clockwork::jobs::postgres_job_store — the job store for many machines: one PostgreSQL database
// that the instances of a service share, directly or through PgBouncer in transaction pooling.
// The job_store contract (job_store.hpp) holds across every connection: two instances never
// claim one job (one `… FOR UPDATE SKIP LOCKED` statement), a stale worker's writes are refused
// by epoch, a rescue cannot undo a completion, a recurring occurrence fires once.
//
// Time is the database's: every lease, due time and rescue is decided with its clock (read on the
// connection), never an instance's own; tests that run the store in virtual time ask for the
// runtime's clock instead (postgres_clock::runtime), so that instants are exact.
//
// Pooler-safe: unnamed parameterised statements only, no session state, no session advisory
// locks (transaction-scoped ones only), no startup parameters.
//
// Example — production and test side by side:
//
//   // once, at deployment (or `clockwork-jobs migrate --store postgresql://db/jobs`):
//   clockwork::jobs::postgres_job_store::migrate("postgresql://db.internal/jobs");
//   // production: the password comes from PGPASSWORD or ~/.pgpass, never the address
//   auto store = std::make_shared<clockwork::jobs::postgres_job_store>(rt, "postgresql://app@db.internal/jobs");
//   // test: a throwaway database, the runtime's (virtual) clock
//   auto store = std::make_shared<clockwork::jobs::postgres_job_store>(
//       vrt, uri, clockwork::jobs::postgres_store_options{.clock = clockwork::jobs::postgres_clock::runtime});
//
// Errors: a server that cannot be reached, refused authentication, a dropped connection, a
// statement timeout → store_unavailable naming the address (its password hidden) and what to
// check; a connection lost at COMMIT → commit_unknown; a missing, older or newer schema →
// schema_mismatch naming both versions.
//
// Thread safety: a store object belongs to the loop of its runtime; calls run on the runtime's
// offload pool under the object's connection mutex, never on the loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "clockwork/jobs/job_store.hpp"
#include "clockwork/runtime/async_event.hpp"
#include "clockwork/runtime/runtime.hpp"

namespace clockwork::jobs {

namespace detail {
class pg_tables;
namespace pg {
class listener;
struct listener_heard;
}  // namespace pg
}  // namespace detail

// Whose clock decides: the database's (production) or the runtime's (tests in virtual time).
enum class postgres_clock { database, runtime };

struct postgres_store_options {
  // Who this store object is in job history; claims record the claiming instance whatever this says.
  std::string name;
  postgres_clock clock = postgres_clock::database;
  // How often wait_for_activity() looks for other connections' commits when it is not listening,
  // on a fixed phase.
  std::chrono::milliseconds change_poll{25};
  // Wake-ups without polling lag: LISTEN on a connection of its own for the notifications the
  // schema's triggers send (at commit) when a job becomes claimable or a queue resumes, so that
  // another instance's enqueue wakes this one's workers at once; the change poll goes on every
  // listen_backstop behind it. Ignored with postgres_clock::runtime (a virtual-time test cannot
  // wait on a socket): such a store polls every change_poll.
  bool listen = true;
  // Where to LISTEN: empty for the store's own address. Behind a pooler in transaction mode give
  // the server's address here: a pooler hands the session that listened to other clients, and its
  // notifications go nowhere (the store would notice — see listen_check — and keep polling).
  std::string listen_address;
  std::chrono::milliseconds listen_backstop{1000};
  // Every listen_check the store notifies itself through its statement connection; a ping not
  // heard within listen_check_timeout means the listener is half-open: it is dropped and
  // subscribed again (with growing pauses while that keeps failing), polling meanwhile.
  std::chrono::milliseconds listen_check{10000};
  std::chrono::milliseconds listen_check_timeout{2000};
  // How long one statement of the store may run (a lock wait included) before the server
  // cancels it: the call then fails with store_unavailable ("statement timeout"), nothing
  // applied, and the worker retries as after any outage. Set with SET LOCAL inside each
  // transaction (never on the session, which a pooler would hand to other clients); zero leaves
  // the server's statement_timeout. Well under a lease, so that a stuck statement cannot
  // outlive the lease it runs under by much.
  std::chrono::milliseconds statement_timeout{10000};
};

// What the store's listener has done (postgres_job_store::listener_status()).
struct postgres_listener_status {
  bool enabled = false;              // options.listen, and the store's clock is the database's
  bool listening = false;            // subscribed, and its last ping came back
  std::uint64_t subscriptions = 0;   // LISTENs made: the first and every one after a loss
  std::uint64_t work_heard = 0;      // cw_job_work notifications heard
  std::uint64_t pings_answered = 0;  // liveness checks that came back
  std::uint64_t half_open = 0;       // liveness checks that did not: the listener was dropped
  std::uint64_t lost = 0;            // listening connections that dropped
};

struct postgres_migration {
  int from = 0;
  int to = 0;
  std::string where;  // the address migrated, its password hidden
};

class postgres_job_store final : public job_store {
 public:
  static int schema_version() noexcept;
  // Creates or upgrades the schema in one transaction under a transaction-scoped advisory lock:
  // several instances calling it at once migrate once. schema_mismatch for a newer schema.
  static postgres_migration migrate(const std::string& address);

  // Connects (blocking: do it before the loop runs, as a host is built) and checks the schema.
  postgres_job_store(runtime& rt, std::string address, postgres_store_options options = {});
  ~postgres_job_store() override;
  postgres_job_store(const postgres_job_store&) = delete;
  postgres_job_store& operator=(const postgres_job_store&) = delete;

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

  // What the listener has done so far. Loop thread.
  postgres_listener_status listener_status() const { return listener_status_; }

 private:
  template <class Step>
  auto on_connection(Step step);
  void work_appeared();
  // One step of listening: subscribe, check liveness, or wait for a notification.
  enum class listened { work, quiet, not_listening };
  task<listened> listen_step(steady_time until, std::stop_token stop);
  task<> send_ping();
  task<detail::pg::listener_heard> listen_wait(std::chrono::milliseconds timeout, std::stop_token stop);
  // Whether another connection committed since the last look (the newest history row moved).
  task<bool> others_committed();

  runtime& rt_;
  postgres_store_options options_;
  std::string where_;            // the address, its password hidden
  std::mutex connection_mutex_;  // guards tables_ (the connection) against two offload threads
  std::unique_ptr<detail::pg_tables> tables_;
  async_event activity_;
  std::int64_t seen_version_ = 0;   // loop thread
  steady_time next_change_poll_{};  // loop thread
  // The listener (null when not listening) and its state; loop thread, but for the listener
  // object's own wait, which runs on the offload pool while listener_busy_.
  std::unique_ptr<detail::pg::listener> listener_;
  bool listener_busy_ = false;
  postgres_listener_status listener_status_;
  std::string ping_prefix_;  // this store object's, in its pings' payloads
  std::uint64_t pings_sent_ = 0;
  std::optional<std::string> ping_pending_;  // sent, not yet heard
  steady_time ping_deadline_{};
  steady_time next_ping_{};
  steady_time next_subscribe_{};
  unsigned unanswered_ = 0;  // half-open or failed subscriptions in a row
};

}  // namespace clockwork::jobs
