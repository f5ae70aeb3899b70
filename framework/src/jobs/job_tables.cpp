#include "job_tables.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "clockwork/time/duration.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork::jobs::detail {
namespace {

bool listed(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string id_text(job_id id) {
  return std::to_string(id);
}

// Counter writes of a completing transaction, buffered so that an effect that throws writes
// nothing.
class buffered_transaction final : public job_transaction {
 public:
  explicit buffered_transaction(fence_token fence) : fence_(fence) {}
  fence_token fence() const noexcept override { return fence_; }
  void add_to_counter(std::string_view name, std::int64_t delta) override {
    if (name.empty()) throw std::invalid_argument("clockwork::jobs: a counter's name must not be empty");
    deltas_.emplace_back(std::string(name), delta);
  }
  const std::vector<std::pair<std::string, std::int64_t>>& deltas() const noexcept { return deltas_; }

 private:
  fence_token fence_;
  std::vector<std::pair<std::string, std::int64_t>> deltas_;
};

}  // namespace

job* job_tables::find(job_id id) {
  const auto it = jobs_.find(id);
  return it == jobs_.end() ? nullptr : &it->second;
}

const job* job_tables::find(job_id id) const {
  const auto it = jobs_.find(id);
  return it == jobs_.end() ? nullptr : &it->second;
}

void job_tables::emit(std::string kind, trace_fields fields) {
  if (events) events->push_back({std::move(kind), std::move(fields)});
}

void job_tables::record(const job& j, job_event event, utc_time at, std::string_view who, std::string detail,
                        std::optional<utc_time> scheduled, std::optional<std::int64_t> epoch) {
  auto& entries = history_[j.id];
  history_entry e;
  e.job = j.id;
  e.event = event;
  e.at = at;
  e.epoch = epoch.value_or(j.epoch);
  e.attempt = j.attempt;
  e.instance = std::string(who);
  e.scheduled = scheduled;
  e.detail = std::move(detail);
  // Only a job's latest heartbeat is kept: a long job would otherwise grow its history forever.
  if (event == job_event::heartbeat && !entries.empty() && entries.back().event == job_event::heartbeat) {
    entries.back() = std::move(e);
  } else {
    entries.push_back(std::move(e));
  }
}

void job_tables::end_running(job& j) {
  drop_lease(j);
  j.lease_expires_at.reset();
  j.lease_owner.clear();
}

const job* job_tables::unique_twin(const unique_options& unique, utc_time now) const {
  const auto it = unique_.find(unique.key);
  if (it == unique_.end()) return nullptr;
  for (const job_id id : it->second) {
    const job* j = find(id);
    if (!j) continue;
    const job_state s = j->state;
    switch (unique.scope) {
      case unique_scope::while_pending:
        if (is_pending(s)) return j;
        break;
      case unique_scope::while_pending_or_running:
        if (is_pending(s) || s == job_state::running) return j;
        break;
      case unique_scope::for_period:
        if (j->created_at > saturating_add(now, -unique.period)) return j;
        break;
    }
  }
  return nullptr;
}

std::vector<enqueue_result> job_tables::enqueue(const std::vector<new_job>& jobs, utc_time now, std::string_view who) {
  // Every job is checked before anything is written: one bad job refuses the whole batch.
  std::vector<std::string> payloads;
  payloads.reserve(jobs.size());
  for (const new_job& n : jobs) payloads.push_back(validate_new_job(n));

  std::vector<enqueue_result> out;
  out.reserve(jobs.size());
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const new_job& n = jobs[i];
    if (n.unique) {
      if (const job* twin = unique_twin(*n.unique, now)) {
        out.push_back({twin->id, true});
        continue;
      }
    }
    job j;
    j.id = next_id_++;
    j.kind = n.kind;
    j.queue = n.queue;
    j.payload = std::move(payloads[i]);
    j.priority = n.priority;
    j.max_attempts = n.max_attempts;
    j.created_at = now;
    j.scheduled_at = n.at ? std::chrono::floor<std::chrono::microseconds>(*n.at) : saturating_add(now, n.delay);
    j.scheduled_at = std::chrono::floor<std::chrono::microseconds>(j.scheduled_at);
    j.state = j.scheduled_at > now ? job_state::scheduled : job_state::available;
    if (n.unique) {
      j.unique_key = n.unique->key;
      unique_[j.unique_key].push_back(j.id);
    }
    ++totals_.enqueued;
    const auto [it, inserted] = jobs_.emplace(j.id, std::move(j));
    (void)inserted;
    add_pending(it->second);
    record(it->second, job_event::enqueued, now, who, {}, it->second.scheduled_at);
    if (events) {
      emit("job.enqueued", {{"job", id_text(it->second.id)},
                            {"kind", it->second.kind},
                            {"queue", it->second.queue},
                            {"due", format_utc(it->second.scheduled_at)}});
    }
    out.push_back({it->second.id, false});
  }
  return out;
}

