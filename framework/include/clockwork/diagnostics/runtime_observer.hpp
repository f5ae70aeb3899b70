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

#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

#include "clockwork/diagnostics/finding.hpp"
#include "clockwork/time/clock.hpp"

namespace clockwork {

// The public face of a spawned coroutine.
struct task_info {
  std::uint64_t id = 0;
  std::string name;
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
  virtual void on_wall_clock_changed(std::string_view /*description*/) {}
};

}  // namespace clockwork
