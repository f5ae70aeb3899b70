// clockwork::observer_fanout — one runtime_observer that forwards every event to several, in
// the order they were added: a runtime has one observer slot, and a simulation feeds its trace
// and its detectors through this.
//
//   clockwork::observer_fanout fanout;
//   fanout.add(trace);                 // records everything
//   fanout.add(drift);                 // a detector
//   rt.set_observer(&fanout);
//   // production: the same fan-out on a real_runtime (a trace written to a file, a metrics
//   // observer); test: on a virtual_runtime, as testing::simulation does.
//
// Thread safety: add/remove on the thread that drives the runtime, not while it dispatches;
// events arrive on that thread (runtime_observer's contract). Every observer added must outlive
// the fan-out's use or be removed first.
#pragma once

#include <algorithm>
#include <vector>

#include "clockwork/diagnostics/runtime_observer.hpp"

namespace clockwork {

class observer_fanout final : public runtime_observer {
 public:
  void add(runtime_observer& observer) { observers_.push_back(&observer); }
  void remove(runtime_observer& observer) { std::erase(observers_, &observer); }
  bool empty() const noexcept { return observers_.empty(); }

  void on_task_spawned(const task_info& t) override {
    for (auto* o : observers_) o->on_task_spawned(t);
  }
  void on_task_finished(const task_info& t, std::exception_ptr error, bool canceled) override {
    for (auto* o : observers_) o->on_task_finished(t, error, canceled);
  }
  void on_timer_armed(const task_info* owner, steady_time deadline) override {
    for (auto* o : observers_) o->on_timer_armed(owner, deadline);
  }
  void on_timer_fired(const task_info* owner, steady_time deadline) override {
    for (auto* o : observers_) o->on_timer_fired(owner, deadline);
  }
  void on_timer_canceled(const task_info* owner, steady_time deadline) override {
    for (auto* o : observers_) o->on_timer_canceled(owner, deadline);
  }
  void on_tick(std::string_view timer, steady_time due, std::uint64_t coalesced) override {
    for (auto* o : observers_) o->on_tick(timer, due, coalesced);
  }
  void on_finding(const finding& f) override {
    for (auto* o : observers_) o->on_finding(f);
  }
  void on_wall_clock_changed(const wall_clock_change& change) override {
    for (auto* o : observers_) o->on_wall_clock_changed(change);
  }
  void on_wait(const task_info* owner, wait_kind kind, steady_time deadline, std::string_view what) override {
    for (auto* o : observers_) o->on_wait(owner, kind, deadline, what);
  }
  void on_event(std::string_view kind, std::string_view source, const trace_fields& fields) override {
    for (auto* o : observers_) o->on_event(kind, source, fields);
  }
  void on_schedule_declared(const schedule_declaration& declaration) override {
    for (auto* o : observers_) o->on_schedule_declared(declaration);
  }

 private:
  std::vector<runtime_observer*> observers_;
};

}  // namespace clockwork