std::vector<job> job_tables::claim(const claim_request& request, utc_time now) {
  std::vector<job> out;
  if (request.limit == 0 || request.lease.count() <= 0) return out;
  auto it = pending_.begin();
  while (it != pending_.end() && out.size() < request.limit) {
    const auto [priority, at, id] = *it;
    if (at > now) {
      // Nothing of this priority is due yet: on to the next priority.
      if (priority == std::numeric_limits<int>::max()) break;
      it = pending_.lower_bound({priority + 1, utc_time::min(), std::numeric_limits<job_id>::min()});
      continue;
    }
    job& j = jobs_.at(id);
    if (!listed(request.kinds, j.kind) || !listed(request.queues, j.queue) || paused_.count(j.queue) != 0 ||
        j.attempt >= j.max_attempts) {
      ++it;
      continue;
    }
    it = pending_.erase(it);
    j.state = job_state::running;
    ++j.attempt;
    ++j.epoch;
    j.attempted_at = now;
    j.lease_owner = request.instance;
    j.lease_expires_at = saturating_add(now, request.lease);
    j.lease_expires_at = std::chrono::floor<std::chrono::microseconds>(*j.lease_expires_at);
    j.heartbeat_at.reset();
    add_lease(j);
    ++totals_.claimed;
    record(j, job_event::claimed, now, request.instance);
    if (events) {
      emit("job.claimed", {{"job", id_text(j.id)},
                           {"epoch", std::to_string(j.epoch)},
                           {"attempt", std::to_string(j.attempt)},
                           {"instance", request.instance},
                           {"lease_until", format_utc(*j.lease_expires_at)}});
    }
    out.push_back(j);
  }
  return out;
}

std::vector<job> job_tables::claimed_by(std::string_view instance) const {
  std::vector<job> out;
  for (const auto& [expires, id] : leases_) {
    const job& j = jobs_.at(id);
    if (j.lease_owner == instance) out.push_back(j);
  }
  std::sort(out.begin(), out.end(), [](const job& a, const job& b) { return a.id < b.id; });
  return out;
}

job* job_tables::fenced(fence_token fence, write_outcome& outcome, utc_time now, std::string_view who,
                        std::string_view what) {
  job* j = find(fence.job);
  if (!j) {
    outcome = write_outcome::not_found;
    return nullptr;
  }
  if (j->state == job_state::running && j->epoch == fence.epoch) return j;
  outcome = write_outcome::lease_lost;
  ++totals_.lease_lost;
  std::string detail = std::string(what) + " with epoch " + std::to_string(fence.epoch) + " refused: the job is " +
                       std::string(to_string(j->state)) + " at epoch " + std::to_string(j->epoch);
  record(*j, job_event::lease_lost, now, who, detail, std::nullopt, fence.epoch);
  if (events) {
    emit("job.lease_lost", {{"job", id_text(j->id)},
                            {"epoch", std::to_string(fence.epoch)},
                            {"current_epoch", std::to_string(j->epoch)},
                            {"state", std::string(to_string(j->state))},
                            {"write", std::string(what)}});
  }
  return nullptr;
}

write_outcome job_tables::heartbeat(fence_token fence, std::chrono::nanoseconds lease, utc_time now,
                                    std::string_view who) {
  write_outcome outcome = write_outcome::applied;
  job* j = fenced(fence, outcome, now, who, "heartbeat");
  if (!j) return outcome;
  drop_lease(*j);
  j->lease_expires_at = std::chrono::floor<std::chrono::microseconds>(saturating_add(now, lease));
  j->heartbeat_at = now;
  add_lease(*j);
  record(*j, job_event::heartbeat, now, who);
  if (events) {
    emit("job.heartbeat", {{"job", id_text(j->id)},
                           {"epoch", std::to_string(j->epoch)},
                           {"lease_until", format_utc(*j->lease_expires_at)}});
  }
  return outcome;
}

