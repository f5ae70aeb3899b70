// clockwork::jobs::job_registry — the job kinds a worker serves: a stable kind name, the function
// that runs an attempt, and how failures are retried. A worker claims only the kinds it has
// registered, so in a rolling deploy an old worker never fails a new version's jobs: they wait,
// available, for an instance that knows them (and stats() names their kind as unserved).
//
// Example — production and test register the same functions:
//
//   clockwork::jobs::job_registry registry;
//   registry.add("email.send", send_email);                 // task<>(job_context&)
//   registry.add("report.build", build_report,
//                {.retry = clockwork::retry_policy::exponential(1, std::chrono::seconds(5),
//                                                               std::chrono::minutes(10))});
//   clockwork::jobs::add_job_worker(builder, store, registry, options);
//
// Retries: an attempt that throws is retried while the job has attempts left (max_attempts is
// the job's, set when it was enqueued) and the kind's retry policy's should_retry accepts the
// error; the next attempt is due after retry_policy::delay_before(attempt + 1) (exponential with
// full jitter by default, drawn from the runtime's seeded generator). The policy's own
// max_attempts is not used: the job carries its own.
//
// Thread safety: fill it before the worker starts; read-only afterwards.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "clockwork/jobs/job_context.hpp"
#include "clockwork/schedule/recurring_job.hpp"
#include "clockwork/task.hpp"

namespace clockwork::jobs {

using job_function = std::function<task<>(job_context&)>;

struct job_kind_options {
  retry_policy retry = retry_policy::exponential(2, std::chrono::seconds(1), std::chrono::minutes(10));
};

class job_registry {
 public:
  struct entry {
    job_function run;
    job_kind_options options;
  };

  // std::invalid_argument for an empty or too long kind, an empty function, a kind added twice,
  // or an invalid retry policy.
  job_registry& add(std::string kind, job_function run, job_kind_options options = {});
  const entry* find(const std::string& kind) const;
  // The kinds, sorted: what a worker claims.
  std::vector<std::string> kinds() const;
  bool empty() const noexcept { return kinds_.empty(); }

 private:
  std::map<std::string, entry, std::less<>> kinds_;
};

}  // namespace clockwork::jobs
