// clockwork::runtime_observer — the interface through which a runtime reports what happens in
// it: tasks spawned and finished, timers armed, fired and canceled, periodic ticks, findings and
// wall-clock changes. It lives in diagnostics/ (below the runtimes) so that what records or
// checks those events — the trace, the detectors — does not depend on the runtimes themselves.
//
// Example:
//
//   struct tick_counter : clockwork::runtime_observer {
//     std::size_t ticks = 0;
//     void on_tick(std::string_view, clockwork::steady_time, std::uint64_t) override { ++ticks; }
//   };
//   // production: count a real service's ticks
//   clockwork::real_runtime rt;
//   tick_counter counter;
//   rt.set_observer(&counter);
//   // test: the same observer on a virtual_runtime sees the same events, in virtual time
//   clockwork::virtual_runtime vrt;
//   vrt.set_observer(&counter);
//
// Contract:
//   - Every hook is called on the thread that drives the runtime (the loop thread of a
//     real_runtime, the caller of a virtual_runtime's run/advance functions), in the order the
//     events happen. A hook must not throw and must not re-enter the runtime's stepping.
//   - Default implementations ignore everything; override what you need.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "clockwork/diagnostics/finding.hpp"
#include "clockwork/diagnostics/trace_fields.hpp"
#include "clockwork/time/clock.hpp"

namespace clockwork {

// What a suspended coroutine waits for, as far as clockwork can tell.
enum class wait_kind : std::uint8_t {
  none,      // running, ready, or suspended on an awaitable clockwork does not know
  delay,     // runtime::delay / try_delay: a duration from now
  tick,      // periodic_timer::next_tick
  signal,    // a clockwork signal or event (names itself in wait_what)
  offload,   // blocking work running off the loop
  wall,      // runtime::delay_until_utc: a wall-clock instant (re-evaluated when the clock changes)
  deadline,  // runtime::delay_until / try_delay_until: a monotonic instant the caller chose (its own phase)
};

// The public face of a spawned coroutine.
struct task_info {
  std::uint64_t id = 0;
  std::string name;
  // Whose work this is: the name of the coroutine that started the chain of spawns it belongs
  // to (a hosted service's execute is spawned under the service's name, so work it spawns — and
  // what that spawns — names the service). Equal to name for a coroutine spawned from outside.
  std::string root;
  // How many times the coroutine read the wall clock (utc_now, local_now) on a virtual_runtime
  // so far; detectors tell a wait computed from wall time from a phase-relative one by it.
  // Library reads (log and trace stamps) do not count. Always 0 on real_runtime.
  std::uint64_t wall_clock_reads = 0;
  // Likewise for the local zone (local_zone, local_now): a wait computed in local time.
  std::uint64_t zone_reads = 0;
};

// A service's declared schedule: when it means to run, as wall-clock instants. A recurring job
// declares its own; a schedule_detector checks the runs it reports against it.
struct schedule_declaration {
  std::string service;
  std::string description;  // "0 0 * * * (cronos5) in Europe/Berlin"
  // The first occurrence strictly after `after`, or none.
  std::function<std::optional<utc_time>(utc_time after)> next_after;
  // A run within this of an occurrence is that occurrence's run.
  std::chrono::nanoseconds tolerance = std::chrono::minutes(1);
};

// What changed about wall time on its own (monotonic time did not move).
struct wall_clock_change {
  enum class kind : std::uint8_t { jumped, set, drift, zone };
  enum kind what = kind::jumped;
  utc_time before{};  // the wall clock just before and just after (equal for drift and zone)
  utc_time after{};
  std::string description;  // "wall clock jumped by -00:05:00.000"
};

// Receives every observable event of a runtime, on the thread that drives it. The trace is
// built on this. Default implementations ignore everything.
class runtime_observer {
 public:
  virtual ~runtime_observer() = default;
  virtual void on_task_spawned(const task_info&) {}
  virtual void on_task_finished(const task_info&, std::exception_ptr /*error*/, bool /*canceled*/) {}
  virtual void on_timer_armed(const task_info* /*owner*/, steady_time /*deadline*/) {}
  virtual void on_timer_fired(const task_info* /*owner*/, steady_time /*deadline*/) {}
  virtual void on_timer_canceled(const task_info* /*owner*/, steady_time /*deadline*/) {}
  // A periodic_timer delivered a tick that was due at `due`; `coalesced` earlier ticks were
  // missed and folded into this one.
  virtual void on_tick(std::string_view /*timer*/, steady_time /*due*/, std::uint64_t /*coalesced*/) {}
  virtual void on_finding(const finding&) {}
  // The wall clock or zone was changed on its own (a virtual-time jump, set, drift or zone).
  virtual void on_wall_clock_changed(const wall_clock_change& /*change*/) {}
  // A coroutine suspended on a wait clockwork knows: kind, deadline (steady_time::max(): none)
  // and what it waits for (an event's label, a timer's name). Called before the wait is armed.
  virtual void on_wait(const task_info* /*owner*/, wait_kind /*kind*/, steady_time /*deadline*/,
                       std::string_view /*what*/) {}
  // Anything else observable, by kind: the host's lifecycle (service_started, ...), runs a
  // service reports (run), a scenario's own events. runtime::emit sends them.
  virtual void on_event(std::string_view /*kind*/, std::string_view /*source*/, const trace_fields& /*fields*/) {}
  // A service declared when it means to run (runtime::declare_schedule).
  virtual void on_schedule_declared(const schedule_declaration& /*declaration*/) {}
};

}  // namespace clockwork
