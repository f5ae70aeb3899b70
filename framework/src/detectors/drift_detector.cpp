#include "clockwork/detectors/drift_detector.hpp"

#include <date/tz.h>

#include <cmath>

#include "clockwork/time/duration.hpp"
#include "clockwork/time/time_format.hpp"
#include "clockwork/time/virtual_clock.hpp"
#include "stamp_zone.hpp"

namespace clockwork {
namespace {

using detail::zone_of;

std::string local_text(const date::time_zone& zone, utc_time t) {
  return date::format("%F %T %Z",
                      date::zoned_time<std::chrono::seconds>{&zone, std::chrono::floor<std::chrono::seconds>(t)});
}

// The wall-clock reading the clock will show when monotonic time reaches `at`: exact on a
// virtual clock (its drift included), a plain projection elsewhere.
utc_time wall_at(const clock& clk, steady_time now, steady_time at) {
  if (const auto* virtual_one = dynamic_cast<const virtual_clock*>(&clk)) return virtual_one->utc_at(at);
  return saturating_add(clk.stamp_utc(), saturating_sub(at, now));
}

}  // namespace

drift_detector::drift_detector(runtime& rt, drift_detector_options options) : rt_(&rt), options_(options) {}

void drift_detector::on_wait(const task_info* owner, wait_kind kind, steady_time deadline, std::string_view what) {
  if (owner == nullptr) return;
  const std::uint64_t id = owner->id;
  const std::uint64_t reads_before = reads_[id];
  const std::uint64_t zone_reads_before = zone_reads_[id];
  reads_[id] = owner->wall_clock_reads;
  zone_reads_[id] = owner->zone_reads;
  const bool monotonic = kind == wait_kind::delay || kind == wait_kind::deadline;
  if (!monotonic || deadline == steady_time::max()) {
    wall_waits_.erase(id);
    // A loop paced by a periodic_timer tick or a wall-clock instant keeps its phase: delays
    // between two such waits belong to the work (a request, a retry's backoff), not to the
    // pacing, and equal ones in successive runs are no sliding loop.
    if (kind == wait_kind::tick || kind == wait_kind::wall) loops_.erase(id);
    return;
  }
  const steady_time now = rt_->now();
  const auto length = saturating_sub(deadline, now);

  // 2. A wait computed from the wall clock: remember what wall time it meant.
  if (owner->wall_clock_reads > reads_before) {
    const clock& clk = rt_->clock();
    const utc_time intended = wall_at(clk, now, deadline);
    const bool local = owner->zone_reads > zone_reads_before;
    wall_waits_[id] = {deadline, intended, local_text(zone_of(clk), intended), local, owner->root, owner->name, false};
  } else {
    wall_waits_.erase(id);
  }

  // 1. A loop of equal delays: is its schedule sliding? A wait until an instant the caller chose
  // (delay_until) is paced by the caller's own phase, as a tick is: not a sliding delay.
  if (kind == wait_kind::deadline) {
    loops_.erase(id);
    return;
  }
  // One length, within a thousandth: on the real host, `now` is read a little after the deadline
  // was computed.
  loop& l = loops_[id];
  const auto difference = length > l.period ? length - l.period : l.period - length;
  if (l.period.count() == 0 || difference > l.period / 1000) {
    l = loop{};
    l.period = length;
    l.first_wake = deadline;
    return;
  }
  ++l.runs;
  const steady_time scheduled =
      saturating_add(l.first_wake, saturating_mul(l.period, static_cast<std::int64_t>(l.runs)));
  const auto deviation = saturating_sub(deadline, scheduled);
  l.growing = deviation > l.deviation ? l.growing + 1 : 0;
  l.deviation = deviation;
  if (l.reported || l.runs < options_.min_runs || l.growing + 1 < options_.min_runs) return;
  if (static_cast<double>(deviation.count()) < options_.min_fraction * static_cast<double>(l.period.count())) return;
  if (deviation < options_.min_deviation) return;
  l.reported = true;
  const auto per_run = deviation / static_cast<std::int64_t>(l.runs);
  rt_->report(finding_kind::drift, owner->root,
              "'" + owner->name + "' waits " + format_duration(l.period) + " after each run instead of running every " +
                  format_duration(l.period) + ": after " + std::to_string(l.runs) + " runs it is " +
                  format_duration(deviation) + " behind that schedule and falls further behind by about " +
                  format_duration(per_run) + " a run (trend: growing). A periodic_timer keeps the phase." +
                  (what.empty() ? std::string() : " (" + std::string(what) + ")"));
}

void drift_detector::forget(const task_info* owner, steady_time deadline) {
  if (owner == nullptr) return;
  const auto it = wall_waits_.find(owner->id);
  if (it != wall_waits_.end() && it->second.deadline == deadline) wall_waits_.erase(it);
}

void drift_detector::on_timer_fired(const task_info* owner, steady_time deadline) {
  forget(owner, deadline);
}

void drift_detector::on_timer_canceled(const task_info* owner, steady_time deadline) {
  forget(owner, deadline);
}

void drift_detector::on_task_finished(const task_info& task, std::exception_ptr, bool) {
  wall_waits_.erase(task.id);
  loops_.erase(task.id);
  reads_.erase(task.id);
  zone_reads_.erase(task.id);
}

void drift_detector::on_wall_clock_changed(const wall_clock_change& change) {
  const clock& clk = rt_->clock();
  const steady_time now = rt_->now();
  for (auto& [id, wait] : wall_waits_) {
    if (wait.reported || wait.deadline <= now) continue;
    const utc_time wakes_utc = wall_at(clk, now, wait.deadline);
    const std::string wakes_local = local_text(zone_of(clk), wakes_utc);
    const auto shift = saturating_sub(wakes_utc, wait.intended_utc);
    const bool local_moved = wait.local && wakes_local != wait.intended_local;
    if (shift.count() == 0 && !local_moved) continue;
    wait.reported = true;
    std::string when;
    if (shift.count() != 0) {
      when = format_utc(wakes_utc) + ", " + format_duration(shift < std::chrono::nanoseconds{0} ? -shift : shift) +
             (shift.count() < 0 ? " early" : " late");
    } else {
      when = "local time " + wakes_local + " instead of " + wait.intended_local;
    }
    rt_->report(finding_kind::drift, wait.root,
                "'" + wait.task + "' waits on the monotonic clock for a wake-up it computed from the wall clock (" +
                    format_utc(wait.intended_utc) + ", local " + wait.intended_local + "), and " + change.description +
                    " while it waited: it will wake at " + when +
                    ". Wait for the wall-clock instant (delay_until_utc) or re-read the clock after waking.");
  }
}

}  // namespace clockwork
