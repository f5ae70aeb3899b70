// clockwork::jobs::job_state — the one closed list of states a durable job is in. The API, the
// store schemas, the clockwork-jobs command, the dashboard and the docs all use these names and
// no others, so that what a script reads from `clockwork-jobs list --json` is what the code
// calls the state.
//
//   scheduled   due later (enqueued with a delay or for an instant, or snoozed)
//   available   due, waiting for a worker
//   running     claimed by a worker under a lease
//   retrying    an attempt failed (or its worker died); the next attempt is due at scheduled_at
//   succeeded   final: an attempt completed
//   failed      final: attempts exhausted, or the error was not worth retrying
//   cancelled   final: cancelled by an operator or by the job itself
//
// Example — the same names in code and on the command line:
//
//   if (job.state == clockwork::jobs::job_state::retrying) ...
//   auto s = clockwork::jobs::parse_job_state("available");   // std::nullopt for a bad name
//   // shell: clockwork-jobs list --state available --json
//
// "Due" is decided by the store's clock: a scheduled or retrying job whose scheduled_at has
// passed is claimable exactly as an available one is; stores may leave it in its state until a
// claim or a query looks at it (queries report it as available once due).
//
// Thread safety: plain values.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace clockwork::jobs {

enum class job_state : unsigned char { scheduled, available, running, retrying, succeeded, failed, cancelled };

// Every state, in the order above (the order reports and the dashboard list them).
inline constexpr std::array<job_state, 7> all_job_states{job_state::scheduled, job_state::available, job_state::running,
                                                         job_state::retrying,  job_state::succeeded, job_state::failed,
                                                         job_state::cancelled};

std::string_view to_string(job_state state) noexcept;
// The state named `name` (exactly as to_string spells it), or none.
std::optional<job_state> parse_job_state(std::string_view name) noexcept;
// succeeded, failed and cancelled: nothing will run the job again unless an operator retries it.
constexpr bool is_final(job_state state) noexcept {
  return state == job_state::succeeded || state == job_state::failed || state == job_state::cancelled;
}
// scheduled, available and retrying: waiting to be claimed (once due).
constexpr bool is_pending(job_state state) noexcept {
  return state == job_state::scheduled || state == job_state::available || state == job_state::retrying;
}

}  // namespace clockwork::jobs
