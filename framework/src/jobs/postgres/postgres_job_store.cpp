// The PostgreSQL job store: each call runs its step (pg_tables) off the loop under the
// connection's mutex, with the store's instant (the database's clock, or the runtime's when
// options say so, as the conformance suite does in virtual time), and wakes this object's waiters
// after a commit that made work available. The SQL is in the pg_tables*.cpp files, the schema in
// pg_schema.cpp.
#include "clockwork/jobs/postgres_job_store.hpp"

#include "clockwork/errors.hpp"
#include "clockwork/time/duration.hpp"
#include "pg_rows.hpp"
#include "pg_schema.hpp"
#include "pg_tables.hpp"

namespace clockwork::jobs {

int postgres_job_store::schema_version() noexcept {
  return detail::pg::store_migrations().back().version;
}

postgres_migration postgres_job_store::migrate(const std::string& address) {
  detail::pg::connection db{address};
  const auto done = detail::pg::apply_migrations(db, detail::pg::store_migrations());
  return {done.from, done.to, db.where()};
}

postgres_job_store::postgres_job_store(runtime& rt, std::string address, postgres_store_options options)
    : rt_(rt),
      options_(std::move(options)),
      activity_(rt, "jobs activity (postgres)") {
  auto db = std::make_unique<detail::pg::connection>(std::move(address));
  detail::pg::check_schema(*db, detail::pg::store_migrations());
  where_ = db->where();
  tables_ = std::make_unique<detail::pg_tables>(std::move(db));
  seen_version_ = tables_->change_version();
}

postgres_job_store::~postgres_job_store() = default;

std::string postgres_job_store::describe() const {
  return where_;
}

template <class Step>
auto postgres_job_store::on_connection(Step step) {
  // The runtime's instant is read here, on the loop, where its clock belongs; the database's is
  // read on the connection, just before the step (an instant a little before the step's
  // transaction: it can only shorten a lease or delay a rescue, never the reverse).
  const std::optional<utc_time> runtime_now =
      options_.clock == postgres_clock::runtime
          ? std::optional<utc_time>(std::chrono::floor<std::chrono::microseconds>(rt_.clock().stamp_utc()))
          : std::nullopt;
  return rt_.offload([this, step = std::move(step), runtime_now]() mutable {
    const std::lock_guard<std::mutex> lock(connection_mutex_);
    if (!tables_->connection().ok()) tables_->connection().reconnect();
    const utc_time now = runtime_now ? *runtime_now : tables_->database_now();
    return step(*tables_, now);
  });
}

void postgres_job_store::work_appeared() {
  activity_.set();
}

task<utc_time> postgres_job_store::now() {
  co_return co_await on_connection([](detail::pg_tables&, utc_time now) { return now; });
}

task<bool> postgres_job_store::wait_for_activity(steady_time until, std::stop_token stop) {
  for (;;) {
    if (activity_.is_set()) {
      activity_.reset();
      co_return true;
    }
    if (stop.stop_requested() || rt_.now() >= until) co_return false;
    // Own commits set the event; other connections' show as a new history row, looked for every
    // change_poll on a fixed phase.
    const steady_time now = rt_.now();
    if (next_change_poll_ <= now) {
      const auto behind = (now - next_change_poll_) / options_.change_poll;
      next_change_poll_ = next_change_poll_ == steady_time{}
                              ? saturating_add(now, options_.change_poll)
                              : saturating_add(next_change_poll_, options_.change_poll * (behind + 1));
    }
    const steady_time look_again = std::min(until, next_change_poll_);
    bool woke = false;
    try {
      auto wait = activity_.wait_until(look_again, stop);
      woke = co_await wait;
    } catch (const operation_canceled&) {
      co_return false;
    }
    if (woke) {
      activity_.reset();
      co_return true;
    }
    if (rt_.now() < next_change_poll_) continue;
    std::int64_t version = seen_version_;
    try {
      version = co_await on_connection([](detail::pg_tables& t, utc_time) { return t.change_version(); });
    } catch (const std::exception&) {
      // The store is unreachable: nothing to wake for; the worker's own calls report it.
    }
    if (version != seen_version_) {
      seen_version_ = version;
      co_return true;
    }
  }
}

task<std::vector<enqueue_result>> postgres_job_store::enqueue(std::vector<new_job> jobs) {
  bool woke = false;
  auto out = co_await on_connection(
      [&](detail::pg_tables& t, utc_time now) { return t.enqueue(jobs, now, options_.name, woke); });
  if (woke) work_appeared();
  co_return out;
}

task<std::vector<job>> postgres_job_store::claim(claim_request request) {
  co_return co_await on_connection([&](detail::pg_tables& t, utc_time now) { return t.claim(request, now); });
}

task<std::vector<job>> postgres_job_store::claimed_by(std::string instance) {
  co_return co_await on_connection([&](detail::pg_tables& t, utc_time) { return t.claimed_by(instance); });
}

task<write_outcome> postgres_job_store::heartbeat(fence_token fence, std::chrono::nanoseconds lease) {
  co_return co_await on_connection(
      [&](detail::pg_tables& t, utc_time now) { return t.heartbeat(fence, lease, now, options_.name); });
}

task<write_outcome> postgres_job_store::complete(fence_token fence, job_effect effect) {
  co_return co_await on_connection(
      [&](detail::pg_tables& t, utc_time now) { return t.complete(fence, effect, now, options_.name); });
}

task<write_outcome> postgres_job_store::fail(fence_token fence, std::string error,
                                           std::optional<std::chrono::nanoseconds> retry_after) {
  const auto out = co_await on_connection(
      [&](detail::pg_tables& t, utc_time now) { return t.fail(fence, error, retry_after, now, options_.name); });
  if (out == write_outcome::applied && retry_after) work_appeared();
  co_return out;
}

task<write_outcome> postgres_job_store::snooze(fence_token fence, std::chrono::nanoseconds delay) {
  const auto out = co_await on_connection(
      [&](detail::pg_tables& t, utc_time now) { return t.snooze(fence, delay, now, options_.name); });
  if (out == write_outcome::applied) work_appeared();
  co_return out;
}

task<write_outcome> postgres_job_store::release(fence_token fence) {
  const auto out = co_await on_connection(
      [&](detail::pg_tables& t, utc_time now) { return t.release(fence, now, options_.name); });
  if (out == write_outcome::applied) work_appeared();
  co_return out;
}

task<std::vector<job_id>> postgres_job_store::rescue(std::size_t limit) {
  auto out = co_await on_connection(
      [&](detail::pg_tables& t, utc_time now) { return t.rescue(limit, now, options_.name); });
  if (!out.empty()) work_appeared();
  co_return out;
}

task<std::optional<utc_time>> postgres_job_store::next_due(std::vector<std::string> queues,
                                                         std::vector<std::string> kinds) {
  co_return co_await on_connection([&](detail::pg_tables& t, utc_time) { return t.next_due(queues, kinds); });
}

task<write_outcome> postgres_job_store::cancel(job_id id) {
  co_return co_await on_connection([&](detail::pg_tables& t, utc_time now) { return t.cancel(id, now); });
}

task<write_outcome> postgres_job_store::retry(job_id id) {
  const auto out = co_await on_connection([&](detail::pg_tables& t, utc_time now) { return t.retry(id, now); });
  if (out == write_outcome::applied) work_appeared();
  co_return out;
}

task<write_outcome> postgres_job_store::run_now(job_id id) {
  const auto out = co_await on_connection([&](detail::pg_tables& t, utc_time now) { return t.run_now(id, now); });
  if (out == write_outcome::applied) work_appeared();
  co_return out;
}

task<write_outcome> postgres_job_store::remove(job_id id) {
  co_return co_await on_connection([&](detail::pg_tables& t, utc_time) { return t.remove(id); });
}

task<> postgres_job_store::pause_queue(std::string queue) {
  co_await on_connection([&](detail::pg_tables& t, utc_time) {
    t.pause_queue(queue, true);
    return 0;
  });
}

task<> postgres_job_store::resume_queue(std::string queue) {
  co_await on_connection([&](detail::pg_tables& t, utc_time) {
    t.pause_queue(queue, false);
    return 0;
  });
  work_appeared();
}

task<> postgres_job_store::put_recurring(recurring_definition definition) {
  co_await on_connection([&](detail::pg_tables& t, utc_time now) {
    t.put_recurring(definition, now);
    return 0;
  });
}

task<std::vector<recurring_definition>> postgres_job_store::recurring() {
  co_return co_await on_connection([](detail::pg_tables& t, utc_time) { return t.recurring(); });
}

task<bool> postgres_job_store::remove_recurring(std::string name) {
  co_return co_await on_connection([&](detail::pg_tables& t, utc_time) { return t.remove_recurring(name); });
}

task<std::optional<job_id>> postgres_job_store::trigger_recurring(std::string name) {
  const auto out = co_await on_connection(
      [&](detail::pg_tables& t, utc_time now) { return t.trigger_recurring(name, now, options_.name); });
  if (out) work_appeared();
  co_return out;
}

task<std::optional<job_id>> postgres_job_store::fire_recurring(std::string name, utc_time occurrence,
                                                             std::uint64_t missed, new_job job) {
  bool advanced = false;
  const auto out = co_await on_connection([&](detail::pg_tables& t, utc_time now) {
    return t.advance_recurring(name, occurrence, missed, &job, now, options_.name, advanced);
  });
  if (advanced) work_appeared();
  co_return out;
}

task<bool> postgres_job_store::skip_recurring(std::string name, utc_time occurrence, std::uint64_t missed) {
  bool advanced = false;
  co_await on_connection([&](detail::pg_tables& t, utc_time now) {
    return t.advance_recurring(name, occurrence, missed, nullptr, now, options_.name, advanced);
  });
  co_return advanced;
}

task<> postgres_job_store::register_instance(instance_info info) {
  co_await on_connection([&](detail::pg_tables& t, utc_time now) {
    t.register_instance(info, now);
    return 0;
  });
}

task<> postgres_job_store::instance_heartbeat(std::string name, std::chrono::nanoseconds clock_skew) {
  co_await on_connection([&](detail::pg_tables& t, utc_time now) {
    t.instance_heartbeat(name, clock_skew, now);
    return 0;
  });
}

task<> postgres_job_store::deregister_instance(std::string name) {
  co_await on_connection([&](detail::pg_tables& t, utc_time) {
    t.deregister_instance(name);
    return 0;
  });
}

task<std::vector<instance_info>> postgres_job_store::instances() {
  co_return co_await on_connection([](detail::pg_tables& t, utc_time) { return t.instances(); });
}

task<std::optional<job>> postgres_job_store::get(job_id id) {
  co_return co_await on_connection([&](detail::pg_tables& t, utc_time now) { return t.get(id, now); });
}

task<job_page> postgres_job_store::list(job_query query) {
  co_return co_await on_connection([&](detail::pg_tables& t, utc_time now) { return t.list(query, now); });
}

task<std::vector<history_entry>> postgres_job_store::history(job_id id) {
  co_return co_await on_connection([&](detail::pg_tables& t, utc_time) { return t.history(id); });
}

task<store_stats> postgres_job_store::stats(std::chrono::nanoseconds alive_within) {
  co_return co_await on_connection([&](detail::pg_tables& t, utc_time now) { return t.stats(now, alive_within); });
}

task<std::vector<minute_count>> postgres_job_store::per_minute(utc_time from, utc_time to) {
  co_return co_await on_connection([&](detail::pg_tables& t, utc_time) { return t.per_minute(from, to); });
}

task<std::uint64_t> postgres_job_store::prune(retention_options retention) {
  co_return co_await on_connection([&](detail::pg_tables& t, utc_time now) { return t.prune(retention, now); });
}

}  // namespace clockwork::jobs
