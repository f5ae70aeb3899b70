// clockwork::jobs — the JSON shapes of jobs, their history, instances, recurring definitions and
// the store's counts: what `clockwork-jobs list --json` and `stats --json` print and what the
// dashboard's /api/ serves, from one place so the two can never disagree. The field names are a
// contract (scripts depend on them). Instants are ISO-8601 UTC with microseconds and a Z, as the
// stores keep them; an absent value is null.
//
//   nlohmann::json j = clockwork::jobs::to_json(job);        // {"id": 12, "kind": "email.send", ...}
//   nlohmann::json s = clockwork::jobs::to_json(stats);      // {"states": {...}, "counters": {...}, ...}
//   // in a test: the same shape the command prints
//   EXPECT_EQ(clockwork::jobs::to_json(job)["state"], "succeeded");
//
// Thread safety: pure functions over their arguments.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "clockwork/jobs/job.hpp"

namespace clockwork::jobs {

// 2026-06-01T12:00:00.000000Z
std::string format_utc_micros(utc_time t);

// id, kind, queue, state, attempt, max_attempts, epoch, priority, scheduled_at, created_at,
// attempted_at, finalized_at, lease_owner, lease_expires_at, unique_key, last_error, payload (the
// payload as JSON; null when the stored text is not JSON).
nlohmann::json to_json(const job& j);
// job, event, at, epoch, attempt, instance, scheduled, detail.
nlohmann::json to_json(const history_entry& h);
// name, host, started, last_heartbeat, concurrency, queues, kinds, clock_skew_ms.
nlohmann::json to_json(const instance_info& i);
// name, expression, dialect, zone, misfire, kind, payload, queue, since, last_fired, misfires.
nlohmann::json to_json(const recurring_definition& r);
// states (every state, zeros included), counters, store (enqueued, claimed, succeeded, failed,
// retried, rescued, lease_lost, released), queues, unserved_kinds.
nlohmann::json to_json(const store_stats& s);

}  // namespace clockwork::jobs
