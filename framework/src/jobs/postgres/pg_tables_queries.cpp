// The PostgreSQL job store's queries (a job, a page of jobs, a history, counts) and its
// retention. Reads that take several statements run in one read-only snapshot.
#include <map>
#include <set>

#include "clockwork/time/duration.hpp"
#include "pg_rows.hpp"
#include "pg_tables.hpp"

namespace clockwork::jobs::detail {

using namespace pg;

std::optional<job> pg_tables::get(job_id id, utc_time now) {
  const auto r = db_->exec("SELECT " CW_PG_JOB_COLUMNS("") " FROM cw_job WHERE id = $1::bigint", args(id), "get");
  if (r.rows() == 0) return std::nullopt;
  job j = read_job(r, 0);
  j.state = effective(j.state, j.scheduled_at, now);
  return j;
}

job_page pg_tables::list(const job_query& query, utc_time now) {
  std::optional<std::string> state;
  if (query.state) state = std::string(to_string(*query.state));
  std::optional<std::int64_t> search_id;
  if (!query.search.empty() && query.search.find_first_not_of("0123456789") == std::string::npos &&
      query.search.size() < 19) {
    search_id = std::stoll(query.search);
  }
  const std::size_t size = std::max<std::size_t>(query.page_size, 1);
  job_page page;
  transaction snapshot{*db_, "list", transaction::kind::snapshot};
#define CW_PG_LIST_FILTER                              \
  " WHERE ($2::text IS NULL OR " CW_PG_EFFECTIVE_STATE \
  " = $2::text) AND ($3 = '' OR kind = $3)"            \
  " AND ($4 = '' OR queue = $4) AND ($5 = '' OR id = $6::bigint OR unique_key = $5)"
  const auto filter = args(to_us(now), state, query.kind, query.queue, query.search, search_id);
  page.total = static_cast<std::uint64_t>(
      db_->exec("SELECT count(*) FROM cw_job" CW_PG_LIST_FILTER, filter, "list").integer(0, 0));
  auto paged = filter;
  paged.push_back(arg(static_cast<std::uint64_t>(size)));
  paged.push_back(arg(static_cast<std::uint64_t>(query.page * size)));
  // Newest first: what an operator looks for.
  const auto r = db_->exec("SELECT " CW_PG_JOB_COLUMNS("") " FROM cw_job" CW_PG_LIST_FILTER
                                                           " ORDER BY id DESC LIMIT $7::bigint OFFSET $8::bigint",
                           paged, "list");
#undef CW_PG_LIST_FILTER
  for (int i = 0; i < r.rows(); ++i) {
    job j = read_job(r, i);
    j.state = effective(j.state, j.scheduled_at, now);
    page.jobs.push_back(std::move(j));
  }
  snapshot.commit();
  return page;
}

std::vector<history_entry> pg_tables::history(job_id id) {
  std::vector<history_entry> out;
  const auto r = db_->exec(
      "SELECT event, at, epoch, attempt, instance, scheduled, detail FROM cw_job_history WHERE job_id = $1::bigint "
      "ORDER BY seq",
      args(id), "history");
  for (int i = 0; i < r.rows(); ++i) {
    history_entry e;
    e.job = id;
    e.event = event_named(r.text(i, 0));
    e.at = from_us(r.integer(i, 1));
    e.epoch = r.integer(i, 2);
    e.attempt = static_cast<unsigned>(r.integer(i, 3));
    e.instance = r.text(i, 4);
    e.scheduled = from_us(r.optional_integer(i, 5));
    e.detail = r.text(i, 6);
    out.push_back(std::move(e));
  }
  return out;
}

store_stats pg_tables::stats(utc_time now, std::chrono::nanoseconds alive_within) {
  store_stats s;
  transaction snapshot{*db_, "stats", transaction::kind::snapshot};
  {
    const std::map<std::string, std::uint64_t*> totals{
        {"enqueued", &s.enqueued}, {"claimed", &s.claimed}, {"succeeded", &s.succeeded},   {"failed", &s.failed},
        {"retried", &s.retried},   {"rescued", &s.rescued}, {"lease_lost", &s.lease_lost}, {"released", &s.released}};
    const auto r = db_->exec("SELECT name, value FROM cw_store_total", "stats");
    for (int i = 0; i < r.rows(); ++i) {
      const auto it = totals.find(r.text(i, 0));
      if (it != totals.end()) *it->second = static_cast<std::uint64_t>(r.integer(i, 1));
    }
  }
  {
    const auto r = db_->exec("SELECT name, value FROM cw_counter", "stats");
    for (int i = 0; i < r.rows(); ++i) s.counters.emplace(r.text(i, 0), r.integer(i, 1));
  }
  {
    const auto r =
        db_->exec("SELECT " CW_PG_EFFECTIVE_STATE ", count(*) FROM cw_job GROUP BY 1", args(to_us(now)), "stats");
    for (int i = 0; i < r.rows(); ++i)
      s.by_state[static_cast<std::size_t>(state_named(r.text(i, 0)))] = static_cast<std::uint64_t>(r.integer(i, 1));
  }
  std::map<std::string, queue_info> queues;
  {
    const auto r = db_->exec("SELECT name FROM cw_queue WHERE paused", "stats");
    for (int i = 0; i < r.rows(); ++i) queues[r.text(i, 0)].paused = true;
  }
  {
    const auto r =
        db_->exec("SELECT queue, count(*) FILTER (WHERE state IN " CW_PG_PENDING
                  "), count(*) FILTER (WHERE state = 'running') "
                  "FROM cw_job WHERE state IN ('scheduled', 'available', 'retrying', 'running') GROUP BY queue",
                  "stats");
    for (int i = 0; i < r.rows(); ++i) {
      queue_info& info = queues[r.text(i, 0)];
      info.pending = static_cast<std::uint64_t>(r.integer(i, 1));
      info.running = static_cast<std::uint64_t>(r.integer(i, 2));
    }
  }
  for (auto& [name, info] : queues) {
    info.name = name;
    s.queues.push_back(info);
  }
  std::set<std::string> live_kinds;
  {
    const auto r = db_->exec("SELECT kinds FROM cw_instance WHERE last_heartbeat >= $1::bigint",
                             args(ceil_us(saturating_add(now, -alive_within))), "stats");
    for (int i = 0; i < r.rows(); ++i) {
      for (std::string& k : from_json_list(r.text(i, 0))) live_kinds.insert(std::move(k));
    }
  }
  {
    const auto r =
        db_->exec("SELECT DISTINCT kind FROM cw_job WHERE " CW_PG_EFFECTIVE_STATE " = 'available' ORDER BY kind",
                  args(to_us(now)), "stats");
    for (int i = 0; i < r.rows(); ++i) {
      std::string kind = r.text(i, 0);
      if (live_kinds.count(kind) == 0) s.unserved_kinds.push_back(std::move(kind));
    }
  }
  snapshot.commit();
  return s;
}

std::vector<minute_count> pg_tables::per_minute(utc_time from, utc_time to) {
  std::vector<minute_count> out;
  const utc_time first = std::chrono::floor<std::chrono::minutes>(from);
  if (!(from < to)) return out;
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(to - first).count();
  out.resize(static_cast<std::size_t>(minutes) +
             ((to - first) % std::chrono::minutes(1) != std::chrono::nanoseconds{0} ? 1 : 0));
  for (std::size_t i = 0; i < out.size(); ++i) out[i].minute = first + std::chrono::minutes(i);
  const auto r = db_->exec(
      "SELECT finalized_at, state FROM cw_job "
      "WHERE finalized_at >= $1::bigint AND finalized_at < $2::bigint AND state IN ('succeeded', 'failed')",
      args(ceil_us(from), ceil_us(to)), "per_minute");
  for (int i = 0; i < r.rows(); ++i) {
    const utc_time at = from_us(r.integer(i, 0));
    const auto index = static_cast<std::size_t>(std::chrono::duration_cast<std::chrono::minutes>(at - first).count());
    if (index >= out.size()) continue;
    if (r.text(i, 1) == "succeeded") {
      ++out[index].succeeded;
    } else {
      ++out[index].failed;
    }
  }
  return out;
}

std::uint64_t pg_tables::prune(const retention_options& retention, utc_time now) {
  transaction tx{*db_, "prune"};
  // finalized_at <= now - finished_after; histories go with their jobs.
  const auto removed =
      db_->exec("DELETE FROM cw_job WHERE state IN " CW_PG_FINAL " AND finalized_at <= $1::bigint RETURNING id",
                args(to_us(saturating_add(now, -retention.finished_after))), "prune");
  db_->exec("DELETE FROM cw_instance WHERE last_heartbeat < $1::bigint",
            args(ceil_us(saturating_add(now, -retention.instances_after))), "prune");
  tx.commit();
  return static_cast<std::uint64_t>(removed.rows());
}

utc_time pg_tables::database_now() {
  return from_us(db_->exec("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint", "now").integer(0, 0));
}

std::int64_t pg_tables::change_version() {
  return db_->exec("SELECT coalesce(max(seq), 0) FROM cw_job_history", "change_version").integer(0, 0);
}

}  // namespace clockwork::jobs::detail
