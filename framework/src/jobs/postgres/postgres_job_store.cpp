// The PostgreSQL job store: each call runs its step (pg_tables) off the loop under the
// connection's mutex, with the store's instant (the database's clock, or the runtime's when
// options say so, as the conformance suite does in virtual time), and wakes this object's waiters
// after a commit that made work available. The SQL is in the pg_tables*.cpp files, the schema in
// pg_schema.cpp.
#include "clockwork/jobs/postgres_job_store.hpp"

#include <algorithm>
#include <random>
#include <stop_token>

#include "clockwork/errors.hpp"
#include "clockwork/time/duration.hpp"
#include "pg_listener.hpp"
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
    : rt_(rt), options_(std::move(options)), activity_(rt, "jobs activity (postgres)") {
  auto db = std::make_unique<detail::pg::connection>(address);
  detail::pg::check_schema(*db, detail::pg::store_migrations());
  db->set_statement_timeout(options_.statement_timeout);
  where_ = db->where();
  tables_ = std::make_unique<detail::pg_tables>(std::move(db));
  seen_version_ = tables_->change_version();
  if (options_.listen && options_.clock == postgres_clock::database) {
    listener_ =
        std::make_unique<detail::pg::listener>(options_.listen_address.empty() ? address : options_.listen_address);
    listener_status_.enabled = true;
    // Only compared with what comes back, so any value unlikely to be another store object's.
    std::random_device seed;
    ping_prefix_ = std::to_string(seed()) + "-" + std::to_string(seed()) + "-";
  }
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
  // A listening wait holds an offload thread: with a small pool this call would queue behind it.
  if (listener_busy_) listener_->interrupt();
  return rt_.offload([this, step = std::move(step), runtime_now]() mutable {
    const std::lock_guard<std::mutex> lock(connection_mutex_);
    if (!tables_->connection().ok()) tables_->connection().reconnect();
    const utc_time now = runtime_now ? *runtime_now : tables_->database_now();
    return step(*tables_, now);
  });
}

void postgres_job_store::work_appeared() {
  activity_.set();
  // A listening wait is on the offload pool, not on activity_: it is told directly.
  if (listener_) listener_->interrupt();
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
    // Other connections' commits show as a new history row, looked for on a fixed phase: every
    // change_poll, or every listen_backstop behind a listener that works.
    const steady_time now = rt_.now();
    const std::chrono::nanoseconds interval =
        listener_status_.listening ? std::chrono::nanoseconds(options_.listen_backstop) : options_.change_poll;
    if (next_change_poll_ <= now) {
      const auto behind = (now - next_change_poll_) / interval;
      next_change_poll_ = next_change_poll_ == steady_time{}
                              ? saturating_add(now, interval)
                              : saturating_add(next_change_poll_, interval * (behind + 1));
    }
    if (listener_ && !listener_busy_) {
      const listened heard = co_await listen_step(std::min(until, next_change_poll_), stop);
      if (heard == listened::work) {
        activity_.set();  // wakes this object's other waiters too; the loop's top returns
        continue;
      }
      if (heard == listened::quiet) {
        if (rt_.now() >= next_change_poll_ && co_await others_committed()) co_return true;
        continue;
      }
      // Not listening (any more): poll at the polling pace until it subscribes again.
      next_change_poll_ = std::min(next_change_poll_, saturating_add(rt_.now(), options_.change_poll));
    }
    steady_time look_again = std::min(until, next_change_poll_);
    if (listener_ && !listener_busy_ && !listener_->subscribed()) look_again = std::min(look_again, next_subscribe_);
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
    if (co_await others_committed()) co_return true;
  }
}

task<bool> postgres_job_store::others_committed() {
  std::int64_t version = seen_version_;
  try {
    version = co_await on_connection([](detail::pg_tables& t, utc_time) { return t.change_version(); });
  } catch (const std::exception&) {
    // The store is unreachable: nothing to wake for; the worker's own calls report it.
  }
  if (version == seen_version_) co_return false;
  seen_version_ = version;
  co_return true;
}

