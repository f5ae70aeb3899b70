// clockwork::jobs_detector — turns what durable jobs did into the two findings no store can see
// by itself:
//   duplicate_effect  one job's effect on one resource applied under two different claims
//                     (epochs): a worker paused past its lease wrote after its job had been
//                     rescued and run again, or a retried attempt repeated a write the failed
//                     one had made. At-least-once execution is expected; a repeated *effect* is
//                     the mistake.
//   lost_job          a job due at least one lease before the end of the run that neither
//                     succeeded, failed nor was cancelled, and is not running under a live lease:
//                     nobody will ever run it (a claim nobody works, a kind nobody serves, a wake-up
//                     that never came).
//
// It reads the events stores and resources emit — job.enqueued, job.claimed, job.heartbeat,
// job.succeeded, job.failed, job.cancelled, job.rescued, job.released, job.retrying, job.snoozed,
// job.requeued, job.effect (fields job, epoch, resource) — so it needs nothing from the jobs module
// and works for any store that reports to the runtime's observer.
//
// Example — test (production stores emit the same events to whatever observes them):
//
//   clockwork::jobs_detector jobs{rt};
//   fanout.add(jobs);
//   ... run ...
//   jobs.finish();   // lost_job findings; duplicate_effect ones are reported as they happen
//
// The end of the run is the first stop request seen (the host's, or a simulation's) (jobs released by the stop
// are then not lost), else the instant finish() is called.
//
// Thread safety: an observer: its runtime's loop thread only. The runtime must outlive it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "clockwork/diagnostics/runtime_observer.hpp"
#include "clockwork/runtime/runtime.hpp"

namespace clockwork {

struct jobs_detector_options {
  // A job must be overdue by this much at the end of the run to count as lost (one lease: the
  // time a rescue needs to notice a dead worker). Claims with a longer lease raise it.
  std::chrono::nanoseconds grace = std::chrono::seconds(30);
};

class jobs_detector final : public runtime_observer {
 public:
  explicit jobs_detector(runtime& rt, jobs_detector_options options = {});

  // Reports lost jobs (once each).
  void finish();

  std::uint64_t duplicate_effects() const noexcept { return duplicates_; }
  std::uint64_t effects() const noexcept { return effects_; }
  std::size_t jobs_seen() const noexcept { return jobs_.size(); }

  void on_event(std::string_view kind, std::string_view source, const trace_fields& fields) override;

 private:
  struct tracked {
    utc_time due{};
    bool final = false;
    std::optional<utc_time> lease_until;  // while running
    bool reported = false;
  };
  runtime* rt_;
  jobs_detector_options options_;
  std::chrono::nanoseconds grace_;
  std::map<std::int64_t, tracked> jobs_;
  // (job, resource) -> the epochs whose effect was applied.
  std::map<std::pair<std::int64_t, std::string>, std::set<std::int64_t>> applied_;
  std::optional<utc_time> stop_requested_;
  std::uint64_t duplicates_ = 0;
  std::uint64_t effects_ = 0;
};

}  // namespace clockwork
