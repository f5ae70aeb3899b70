// The SQLite job store's queries (a job, a page of jobs, a history, counts) and its retention.
#include <map>
#include <set>

#include "clockwork/time/duration.hpp"
#include "sqlite_rows.hpp"
#include "sqlite_tables.hpp"

namespace clockwork::jobs::detail {

using namespace sqlite;

// ---- queries --------------------------------------------------------------------------------

std::optional<job> sqlite_tables::get(job_id id, utc_time now) {
  db_->set_doing("get");
  auto q = db_->prepare("SELECT " CW_JOB_COLUMNS " FROM cw_job WHERE id = ?1");
  q.bind(id);
  if (!q.step()) return std::nullopt;
  job j = read_job(q);
  j.state = effective(j.state, j.scheduled_at, now);
  return j;
}

job_page sqlite_tables::list(const job_query& query, utc_time now) {
  db_->set_doing("list");
  std::optional<std::string> state;
  if (query.state) state = std::string(to_string(*query.state));
  std::optional<std::int64_t> search_id;
  if (!query.search.empty() && query.search.find_first_not_of("0123456789") == std::string::npos &&
      query.search.size() < 19) {
    search_id = std::stoll(query.search);
  }
  const std::size_t size = std::max<std::size_t>(query.page_size, 1);
  job_page page;
  read_transaction snapshot{*db_};
#define CW_LIST_FILTER                        \
  " WHERE (?2 IS NULL OR " CW_EFFECTIVE_STATE \
  " = ?2) AND (?3 = '' OR kind = ?3)"         \
  " AND (?4 = '' OR queue = ?4) AND (?5 = '' OR id = ?6 OR unique_key = ?5)"
  {
    auto q = db_->prepare("SELECT count(*) FROM cw_job" CW_LIST_FILTER);
    q.bind(to_us(now), state, query.kind, query.queue, query.search, search_id);
    q.step();
    page.total = static_cast<std::uint64_t>(q.integer(0));
  }
  {
    // Newest first: what an operator looks for.
    auto q =
        db_->prepare("SELECT " CW_JOB_COLUMNS " FROM cw_job" CW_LIST_FILTER " ORDER BY id DESC LIMIT ?7 OFFSET ?8");
#undef CW_LIST_FILTER
    q.bind(to_us(now), state, query.kind, query.queue, query.search, search_id, static_cast<std::uint64_t>(size),
           static_cast<std::uint64_t>(query.page * size));
    while (q.step()) {
      job j = read_job(q);
      j.state = effective(j.state, j.scheduled_at, now);
      page.jobs.push_back(std::move(j));
    }
  }
  return page;
}

std::vector<history_entry> sqlite_tables::history(job_id id) {
  db_->set_doing("history");
  std::vector<history_entry> out;
  auto q = db_->prepare(
      "SELECT event, at, epoch, attempt, instance, scheduled, detail FROM cw_job_history WHERE job_id = ?1 "
      "ORDER BY seq");
  q.bind(id);
  while (q.step()) {
    history_entry e;
    e.job = id;
    e.event = event_named(q.text(0));
    e.at = from_us(q.integer(1));
    e.epoch = q.integer(2);
    e.attempt = static_cast<unsigned>(q.integer(3));
    e.instance = q.text(4);
    e.scheduled = from_us(q.optional_integer(5));
    e.detail = q.text(6);
    out.push_back(std::move(e));
  }
  return out;
}

store_stats sqlite_tables::stats(utc_time now, std::chrono::nanoseconds alive_within) {
  db_->set_doing("stats");
  store_stats s;
  read_transaction snapshot{*db_};
  {
    auto q = db_->prepare("SELECT name, value FROM cw_store_total");
    const std::map<std::string, std::uint64_t*> totals{
        {"enqueued", &s.enqueued}, {"claimed", &s.claimed}, {"succeeded", &s.succeeded},   {"failed", &s.failed},
        {"retried", &s.retried},   {"rescued", &s.rescued}, {"lease_lost", &s.lease_lost}, {"released", &s.released}};
    while (q.step()) {
      const auto it = totals.find(q.text(0));
      if (it != totals.end()) *it->second = static_cast<std::uint64_t>(q.integer(1));
    }
  }
  {
    auto q = db_->prepare("SELECT name, value FROM cw_counter");
    while (q.step()) s.counters.emplace(q.text(0), q.integer(1));
  }
  {
    auto q = db_->prepare("SELECT " CW_EFFECTIVE_STATE ", count(*) FROM cw_job GROUP BY 1");
    q.bind(to_us(now));
    while (q.step())
      s.by_state[static_cast<std::size_t>(state_named(q.text(0)))] = static_cast<std::uint64_t>(q.integer(1));
  }
  std::map<std::string, queue_info> queues;
  {
    auto q = db_->prepare("SELECT name FROM cw_queue WHERE paused");
    while (q.step()) queues[q.text(0)].paused = true;
  }
  {
    auto q = db_->prepare("SELECT queue, sum(state IN " CW_PENDING
                          "), sum(state = 'running') FROM cw_job "
                          "WHERE state IN ('scheduled', 'available', 'retrying', 'running') GROUP BY queue");
    while (q.step()) {
      queue_info& info = queues[q.text(0)];
      info.pending = static_cast<std::uint64_t>(q.integer(1));
      info.running = static_cast<std::uint64_t>(q.integer(2));
    }
  }
  for (auto& [name, info] : queues) {
    info.name = name;
    s.queues.push_back(info);
  }
  std::set<std::string> live_kinds;
  {
    auto q = db_->prepare("SELECT kinds FROM cw_instance WHERE last_heartbeat >= ?1");
    q.bind(ceil_us(saturating_add(now, -alive_within)));
    while (q.step()) {
      for (std::string& k : from_json_list(q.text(0))) live_kinds.insert(std::move(k));
    }
  }
  {
    auto q = db_->prepare("SELECT DISTINCT kind FROM cw_job WHERE " CW_EFFECTIVE_STATE " = 'available' ORDER BY kind");
    q.bind(to_us(now));
    while (q.step()) {
      std::string kind = q.text(0);
      if (live_kinds.count(kind) == 0) s.unserved_kinds.push_back(std::move(kind));
    }
  }
  return s;
}

std::vector<minute_count> sqlite_tables::per_minute(utc_time from, utc_time to) {
  db_->set_doing("per_minute");
  std::vector<minute_count> out;
  const utc_time first = std::chrono::floor<std::chrono::minutes>(from);
  if (!(from < to)) return out;
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(to - first).count();
  out.resize(static_cast<std::size_t>(minutes) +
             ((to - first) % std::chrono::minutes(1) != std::chrono::nanoseconds{0} ? 1 : 0));
  for (std::size_t i = 0; i < out.size(); ++i) out[i].minute = first + std::chrono::minutes(i);
  auto q = db_->prepare(
      "SELECT finalized_at, state FROM cw_job "
      "WHERE finalized_at >= ?1 AND finalized_at < ?2 AND state IN ('succeeded', 'failed')");
  q.bind(ceil_us(from), ceil_us(to));
  while (q.step()) {
    const utc_time at = from_us(q.integer(0));
    const auto index = static_cast<std::size_t>(std::chrono::duration_cast<std::chrono::minutes>(at - first).count());
    if (index >= out.size()) continue;
    if (q.text(1) == "succeeded") {
      ++out[index].succeeded;
    } else {
      ++out[index].failed;
    }
  }
  return out;
}

std::uint64_t sqlite_tables::prune(const retention_options& retention, utc_time now) {
  db_->set_doing("prune");
  write_transaction tx{*db_};
  std::uint64_t removed = 0;
  {
    // finalized_at <= now - finished_after; histories go with their jobs.
    auto q = db_->prepare("DELETE FROM cw_job WHERE state IN " CW_FINAL " AND finalized_at <= ?1");
    q.bind(to_us(saturating_add(now, -retention.finished_after)));
    q.run();
    removed = static_cast<std::uint64_t>(db_->changes());
  }
  {
    auto q = db_->prepare("DELETE FROM cw_instance WHERE last_heartbeat < ?1");
    q.bind(ceil_us(saturating_add(now, -retention.instances_after)));
    q.run();
  }
  tx.commit();
  return removed;
}

std::int64_t sqlite_tables::data_version() {
  db_->set_doing("data_version");
  auto q = db_->prepare("PRAGMA data_version");
  q.step();
  return q.integer(0);
}

}  // namespace clockwork::jobs::detail