write_outcome job_tables::complete(fence_token fence, const job_effect& effect, utc_time now, std::string_view who) {
  if (const job* done = find(fence.job); done && done->state == job_state::succeeded && done->epoch == fence.epoch) {
    return write_outcome::applied;  // completed before by this claim: the reply was lost
  }
  write_outcome outcome = write_outcome::applied;
  job* j = fenced(fence, outcome, now, who, "complete");
  if (!j) return outcome;
  buffered_transaction tx{fence};
  if (effect) effect(tx);  // throws: nothing written
  for (const auto& [name, delta] : tx.deltas()) {
    counters_[name] += delta;
    if (events) {
      emit("job.effect", {{"job", id_text(j->id)},
                          {"epoch", std::to_string(j->epoch)},
                          {"resource", "counter " + name},
                          {"delta", std::to_string(delta)}});
    }
  }
  end_running(*j);
  j->state = job_state::succeeded;
  j->finalized_at = now;
  ++totals_.succeeded;
  record(*j, job_event::succeeded, now, who);
  if (events) emit("job.succeeded", {{"job", id_text(j->id)}, {"epoch", std::to_string(j->epoch)}});
  return outcome;
}

write_outcome job_tables::fail(fence_token fence, const std::string& error,
                               std::optional<std::chrono::nanoseconds> retry_after, utc_time now,
                               std::string_view who) {
  if (const job* done = find(fence.job);
      done && done->epoch == fence.epoch && (done->state == job_state::retrying || done->state == job_state::failed)) {
    return write_outcome::applied;  // only this claim's own fail leaves it there at this epoch
  }
  write_outcome outcome = write_outcome::applied;
  job* j = fenced(fence, outcome, now, who, "fail");
  if (!j) return outcome;
  end_running(*j);
  j->last_error = error;
  if (retry_after && j->attempt < j->max_attempts) {
    j->state = job_state::retrying;
    j->scheduled_at = std::chrono::floor<std::chrono::microseconds>(saturating_add(now, *retry_after));
    add_pending(*j);
    ++totals_.retried;
    record(*j, job_event::retrying, now, who, error, j->scheduled_at);
    if (events) {
      emit("job.retrying", {{"job", id_text(j->id)},
                            {"epoch", std::to_string(j->epoch)},
                            {"attempt", std::to_string(j->attempt)},
                            {"due", format_utc(j->scheduled_at)},
                            {"error", error}});
    }
  } else {
    j->state = job_state::failed;
    j->finalized_at = now;
    ++totals_.failed;
    record(*j, job_event::failed, now, who, error);
    if (events) {
      emit("job.failed", {{"job", id_text(j->id)},
                          {"epoch", std::to_string(j->epoch)},
                          {"attempt", std::to_string(j->attempt)},
                          {"error", error}});
    }
  }
  return outcome;
}

write_outcome job_tables::snooze(fence_token fence, std::chrono::nanoseconds delay, utc_time now,
                                 std::string_view who) {
  if (const job* done = find(fence.job);
      done && done->epoch == fence.epoch && is_pending(done->state) && done->attempted_at && !done->lease_expires_at &&
      !history_.at(done->id).empty() && history_.at(done->id).back().event == job_event::snoozed) {
    return write_outcome::applied;
  }
  write_outcome outcome = write_outcome::applied;
  job* j = fenced(fence, outcome, now, who, "snooze");
  if (!j) return outcome;
  end_running(*j);
  --j->attempt;  // a snooze is no failure: the attempt is given back
  j->scheduled_at =
      std::chrono::floor<std::chrono::microseconds>(saturating_add(now, std::max(delay, std::chrono::nanoseconds{0})));
  j->state = j->scheduled_at > now ? job_state::scheduled : job_state::available;
  add_pending(*j);
  record(*j, job_event::snoozed, now, who, {}, j->scheduled_at);
  if (events) emit("job.snoozed", {{"job", id_text(j->id)}, {"due", format_utc(j->scheduled_at)}});
  return outcome;
}

