#include "clockwork/detectors/schedule_detector.hpp"

#include <date/tz.h>

#include <algorithm>
#include <stdexcept>

#include "clockwork/diagnostics/trace.hpp"
#include "clockwork/time/duration.hpp"
#include "clockwork/time/time_format.hpp"
#include "clockwork/time/virtual_clock.hpp"

namespace clockwork {
namespace {

std::string two(int v) {
  return (v < 10 ? "0" : "") + std::to_string(v);
}

const date::time_zone& zone_of(const clock& clk) {
  if (const auto* virtual_one = dynamic_cast<const virtual_clock*>(&clk)) return virtual_one->stamp_zone();
  return clk.local_zone();
}

std::chrono::nanoseconds distance(utc_time a, utc_time b) {
  const auto d = saturating_sub(a, b);
  return d.count() < 0 ? -d : d;
}

}  // namespace

run_schedule run_schedule::daily_at_utc(int hour, int minute) {
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) {
    throw std::invalid_argument("clockwork::run_schedule::daily_at_utc: " + two(hour) + ":" + two(minute) +
                                " is not a time of day");
  }
  run_schedule s;
  s.what = kind::daily_utc;
  s.time_of_day = std::chrono::hours(hour) + std::chrono::minutes(minute);
  return s;
}

run_schedule run_schedule::daily_at_local(int hour, int minute) {
  run_schedule s = daily_at_utc(hour, minute);
  s.what = kind::daily_local;
  return s;
}

run_schedule run_schedule::every(std::chrono::nanoseconds period, std::optional<utc_time> first) {
  if (period.count() <= 0 || period == infinite) {
    throw std::invalid_argument("clockwork::run_schedule::every: the period must be positive and finite, got " +
                                format_duration(period));
  }
  run_schedule s;
  s.what = kind::every;
  s.period = period;
  s.first = first;
  return s;
}

run_schedule run_schedule::custom(std::function<std::optional<utc_time>(utc_time)> next_after,
                                  std::string description) {
  if (!next_after) throw std::invalid_argument("clockwork::run_schedule::custom: no next_after function");
  run_schedule s;
  s.what = kind::custom;
  s.next_after = std::move(next_after);
  s.description = std::move(description);
  return s;
}

run_schedule run_schedule::with_tolerance(std::chrono::nanoseconds t) const {
  if (t.count() < 0) throw std::invalid_argument("clockwork::run_schedule: the tolerance must not be negative");
  run_schedule s = *this;
  s.tolerance = t;
  return s;
}

std::string run_schedule::describe() const {
  const int minutes = static_cast<int>(time_of_day.count());
  switch (what) {
    case kind::daily_utc: return "once a UTC day at " + two(minutes / 60) + ":" + two(minutes % 60);
    case kind::daily_local: return "once a local day at " + two(minutes / 60) + ":" + two(minutes % 60);
    case kind::every: return "every " + format_duration(period);
    case kind::custom: return description;
  }
  return "?";
}

schedule_detector::schedule_detector(runtime& rt) : rt_(&rt) {}

void schedule_detector::expect(std::string service, run_schedule schedule) {
  if (service.empty()) throw std::invalid_argument("clockwork::schedule_detector::expect: a service name is needed");
  expected_[std::move(service)].push_back({std::move(schedule), rt_->clock().stamp_utc()});
}

const std::vector<utc_time>& schedule_detector::runs_of(const std::string& service) const {
  static const std::vector<utc_time> none;
  const auto it = runs_.find(service);
  return it == runs_.end() ? none : it->second;
}

void schedule_detector::on_schedule_declared(const schedule_declaration& declaration) {
  expect(declaration.service,
         run_schedule::custom(declaration.next_after, declaration.description).with_tolerance(declaration.tolerance));
}

void schedule_detector::on_event(std::string_view kind, std::string_view source, const trace_fields&) {
  if (kind != trace_kind::run) return;
  runs_[std::string(source)].push_back(rt_->clock().stamp_utc());
}