// (Small coroutines of their own: GCC 12 mishandles a local with a destructor declared in a
// nested block of a coroutine across a co_await, destroying it twice.)
task<> postgres_job_store::send_ping() {
  std::string token = ping_prefix_ + std::to_string(++pings_sent_);
  try {
    co_await on_connection([&token](detail::pg_tables& t, utc_time) {
      t.connection().exec("SELECT pg_notify('cw_job_ping', $1)", {token}, "checking the listener");
      return 0;
    });
    ping_pending_ = std::move(token);
    ping_deadline_ = saturating_add(rt_.now(), options_.listen_check_timeout);
  } catch (const store_unavailable&) {
    // The store itself is away (the worker says so): check again later.
    next_ping_ = saturating_add(rt_.now(), options_.listen_check);
  }
}

task<detail::pg::listener_heard> postgres_job_store::listen_wait(std::chrono::milliseconds timeout,
                                                                 std::stop_token stop) {
  detail::pg::listener* const l = listener_.get();
  const std::stop_callback interrupt_on_stop(stop, [l] { l->interrupt(); });
  co_return co_await rt_.offload([l, timeout] { return l->wait(timeout); });
}

task<postgres_job_store::listened> postgres_job_store::listen_step(steady_time until, std::stop_token stop) {
  const steady_time now = rt_.now();
  // Pauses between attempts after failures in a row: a listener behind a pooler never hears its
  // pings, and trying again every check would be a connection every few seconds for nothing.
  const auto pause_after_failures = [this] {
    const auto factor = std::int64_t{1} << std::min(unanswered_, 5u);
    return std::min<std::chrono::nanoseconds>(options_.listen_check * factor, std::chrono::minutes(5));
  };
  detail::pg::listener* const l = listener_.get();

  if (!l->subscribed()) {
    if (now < next_subscribe_) co_return listened::not_listening;
    bool subscribed = false;
    listener_busy_ = true;
    try {
      co_await rt_.offload([l] { l->subscribe(); });
      subscribed = true;
    } catch (const store_unavailable&) {
      // The server is away: the worker's own calls say so; polling meanwhile.
    }
    listener_busy_ = false;
    if (!subscribed) {
      ++unanswered_;
      next_subscribe_ = saturating_add(rt_.now(), pause_after_failures());
      co_return listened::not_listening;
    }
    ++listener_status_.subscriptions;
    ping_pending_.reset();
    next_ping_ = rt_.now();  // check the new subscription at once
    // What was sent while nobody listened is lost: look once.
    co_return listened::work;
  }

  // The liveness check: a ping through the statement connection must come back to the listener.
  if (!ping_pending_ && now >= next_ping_) co_await send_ping();
  if (ping_pending_ && rt_.now() >= ping_deadline_) {
    // Half-open (or behind a pooler): subscribed, yet deaf.
    l->drop();
    ++listener_status_.half_open;
    listener_status_.listening = false;
    ping_pending_.reset();
    ++unanswered_;
    next_subscribe_ = saturating_add(rt_.now(), pause_after_failures());
    co_return listened::not_listening;
  }

  steady_time wake = std::min(until, ping_pending_ ? ping_deadline_ : next_ping_);
  const auto timeout =
      std::chrono::ceil<std::chrono::milliseconds>(std::max(wake - rt_.now(), std::chrono::nanoseconds{0}));
  listener_busy_ = true;
  const detail::pg::listener::heard heard = co_await listen_wait(timeout, stop);
  listener_busy_ = false;
  if (heard.lost) {
    ++listener_status_.lost;
    listener_status_.listening = false;
    ping_pending_.reset();
    next_subscribe_ = rt_.now();
    co_return listened::not_listening;
  }
  for (const std::string& p : heard.pings) {
    if (ping_pending_ && p == *ping_pending_) {
      ping_pending_.reset();
      ++listener_status_.pings_answered;
      listener_status_.listening = true;
      unanswered_ = 0;
      next_ping_ = saturating_add(rt_.now(), options_.listen_check);
    }
  }
  if (heard.work > 0) {
    listener_status_.work_heard += static_cast<std::uint64_t>(heard.work);
    co_return listened::work;
  }
  co_return listened::quiet;
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
  const auto out =
      co_await on_connection([&](detail::pg_tables& t, utc_time now) { return t.release(fence, now, options_.name); });
  if (out == write_outcome::applied) work_appeared();
  co_return out;
}

task<std::vector<job_id>> postgres_job_store::rescue(std::size_t limit) {
  auto out =
      co_await on_connection([&](detail::pg_tables& t, utc_time now) { return t.rescue(limit, now, options_.name); });
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