write_outcome job_tables::release(fence_token fence, utc_time now, std::string_view who) {
  if (const job* done = find(fence.job); done && done->epoch == fence.epoch && is_pending(done->state) &&
                                         !history_.at(done->id).empty() &&
                                         history_.at(done->id).back().event == job_event::released) {
    return write_outcome::applied;
  }
  write_outcome outcome = write_outcome::applied;
  job* j = fenced(fence, outcome, now, who, "release");
  if (!j) return outcome;
  end_running(*j);
  --j->attempt;  // interrupted, not failed: the attempt is given back
  j->state = job_state::available;
  j->scheduled_at = now;
  add_pending(*j);
  ++totals_.released;
  record(*j, job_event::released, now, who);
  if (events) emit("job.released", {{"job", id_text(j->id)}, {"epoch", std::to_string(j->epoch)}});
  return outcome;
}

std::vector<fence_token> job_tables::expired_leases(std::size_t limit, utc_time now) const {
  std::vector<fence_token> out;
  for (const auto& [expires, id] : leases_) {
    if (out.size() >= limit || !(expires < now)) break;
    out.push_back(jobs_.at(id).fence());
  }
  return out;
}

bool job_tables::rescue_one(fence_token seen, utc_time now, std::string_view who) {
  job* j = find(seen.job);
  // The conditional write: still running, under the epoch that was seen expiring, lease still
  // expired. A completion, a heartbeat or another rescue in between makes it a no-op.
  if (!j || j->state != job_state::running || j->epoch != seen.epoch || !j->lease_expires_at ||
      !(*j->lease_expires_at < now)) {
    return false;
  }
  const std::string owner = j->lease_owner;
  end_running(*j);
  ++j->epoch;
  ++totals_.rescued;
  const std::string why = "lease expired: instance '" + owner + "' stopped heartbeating";
  j->last_error = why;
  if (j->attempt >= j->max_attempts) {
    j->state = job_state::failed;
    j->finalized_at = now;
    ++totals_.failed;
    record(*j, job_event::rescued, now, who, why + "; attempts exhausted");
  } else {
    j->state = job_state::retrying;
    j->scheduled_at = now;
    add_pending(*j);
    record(*j, job_event::rescued, now, who, why, now);
  }
  if (events) {
    emit("job.rescued", {{"job", id_text(j->id)},
                         {"epoch", std::to_string(j->epoch)},
                         {"from", owner},
                         {"state", std::string(to_string(j->state))}});
  }
  return true;
}

std::optional<utc_time> job_tables::next_due(const std::vector<std::string>& queues,
                                             const std::vector<std::string>& kinds) const {
  std::optional<utc_time> best;
  auto it = pending_.begin();
  while (it != pending_.end()) {
    const auto [priority, at, id] = *it;
    if (best && at >= *best) {
      // Nothing later in this priority can be earlier: on to the next priority.
      if (priority == std::numeric_limits<int>::max()) break;
      it = pending_.lower_bound({priority + 1, utc_time::min(), std::numeric_limits<job_id>::min()});
      continue;
    }
    const job& j = jobs_.at(id);
    if (listed(kinds, j.kind) && listed(queues, j.queue) && paused_.count(j.queue) == 0 && j.attempt < j.max_attempts) {
      best = at;
    }
    ++it;
  }
  return best;
}

write_outcome job_tables::cancel(job_id id, utc_time now) {
  job* j = find(id);
  if (!j) return write_outcome::not_found;
  if (is_final(j->state)) return write_outcome::not_allowed;
  if (j->state == job_state::running) {
    end_running(*j);
    ++j->epoch;  // the worker's next write is refused: it learns of the cancellation as a lost lease
  } else {
    drop_pending(*j);
  }
  j->state = job_state::cancelled;
  j->finalized_at = now;
  record(*j, job_event::cancelled, now, "");
  if (events) emit("job.cancelled", {{"job", id_text(j->id)}, {"epoch", std::to_string(j->epoch)}});
  return write_outcome::applied;
}

write_outcome job_tables::retry(job_id id, utc_time now) {
  job* j = find(id);
  if (!j) return write_outcome::not_found;
  if (!is_final(j->state)) return write_outcome::not_allowed;
  j->state = job_state::available;
  j->scheduled_at = now;
  j->finalized_at.reset();
  j->max_attempts = std::max(j->max_attempts, j->attempt + 1);
  add_pending(*j);
  record(*j, job_event::requeued, now, "", {}, now);
  if (events) emit("job.requeued", {{"job", id_text(j->id)}});
  return write_outcome::applied;
}

