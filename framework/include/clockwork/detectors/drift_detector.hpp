// clockwork::drift_detector — finds the two ways a service's schedule slides away from the one
// it meant, with no declaration from the service:
//
//   1. A loop that waits a fixed delay *after* its work ("while { work; delay(5 min) }") runs
//      every 5 min + the work's duration: each run starts later than a 5-minute schedule would
//      have it, and the gap grows run after run. Reported once the deviation keeps growing
//      over min_runs runs and has passed min_fraction of the period, with the per-run trend.
//      A periodic_timer (phase-aligned ticks) never drifts and is never reported, nor is a wait
//      until an instant the loop computed itself (delay_until: start + k·period) — nor is a
//      fixed delay inside the work of a loop paced by ticks or wall-clock instants (a request,
//      a retry's backoff): such a wait starts the loop's bookkeeping over.
//
//   2. A wait on the monotonic clock whose length was computed from the wall clock (the patterns document's
//      Pattern 4: "delay = next midnight - utc_now()") is pending when the wall clock is
//      stepped, set, drifts or the zone changes: it will wake at the wrong wall time — at
//      23:55, or twice a day, or a day late. Told apart from a phase-relative wait because the
//      coroutine read the wall clock (utc_now, local_now) since its previous wait; the library's
//      own reads (log and trace stamps) do not count. A periodic_timer tick or a fixed delay
//      that never looked at the wall clock is not reported, whatever the clock does.
//
// Both are drift findings naming the service (task_info::root) and what it waits for.
//
// Example — production and test:
//
//   clockwork::observer_fanout fanout;
//   clockwork::drift_detector drift{rt};       // rt: the runtime the services run on
//   fanout.add(drift);
//   rt.set_observer(&fanout);
//   // testing::simulation installs one on its virtual_runtime; on a real_runtime it works the
//   // same for the periodic loops (wall-clock reads are counted on virtual time only).
//
// Thread safety: an observer: its runtime's loop thread only. The runtime must outlive it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "clockwork/diagnostics/runtime_observer.hpp"
#include "clockwork/runtime/runtime.hpp"

namespace clockwork {

struct drift_detector_options {
  // Consecutive waits of one length before a loop counts as periodic and its drift is judged.
  std::uint64_t min_runs = 3;
  // The deviation from the loop's schedule that is worth a finding, as a fraction of its period,
  // and at least this much: on a scaled real host, the machine's own latency is multiplied by
  // the scale, so a cross-check sets the scenario's resolution here.
  double min_fraction = 0.01;
  std::chrono::nanoseconds min_deviation{0};
};

class drift_detector final : public runtime_observer {
 public:
  explicit drift_detector(runtime& rt, drift_detector_options options = {});

  void on_wait(const task_info* owner, wait_kind kind, steady_time deadline, std::string_view what) override;
  void on_timer_fired(const task_info* owner, steady_time deadline) override;
  void on_timer_canceled(const task_info* owner, steady_time deadline) override;
  void on_task_finished(const task_info& task, std::exception_ptr error, bool canceled) override;
  void on_wall_clock_changed(const wall_clock_change& change) override;

 private:
  struct loop {
    std::chrono::nanoseconds period{0};
    steady_time first_wake{};
    std::uint64_t runs = 0;  // waits of this length after the first
    std::chrono::nanoseconds deviation{0};
    std::uint64_t growing = 0;  // consecutive runs whose deviation grew
    bool reported = false;
  };
  struct wall_wait {
    steady_time deadline{};
    utc_time intended_utc{};
    std::string intended_local;  // the local wall time it meant, in the zone of the moment
    bool local = false;          // it read the zone too: a move of local time matters
    std::string root;
    std::string task;
    bool reported = false;
  };
  void forget(const task_info* owner, steady_time deadline);

  runtime* rt_;
  drift_detector_options options_;
  std::map<std::uint64_t, loop> loops_;            // by task id
  std::map<std::uint64_t, wall_wait> wall_waits_;  // by task id: the pending wall-derived wait
  std::map<std::uint64_t, std::uint64_t> reads_;   // wall-clock reads seen at the task's last wait
  std::map<std::uint64_t, std::uint64_t> zone_reads_;
};

}  // namespace clockwork