std::vector<utc_time> schedule_detector::occurrences(const run_schedule& s, utc_time from, utc_time to,
                                                     const std::vector<utc_time>& runs) const {
  std::vector<utc_time> out;
  if (to <= from) return out;
  switch (s.what) {
    case run_schedule::kind::daily_utc: {
      for (auto day = std::chrono::floor<std::chrono::days>(from); day <= to; day += std::chrono::days(1)) {
        const utc_time at = utc_time{day} + s.time_of_day;
        if (at > from && at <= to) out.push_back(at);
      }
      break;
    }
    case run_schedule::kind::daily_local: {
      const date::time_zone& zone = zone_of(rt_->clock());
      const auto first_local = date::floor<date::days>(zone.to_local(from - std::chrono::days(1)));
      const auto last_local = date::floor<date::days>(zone.to_local(to + std::chrono::days(1)));
      for (auto day = first_local; day <= last_local; day += date::days(1)) {
        const auto local = day + s.time_of_day;
        // A local time the day skips (a DST gap) happens at the end of the gap; a repeated one
        // counts once, at its first pass.
        const auto info = zone.get_info(local);
        utc_time at{};
        if (info.result == date::local_info::nonexistent) {
          at = utc_time{info.second.begin};
        } else {
          at = utc_time{(local - info.first.offset).time_since_epoch()};
        }
        if (at > from && at <= to) out.push_back(at);
      }
      break;
    }
    case run_schedule::kind::custom: {
      for (std::optional<utc_time> at = s.next_after(from); at && *at <= to; at = s.next_after(*at)) out.push_back(*at);
      break;
    }
    case run_schedule::kind::every: {
      std::optional<utc_time> first = s.first;
      if (!first && !runs.empty()) first = runs.front();
      if (!first) break;
      for (utc_time at = *first; at < to; at = saturating_add(at, s.period)) {
        if (at > from) out.push_back(at);
        if (at == utc_time::max()) break;
      }
      break;
    }
  }
  return out;
}

void schedule_detector::finish() {
  const utc_time now = rt_->clock().stamp_utc();
  for (auto& [service, list] : expected_) {
    const auto& runs = runs_of(service);
    for (auto& e : list) {
      // Leave occurrences whose tolerance window is still open for the next call.
      const utc_time to = saturating_add(now, -e.schedule.tolerance);
      const auto due = occurrences(e.schedule, e.from, to, runs);
      // Each run belongs to the occurrence it is nearest to, within half a period.
      std::chrono::nanoseconds half = std::chrono::hours(12);
      if (e.schedule.what == run_schedule::kind::every) half = e.schedule.period / 2;
      if (e.schedule.what == run_schedule::kind::custom && !due.empty()) {
        // Half the gap to the next occurrence (a custom schedule's occurrences need not be even).
        if (const auto following = e.schedule.next_after(due.front()))
          half = saturating_sub(*following, due.front()) / 2;
      }
      for (const utc_time at : due) {
        std::vector<utc_time> mine;
        for (const utc_time run : runs) {
          if (distance(run, at) < half || (distance(run, at) == half && run > at)) mine.push_back(run);
        }
        const bool in_time = std::any_of(mine.begin(), mine.end(),
                                         [&](utc_time run) { return distance(run, at) <= e.schedule.tolerance; });
        if (!in_time) {
          const std::string instead =
              mine.empty() ? std::string() : " (it ran at " + format_utc(mine.front()) + " instead)";
          rt_->report(finding_kind::missed_run, service,
                      "no run at " + format_utc(at) + " (" + e.schedule.describe() + ", tolerance " +
                          format_duration(e.schedule.tolerance) + ")" + instead);
        }
        if (mine.size() > 1) {
          std::string when;
          for (const utc_time run : mine) when += (when.empty() ? "" : ", ") + format_utc(run);
          rt_->report(finding_kind::duplicate_run, service,
                      std::to_string(mine.size()) + " runs for the occurrence at " + format_utc(at) + " (" +
                          e.schedule.describe() + "): " + when);
        }
      }
      if (to > e.from) e.from = to;
    }
  }
}

}  // namespace clockwork