write_outcome job_tables::run_now(job_id id, utc_time now) {
  job* j = find(id);
  if (!j) return write_outcome::not_found;
  if (j->state != job_state::scheduled && j->state != job_state::retrying) return write_outcome::not_allowed;
  drop_pending(*j);
  j->state = job_state::available;
  j->scheduled_at = now;
  add_pending(*j);
  record(*j, job_event::requeued, now, "", "run now", now);
  if (events) emit("job.requeued", {{"job", id_text(j->id)}});
  return write_outcome::applied;
}

write_outcome job_tables::remove(job_id id) {
  job* j = find(id);
  if (!j) return write_outcome::not_found;
  if (!is_final(j->state)) return write_outcome::not_allowed;
  if (!j->unique_key.empty()) {
    auto& ids = unique_[j->unique_key];
    ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
    if (ids.empty()) unique_.erase(j->unique_key);
  }
  history_.erase(id);
  jobs_.erase(id);
  return write_outcome::applied;
}

void job_tables::pause_queue(const std::string& queue, bool paused) {
  if (paused) {
    paused_.insert(queue);
  } else {
    paused_.erase(queue);
  }
}

void job_tables::put_recurring(recurring_definition definition, utc_time now) {
  const auto it = recurring_.find(definition.name);
  if (it != recurring_.end()) {
    const recurring_definition& old = it->second;
    const bool same_schedule =
        old.expression == definition.expression && old.dialect == definition.dialect && old.zone == definition.zone;
    definition.misfires = old.misfires;
    if (same_schedule) {
      definition.since = old.since;
      definition.last_fired = old.last_fired;
    } else {
      definition.since = now;  // a changed schedule starts from now: nothing of the old one is caught up
      definition.last_fired.reset();
    }
    it->second = std::move(definition);
    return;
  }
  definition.since = now;
  definition.last_fired.reset();
  definition.misfires = 0;
  std::string name = definition.name;
  recurring_.emplace(std::move(name), std::move(definition));
}

std::vector<recurring_definition> job_tables::recurring() const {
  std::vector<recurring_definition> out;
  out.reserve(recurring_.size());
  for (const auto& [name, d] : recurring_) out.push_back(d);
  return out;
}

bool job_tables::remove_recurring(const std::string& name) {
  return recurring_.erase(name) != 0;
}

std::optional<job_id> job_tables::advance_recurring(const std::string& name, utc_time occurrence, std::uint64_t missed,
                                                    const new_job* job, utc_time now, std::string_view who,
                                                    bool& advanced) {
  advanced = false;
  const auto it = recurring_.find(name);
  if (it == recurring_.end()) return std::nullopt;
  recurring_definition& d = it->second;
  if (occurrence < d.since || (d.last_fired && *d.last_fired >= occurrence)) return std::nullopt;
  std::optional<job_id> id;
  if (job) id = enqueue({*job}, now, who).front().id;  // validates first: a bad job moves no mark
  d.last_fired = occurrence;
  d.misfires += missed;
  advanced = true;
  return id;
}

std::optional<job_id> job_tables::trigger_recurring(const std::string& name, utc_time now, std::string_view who) {
  const auto it = recurring_.find(name);
  if (it == recurring_.end()) return std::nullopt;
  new_job j;
  j.kind = it->second.kind;
  j.payload = it->second.payload;
  j.queue = it->second.queue;
  return enqueue({j}, now, who).front().id;
}

void job_tables::register_instance(instance_info info, utc_time now) {
  if (info.started == utc_time{}) info.started = now;
  info.last_heartbeat = now;
  std::string name = info.name;
  instances_.insert_or_assign(std::move(name), std::move(info));
}

void job_tables::instance_heartbeat(const std::string& name, std::chrono::nanoseconds skew, utc_time now) {
  const auto it = instances_.find(name);
  if (it == instances_.end()) return;
  it->second.last_heartbeat = now;
  it->second.clock_skew = skew;
}

void job_tables::deregister_instance(const std::string& name) {
  instances_.erase(name);
}

std::vector<instance_info> job_tables::instances() const {
  std::vector<instance_info> out;
  out.reserve(instances_.size());
  for (const auto& [name, info] : instances_) out.push_back(info);
  return out;
}

