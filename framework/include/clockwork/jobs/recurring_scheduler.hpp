// clockwork::jobs::recurring_scheduler — fires the recurring jobs stored in a job store: each
// occurrence of each definition becomes one job, once across every instance, with no leader. Every
// instance runs a scheduler; for each due occurrence it asks the store to move the definition's
// high-water mark to it and enqueue the job *in one transaction* (job_store::fire_recurring), and
// only the instance whose move succeeds enqueues. A rewound clock cannot fire an occurrence twice
// (the mark only moves forward); an instance whose clock runs ahead cannot fire early (due is
// decided on the store's clock).
//
// After downtime — every instance stopped, or the store unreachable — the definition's misfire
// policy decides, as recurring_job's does: relaxed fires the latest missed occurrence once;
// strict fires each missed one, oldest first, up to catch_up_cap; ignorable fires only those
// within `window` of now. Occurrences later than `threshold` count as misfires (kept on the
// definition); those not fired move the mark without a job (job_store::skip_recurring).
//
// Example — production and test side by side:
//
//   clockwork::jobs::recurring_definition nightly;
//   nightly.name = "nightly-report";
//   nightly.expression = "0 2 * * *";          // cronos5
//   nightly.zone = "Europe/Berlin";
//   nightly.kind = "report.build";
//   clockwork::jobs::recurring_scheduler_options o;
//   o.definitions = {nightly};                 // registered at start (a changed schedule restarts from now)
//   clockwork::jobs::add_recurring_scheduler(builder, store, o);   // every instance may run one
//   // test: the same on sim.builder() with a simulated_job_store; sim.run_for(days(3)) fires 3
//
// Thread safety: a hosted service on its runtime's loop.
#pragma once

#include <chrono>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "clockwork/hosting/background_service.hpp"
#include "clockwork/hosting/host_builder.hpp"
#include "clockwork/jobs/job_store.hpp"
#include "clockwork/runtime/runtime.hpp"

namespace clockwork::jobs {

struct recurring_scheduler_options {
  // Put into the store when the scheduler starts (by name: the later registration wins).
  std::vector<recurring_definition> definitions;
  // How often definitions are read again (others may add or change them), at most.
  std::chrono::nanoseconds refresh = std::chrono::minutes(1);
  std::chrono::nanoseconds store_backoff = std::chrono::seconds(1);
};

// What one pass decided for one definition.
struct recurring_plan {
  std::vector<utc_time> fire;       // oldest first
  std::optional<utc_time> skip_to;  // move the mark here without a job (after the last fired)
  std::uint64_t due = 0;            // occurrences due at or before now
  std::uint64_t misfired = 0;       // of those, later than the threshold
  std::optional<utc_time> next;     // the first occurrence after now
};

// std::invalid_argument for a definition without a name or kind, an expression or zone that does
// not parse, or a strict policy with catch_up_cap 0.
void validate_recurring(const recurring_definition& definition);

// The pure decision, for tests and the scheduler: what to fire for `definition` at store time
// `now`. Costs what runs, not what was missed: the missed occurrences are counted
// (cron::count_occurrences), never visited. std::invalid_argument for an expression or zone that
// does not parse.
recurring_plan plan_recurring(const recurring_definition& definition, utc_time now);

// The engine: runs until stopping. A simulation runs one per simulated instance.
class recurring_scheduler {
 public:
  // `source` names it in the log and the trace.
  recurring_scheduler(runtime& rt, std::shared_ptr<job_store> store, recurring_scheduler_options options,
                      std::shared_ptr<spdlog::logger> log, std::string source);
  task<> run(std::stop_token stopping);

  std::uint64_t fired() const noexcept { return fired_; }

 private:
  task<std::optional<utc_time>> pass();
  runtime& rt_;
  std::shared_ptr<job_store> store_;
  recurring_scheduler_options options_;
  std::shared_ptr<spdlog::logger> log_;
  std::string source_;
  std::uint64_t fired_ = 0;
};

// The engine as a hosted service (its name is the service's).
class recurring_scheduler_service final : public background_service {
 public:
  recurring_scheduler_service(std::shared_ptr<job_store> store, recurring_scheduler_options options);
  task<> execute(std::stop_token stopping) override;

 private:
  std::shared_ptr<job_store> store_;
  recurring_scheduler_options options_;
};

// Adds a scheduler as a hosted service named `name` (default "jobs.recurring"). Definitions are
// checked at once: std::invalid_argument for an unknown zone, an expression that does not parse,
// an empty name or kind.
host_builder& add_recurring_scheduler(host_builder& builder, std::shared_ptr<job_store> store,
                                      recurring_scheduler_options options, std::string name = "jobs.recurring");

}  // namespace clockwork::jobs
