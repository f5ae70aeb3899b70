#include "clockwork/jobs/simulated_job_store.hpp"

#include <algorithm>

#include "clockwork/runtime/chaos.hpp"
#include "clockwork/time/duration.hpp"
#include "job_tables.hpp"

namespace clockwork::jobs {

struct simulated_job_store::database {
  std::string name;
  detail::job_tables tables;
  std::vector<simulated_job_store*> connections;  // for wake-ups; each unregisters itself
  std::uint64_t version = 0;                      // commits that made work available, so far
};

namespace {

// An operation's name, and the sites seeded chaos draws from for it: one for a call that does
// not reach the store, one for a commit whose outcome is lost (writes only).
struct operation {
  std::string_view name;
  std::string_view site;
  std::string_view commit_site;  // empty: a read, never commit_unknown
};

constexpr operation op_now{"now", "jobs.now", ""};
constexpr operation op_enqueue{"enqueue", "jobs.enqueue", "jobs.enqueue.commit"};
constexpr operation op_claim{"claim", "jobs.claim", "jobs.claim.commit"};
constexpr operation op_claimed_by{"claimed_by", "jobs.claimed_by", ""};
constexpr operation op_heartbeat{"heartbeat", "jobs.heartbeat", "jobs.heartbeat.commit"};
constexpr operation op_complete{"complete", "jobs.complete", "jobs.complete.commit"};
constexpr operation op_fail{"fail", "jobs.fail", "jobs.fail.commit"};
constexpr operation op_snooze{"snooze", "jobs.snooze", "jobs.snooze.commit"};
constexpr operation op_release{"release", "jobs.release", "jobs.release.commit"};
constexpr operation op_rescue{"rescue", "jobs.rescue", "jobs.rescue.commit"};
constexpr operation op_next_due{"next_due", "jobs.next_due", ""};
constexpr operation op_admin{"admin", "jobs.admin", ""};
constexpr operation op_recurring{"recurring", "jobs.recurring", "jobs.recurring.commit"};
constexpr operation op_instance{"instance", "jobs.instance", ""};
constexpr operation op_query{"query", "jobs.query", ""};

}  // namespace

simulated_job_store::simulated_job_store(runtime& rt, simulated_store_options options)
    : simulated_job_store(rt, std::make_shared<database>(), "store") {
  db_->name = std::move(options.name);
}

simulated_job_store::simulated_job_store(runtime& rt, std::shared_ptr<database> db, std::string connection)
    : rt_(rt),
      db_(std::move(db)),
      connection_(std::move(connection)),
      activity_(std::make_unique<async_event>(rt, "jobs activity (" + connection_ + ")")) {
  db_->connections.push_back(this);
}

simulated_job_store::~simulated_job_store() {
  auto& c = db_->connections;
  c.erase(std::remove(c.begin(), c.end(), this), c.end());
}

std::shared_ptr<simulated_job_store> simulated_job_store::connect(std::string connection) {
  return std::shared_ptr<simulated_job_store>(new simulated_job_store(rt_, db_, std::move(connection)));
}

std::uint64_t simulated_job_store::calls(std::string_view operation) const {
  const auto it = calls_.find(operation);
  return it == calls_.end() ? 0 : it->second;
}

std::string simulated_job_store::describe() const {
  return db_->name + " (connection " + connection_ + ")";
}

void simulated_job_store::emit(std::string_view kind, trace_fields fields) const {
  if (rt_.observer()) rt_.emit(kind, connection_, fields);
}

namespace {
utc_time store_now(runtime& rt) {
  return std::chrono::floor<std::chrono::microseconds>(rt.clock().stamp_utc());
}
}  // namespace

// One call's way in: counted, decided (script, then chaos), slowed, refused when the connection
// is cut. The step itself runs after this returns, at one instant.
task<store_fault> simulated_job_store::enter(std::string_view operation_name) {
  const operation* op = nullptr;
  for (const operation* o :
       {&op_now, &op_enqueue, &op_claim, &op_claimed_by, &op_heartbeat, &op_complete, &op_fail, &op_snooze, &op_release,
        &op_rescue, &op_next_due, &op_admin, &op_recurring, &op_instance, &op_query}) {
    if (o->name == operation_name) op = o;
  }
  auto counter = calls_.find(operation_name);
  if (counter == calls_.end()) counter = calls_.emplace(std::string(operation_name), 0).first;
  const std::uint64_t n = ++counter->second;
  store_fault fault;
  if (script_) fault = script_(store_call{connection_, operation_name, n});
  if (clockwork::chaos* c = chaos_exempt_ ? nullptr : rt_.chaos(); c && op) {
    const auto drawn = c->at_operation(op->site);
    fault.latency = saturating_add(fault.latency, drawn.extra);
    if (drawn.fail) fault.unavailable = true;
    if (!op->commit_site.empty() && !fault.unavailable && c->at_operation(op->commit_site).fail) {
      fault.commit_unknown = true;
    }
  }
  if (severed_) throw store_unavailable("clockwork::jobs: " + describe() + ": the connection is gone");
  if (fault.latency.count() > 0) {
    // A database call cannot be taken back once sent: no stop token. try_delay, because this wait
    // models the database, not the caller: seeded chaos decides it above, not again here.
    const bool waited = co_await rt_.try_delay(fault.latency);
    (void)waited;
  }
  if (severed_)
    throw store_unavailable("clockwork::jobs: " + describe() + ": the connection dropped during " +
                            std::string(operation_name));
  if (fault.unavailable) {
    emit("job.store_fault",
         {{"operation", std::string(operation_name)}, {"call", std::to_string(n)}, {"effect", "unavailable"}});
    throw store_unavailable("clockwork::jobs: " + describe() + ": the connection dropped before " +
                            std::string(operation_name) + " reached the store (injected)");
  }
  co_return fault;
}

void simulated_job_store::after(const store_fault& fault, std::string_view operation_name) const {
  if (!fault.commit_unknown) return;
  emit("job.store_fault", {{"operation", std::string(operation_name)}, {"effect", "commit_unknown"}});
  throw commit_unknown("clockwork::jobs: " + describe() + ": the connection dropped at the commit of " +
                       std::string(operation_name) + ": it may have applied (injected)");
}

void simulated_job_store::notify_all() {
  ++db_->version;
  for (simulated_job_store* c : db_->connections) {
    if (c->severed_) continue;
    // Behind a pooler in transaction mode: it never subscribed; it polls.
    if (c->listening_ && !c->listening_->listens) continue;
    bool lose = false;
    auto counter = c->calls_.find(std::string_view("notify"));
    if (counter == c->calls_.end()) counter = c->calls_.emplace("notify", 0).first;
    const std::uint64_t n = ++counter->second;
    if (c->script_) lose = c->script_(store_call{c->connection_, "notify", n}).lose_notification;
    if (clockwork::chaos* ch = c->chaos_exempt_ ? nullptr : rt_.chaos(); ch && !lose) {
      lose = ch->at_operation("jobs.notify").fail;
    }
    if (lose) {
      c->emit("job.store_fault", {{"operation", "notify"}, {"call", std::to_string(n)}, {"effect", "lost"}});
      continue;
    }
    if (c->deaf_) {
      c->emit("job.store_fault",
              {{"operation", "notify"}, {"call", std::to_string(n)}, {"effect", "unheard (half-open listener)"}});
      continue;
    }
    c->activity_->set();
  }
}

simulated_listening simulated_listening::postgres() {
  simulated_listening l;
  l.poll = std::chrono::milliseconds(25);
  l.backstop = std::chrono::seconds(1);
  l.check = std::chrono::seconds(10);
  l.check_timeout = std::chrono::seconds(2);
  return l;
}

simulated_listening simulated_listening::pooled() {
  simulated_listening l = postgres();
  l.listens = false;
  return l;
}

void simulated_job_store::listening(simulated_listening how) {
  listening_ = how;
  seen_version_ = db_->version;
  next_poll_ = {};
  next_check_ = {};
}

void simulated_job_store::restore() {
  if (!severed_) return;
  severed_ = false;
  if (!listening_ || !listening_->listens) return;
  // A new session: listening again, and what was sent while cut off is lost — so look once.
  deaf_ = false;
  emit("job.listener", {{"event", "subscribed again"}, {"why", "the connection was restored"}});
  activity_->set();
}

// The instant wait_for_activity must look around next (a poll, a liveness check), at most `until`.
steady_time simulated_job_store::next_wake(steady_time until) {
  if (!listening_) return until;
  const simulated_listening& l = *listening_;
  const steady_time now = rt_.now();
  steady_time next = until;
  const std::chrono::nanoseconds every = l.listens ? l.backstop : l.poll;
  if (every.count() > 0) {
    // On a fixed phase from the first wait: a poll that waits a fixed delay after its work drifts.
    if (next_poll_ == steady_time{}) next_poll_ = saturating_add(now, every);
    while (next_poll_ <= now) next_poll_ = saturating_add(next_poll_, every);
    next = std::min(next, next_poll_);
  }
  if (l.listens && l.check.count() > 0) {
    if (next_check_ == steady_time{}) next_check_ = saturating_add(now, l.check);
    // A ping is sent at next_check_; a deaf listener is found when its answer is overdue.
    next = std::min(next, deaf_ ? saturating_add(next_check_, l.check_timeout) : next_check_);
  }
  return next;
}

simulated_job_store::woke_by simulated_job_store::look_around() {
  if (!listening_) return woke_by::nothing;
  const simulated_listening& l = *listening_;
  const steady_time now = rt_.now();
  if (l.listens && l.check.count() > 0 && next_check_ != steady_time{} && now >= next_check_) {
    if (!deaf_) {
      // The ping came straight back.
      while (next_check_ <= now) next_check_ = saturating_add(next_check_, l.check);
    } else if (now >= saturating_add(next_check_, l.check_timeout)) {
      deaf_ = false;
      next_check_ = saturating_add(now, l.check);
      emit("job.listener", {{"event", "subscribed again"}, {"why", "half-open: its ping was not heard"}});
      return woke_by::resubscribed;  // what was missed is lost: look once
    }
  }
  const std::chrono::nanoseconds every = l.listens ? l.backstop : l.poll;
  if (every.count() > 0 && next_poll_ != steady_time{} && now >= next_poll_ && db_->version != seen_version_) {
    return woke_by::poll;
  }
  return woke_by::nothing;
}

// Runs one step on the tables at the store's now; its events go to the trace after it.
template <class Step>
auto simulated_job_store::step(Step&& apply) {
  std::vector<detail::table_event> events;
  detail::job_tables& tables = db_->tables;
  tables.events = rt_.observer() ? &events : nullptr;
  struct detach {
    detail::job_tables& t;
    ~detach() { t.events = nullptr; }
  } detach_events{tables};
  auto result = apply(tables, store_now(rt_));
  for (auto& e : events) emit(e.kind, std::move(e.fields));
  return result;
}

task<utc_time> simulated_job_store::now() {
  co_await enter(op_now.name);
  co_return store_now(rt_);
}

task<std::vector<enqueue_result>> simulated_job_store::enqueue(std::vector<new_job> jobs) {
  const store_fault f = co_await enter(op_enqueue.name);
  auto out = step([&](detail::job_tables& t, utc_time now) { return t.enqueue(jobs, now, connection_); });
  notify_all();
  after(f, op_enqueue.name);
  co_return out;
}

task<std::vector<job>> simulated_job_store::claim(claim_request request) {
  const store_fault f = co_await enter(op_claim.name);
  auto out = step([&](detail::job_tables& t, utc_time now) { return t.claim(request, now); });
  after(f, op_claim.name);
  co_return out;
}

task<std::vector<job>> simulated_job_store::claimed_by(std::string instance) {
  co_await enter(op_claimed_by.name);
  co_return db_->tables.claimed_by(instance);
}

task<write_outcome> simulated_job_store::heartbeat(fence_token fence, std::chrono::nanoseconds lease) {
  const store_fault f = co_await enter(op_heartbeat.name);
  const auto out =
      step([&](detail::job_tables& t, utc_time now) { return t.heartbeat(fence, lease, now, connection_); });
  after(f, op_heartbeat.name);
  co_return out;
}

task<write_outcome> simulated_job_store::complete(fence_token fence, job_effect effect) {
  const store_fault f = co_await enter(op_complete.name);
  const auto out =
      step([&](detail::job_tables& t, utc_time now) { return t.complete(fence, effect, now, connection_); });
  after(f, op_complete.name);
  co_return out;
}

task<write_outcome> simulated_job_store::fail(fence_token fence, std::string error,
                                              std::optional<std::chrono::nanoseconds> retry_after) {
  const store_fault f = co_await enter(op_fail.name);
  const auto out =
      step([&](detail::job_tables& t, utc_time now) { return t.fail(fence, error, retry_after, now, connection_); });
  if (out == write_outcome::applied) notify_all();
  after(f, op_fail.name);
  co_return out;
}

task<write_outcome> simulated_job_store::snooze(fence_token fence, std::chrono::nanoseconds delay) {
  const store_fault f = co_await enter(op_snooze.name);
  const auto out = step([&](detail::job_tables& t, utc_time now) { return t.snooze(fence, delay, now, connection_); });
  if (out == write_outcome::applied) notify_all();
  after(f, op_snooze.name);
  co_return out;
}

task<write_outcome> simulated_job_store::release(fence_token fence) {
  const store_fault f = co_await enter(op_release.name);
  const auto out = step([&](detail::job_tables& t, utc_time now) { return t.release(fence, now, connection_); });
  if (out == write_outcome::applied) notify_all();
  after(f, op_release.name);
  co_return out;
}

task<std::vector<job_id>> simulated_job_store::rescue(std::size_t limit) {
  const store_fault f = co_await enter(op_rescue.name);
  const auto seen = db_->tables.expired_leases(limit, store_now(rt_));
  if (f.between_read_and_write.count() > 0 && !seen.empty()) {
    // A slow rescue: what it read may change before it writes; the write re-checks each row.
    const bool waited = co_await rt_.try_delay(f.between_read_and_write);
    (void)waited;
    if (severed_) throw store_unavailable("clockwork::jobs: " + describe() + ": the connection dropped during rescue");
  }
  std::vector<job_id> rescued;
  for (const fence_token& expired : seen) {
    const bool taken =
        step([&](detail::job_tables& t, utc_time now) { return t.rescue_one(expired, now, connection_); });
    if (taken) rescued.push_back(expired.job);
  }
  if (!rescued.empty()) notify_all();
  after(f, op_rescue.name);
  co_return rescued;
}

task<std::optional<utc_time>> simulated_job_store::next_due(std::vector<std::string> queues,
                                                            std::vector<std::string> kinds) {
  co_await enter(op_next_due.name);
  co_return db_->tables.next_due(queues, kinds);
}

task<bool> simulated_job_store::wait_for_activity(steady_time until, std::stop_token stop) {
  for (;;) {
    if (activity_->is_set()) {
      activity_->reset();
      seen_version_ = db_->version;
      co_return true;
    }
    if (stop.stop_requested() || (listening_ && rt_.now() >= until)) co_return false;
    const steady_time look_again = next_wake(until);
    bool woke = false;
    try {
      auto wait = activity_->wait_until(look_again, stop);
      woke = co_await wait;
    } catch (const operation_canceled&) {
      co_return false;
    }
    if (woke) {
      activity_->reset();
      seen_version_ = db_->version;
      co_return true;
    }
    if (!listening_) co_return false;
    if (look_around() != woke_by::nothing) {
      seen_version_ = db_->version;
      co_return true;
    }
  }
}

task<write_outcome> simulated_job_store::cancel(job_id id) {
  co_await enter(op_admin.name);
  co_return step([&](detail::job_tables& t, utc_time now) { return t.cancel(id, now); });
}

task<write_outcome> simulated_job_store::retry(job_id id) {
  co_await enter(op_admin.name);
  const auto out = step([&](detail::job_tables& t, utc_time now) { return t.retry(id, now); });
  if (out == write_outcome::applied) notify_all();
  co_return out;
}

task<write_outcome> simulated_job_store::run_now(job_id id) {
  co_await enter(op_admin.name);
  const auto out = step([&](detail::job_tables& t, utc_time now) { return t.run_now(id, now); });
  if (out == write_outcome::applied) notify_all();
  co_return out;
}

task<write_outcome> simulated_job_store::remove(job_id id) {
  co_await enter(op_admin.name);
  co_return db_->tables.remove(id);
}

task<> simulated_job_store::pause_queue(std::string queue) {
  co_await enter(op_admin.name);
  db_->tables.pause_queue(queue, true);
  emit("job.queue_paused", {{"queue", queue}});
}

task<> simulated_job_store::resume_queue(std::string queue) {
  co_await enter(op_admin.name);
  db_->tables.pause_queue(queue, false);
  emit("job.queue_resumed", {{"queue", queue}});
  notify_all();
}

task<> simulated_job_store::put_recurring(recurring_definition definition) {
  co_await enter(op_recurring.name);
  db_->tables.put_recurring(std::move(definition), store_now(rt_));
}

task<std::vector<recurring_definition>> simulated_job_store::recurring() {
  co_await enter(op_query.name);
  co_return db_->tables.recurring();
}

task<bool> simulated_job_store::remove_recurring(std::string name) {
  co_await enter(op_recurring.name);
  co_return db_->tables.remove_recurring(name);
}

task<std::optional<job_id>> simulated_job_store::fire_recurring(std::string name, utc_time occurrence,
                                                                std::uint64_t missed, new_job job) {
  const store_fault f = co_await enter(op_recurring.name);
  bool advanced = false;
  const auto out = step([&](detail::job_tables& t, utc_time now) {
    return t.advance_recurring(name, occurrence, missed, &job, now, connection_, advanced);
  });
  if (advanced) notify_all();
  after(f, op_recurring.name);
  co_return out;
}

task<bool> simulated_job_store::skip_recurring(std::string name, utc_time occurrence, std::uint64_t missed) {
  const store_fault f = co_await enter(op_recurring.name);
  bool advanced = false;
  step([&](detail::job_tables& t, utc_time now) {
    return t.advance_recurring(name, occurrence, missed, nullptr, now, connection_, advanced);
  });
  after(f, op_recurring.name);
  co_return advanced;
}

task<std::optional<job_id>> simulated_job_store::trigger_recurring(std::string name) {
  co_await enter(op_admin.name);
  const auto out =
      step([&](detail::job_tables& t, utc_time now) { return t.trigger_recurring(name, now, connection_); });
  if (out) notify_all();
  co_return out;
}

task<> simulated_job_store::register_instance(instance_info info) {
  co_await enter(op_instance.name);
  db_->tables.register_instance(std::move(info), store_now(rt_));
}

task<> simulated_job_store::instance_heartbeat(std::string name, std::chrono::nanoseconds clock_skew) {
  co_await enter(op_instance.name);
  db_->tables.instance_heartbeat(name, clock_skew, store_now(rt_));
}

task<> simulated_job_store::deregister_instance(std::string name) {
  co_await enter(op_instance.name);
  db_->tables.deregister_instance(name);
}

task<std::vector<instance_info>> simulated_job_store::instances() {
  co_await enter(op_query.name);
  co_return db_->tables.instances();
}

task<std::optional<job>> simulated_job_store::get(job_id id) {
  co_await enter(op_query.name);
  co_return db_->tables.get(id, store_now(rt_));
}

task<job_page> simulated_job_store::list(job_query query) {
  co_await enter(op_query.name);
  co_return db_->tables.list(query, store_now(rt_));
}

task<std::vector<history_entry>> simulated_job_store::history(job_id id) {
  co_await enter(op_query.name);
  co_return db_->tables.history(id);
}

task<store_stats> simulated_job_store::stats(std::chrono::nanoseconds alive_within) {
  co_await enter(op_query.name);
  co_return db_->tables.stats(store_now(rt_), alive_within);
}

task<std::vector<minute_count>> simulated_job_store::per_minute(utc_time from, utc_time to) {
  co_await enter(op_query.name);
  co_return db_->tables.per_minute(from, to);
}

task<std::uint64_t> simulated_job_store::prune(retention_options retention) {
  co_await enter(op_admin.name);
  co_return db_->tables.prune(retention, store_now(rt_));
}

}  // namespace clockwork::jobs