std::optional<job> job_tables::get(job_id id, utc_time now) const {
  const job* j = find(id);
  if (!j) return std::nullopt;
  job copy = *j;
  copy.state = effective_state(copy, now);
  return copy;
}

job_page job_tables::list(const job_query& query, utc_time now) const {
  std::optional<job_id> search_id;
  if (!query.search.empty() && query.search.find_first_not_of("0123456789") == std::string::npos &&
      query.search.size() < 19) {
    search_id = std::stoll(query.search);
  }
  job_page page;
  const std::size_t size = std::max<std::size_t>(query.page_size, 1);
  const std::size_t first = query.page * size;
  // Newest first: what an operator looks for.
  for (auto it = jobs_.rbegin(); it != jobs_.rend(); ++it) {
    const job& j = it->second;
    const job_state s = effective_state(j, now);
    if (query.state && s != *query.state) continue;
    if (!query.kind.empty() && j.kind != query.kind) continue;
    if (!query.queue.empty() && j.queue != query.queue) continue;
    if (!query.search.empty() && !(search_id && *search_id == j.id) && j.unique_key != query.search) continue;
    if (page.total >= first && page.jobs.size() < size) {
      job copy = j;
      copy.state = s;
      page.jobs.push_back(std::move(copy));
    }
    ++page.total;
  }
  return page;
}

std::vector<history_entry> job_tables::history(job_id id) const {
  const auto it = history_.find(id);
  return it == history_.end() ? std::vector<history_entry>{} : it->second;
}

store_stats job_tables::stats(utc_time now, std::chrono::nanoseconds alive_within) const {
  store_stats s = totals_;
  s.counters.insert(counters_.begin(), counters_.end());
  std::map<std::string, queue_info> queues;
  for (const std::string& q : paused_) queues[q].paused = true;
  std::set<std::string> live_kinds;
  for (const auto& [name, info] : instances_) {
    if (info.last_heartbeat >= saturating_add(now, -alive_within))
      live_kinds.insert(info.kinds.begin(), info.kinds.end());
  }
  std::set<std::string> unserved;
  for (const auto& [id, j] : jobs_) {
    const job_state st = effective_state(j, now);
    ++s.by_state[static_cast<std::size_t>(st)];
    if (is_pending(st)) ++queues[j.queue].pending;
    if (st == job_state::running) ++queues[j.queue].running;
    if (st == job_state::available && live_kinds.count(j.kind) == 0) unserved.insert(j.kind);
  }
  for (auto& [name, q] : queues) {
    q.name = name;
    s.queues.push_back(q);
  }
  s.unserved_kinds.assign(unserved.begin(), unserved.end());
  return s;
}

std::vector<minute_count> job_tables::per_minute(utc_time from, utc_time to) const {
  std::vector<minute_count> out;
  const utc_time first = std::chrono::floor<std::chrono::minutes>(from);
  if (!(from < to)) return out;
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(to - first).count();
  out.resize(static_cast<std::size_t>(minutes) +
             ((to - first) % std::chrono::minutes(1) != std::chrono::nanoseconds{0} ? 1 : 0));
  for (std::size_t i = 0; i < out.size(); ++i) out[i].minute = first + std::chrono::minutes(i);
  for (const auto& [id, j] : jobs_) {
    if (!j.finalized_at || *j.finalized_at < from || !(*j.finalized_at < to)) continue;
    const auto index =
        static_cast<std::size_t>(std::chrono::duration_cast<std::chrono::minutes>(*j.finalized_at - first).count());
    if (index >= out.size()) continue;
    if (j.state == job_state::succeeded) ++out[index].succeeded;
    if (j.state == job_state::failed) ++out[index].failed;
  }
  return out;
}

std::uint64_t job_tables::prune(const retention_options& retention, utc_time now) {
  std::vector<job_id> old;
  const utc_time horizon = saturating_add(now, -retention.finished_after);
  for (const auto& [id, j] : jobs_) {
    if (is_final(j.state) && j.finalized_at && *j.finalized_at <= horizon) old.push_back(id);
  }
  for (const job_id id : old) remove(id);
  const utc_time gone = saturating_add(now, -retention.instances_after);
  for (auto it = instances_.begin(); it != instances_.end();) {
    it = it->second.last_heartbeat < gone ? instances_.erase(it) : std::next(it);
  }
  return old.size();
}

}  // namespace clockwork::jobs::detail
