#include "clockwork/detectors/schedule_detector.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "clockwork/diagnostics/trace.hpp"
#include "clockwork/schedule/iso8601.hpp"
#include "clockwork/time/duration.hpp"
#include "clockwork/time/time_format.hpp"
#include "clockwork/time/virtual_clock.hpp"
#include "stamp_zone.hpp"

namespace clockwork {
namespace {

using detail::zone_of;

std::chrono::nanoseconds distance(utc_time a, utc_time b) {
  const auto d = saturating_sub(a, b);
  if (d == std::chrono::nanoseconds::min()) return std::chrono::nanoseconds::max();
  return d.count() < 0 ? -d : d;
}

// The instant a whole second names, if utc_time (int64 nanoseconds) can hold it: days are
// counted in seconds, where nothing overflows, and only instants in range become utc_time.
// Within a day of either end of the range a daily occurrence may not exist.
std::optional<utc_time> representable(std::chrono::sys_seconds t) {
  constexpr auto first = std::chrono::ceil<std::chrono::seconds>(utc_time::min());
  constexpr auto last = std::chrono::floor<std::chrono::seconds>(utc_time::max());
  if (t < first || t > last) return std::nullopt;
  return utc_time{t};
}

}  // namespace

run_schedule run_schedule::daily_at_utc(int hour, int minute) {
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) {
    throw std::invalid_argument(
        fmt::format("clockwork::run_schedule::daily_at_utc: {:02}:{:02} is not a time of day", hour, minute));
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
    case kind::daily_utc: return fmt::format("once a UTC day at {:02}:{:02}", minutes / 60, minutes % 60);
    case kind::daily_local: return fmt::format("once a local day at {:02}:{:02}", minutes / 60, minutes % 60);
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
  return it == runs_.end() ? none : it->second.by_time;
}

void schedule_detector::on_schedule_declared(const schedule_declaration& declaration) {
  expect(declaration.service,
         run_schedule::custom(declaration.next_after, declaration.description).with_tolerance(declaration.tolerance));
}

namespace {

std::optional<utc_time> instant_field(const trace_fields& fields, std::string_view key) {
  for (const auto& f : fields) {
    if (f.key != key) continue;
    try {
      return cron::parse_instant(f.value);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

bool schedule_detector::run_log::skipped_at(utc_time at) const {
  // The last range starting at or before `at`, and whether it reaches `at`.
  auto it = std::upper_bound(skipped.begin(), skipped.end(), at,
                             [](utc_time t, const std::pair<utc_time, utc_time>& r) { return t < r.first; });
  if (it == skipped.begin()) return false;
  --it;
  return at <= it->second;
}

void schedule_detector::on_event(std::string_view kind, std::string_view source, const trace_fields& fields) {
  if (kind == "job_skipped") {
    auto from = instant_field(fields, "scheduled");
    auto to = from;
    if (!from) {
      from = instant_field(fields, "from");
      to = instant_field(fields, "to");
    }
    if (!from || !to || *to < *from) return;
    auto found = runs_.find(source);
    if (found == runs_.end()) found = runs_.emplace(std::string(source), run_log{}).first;
    auto& ranges = found->second.skipped;
    const std::pair<utc_time, utc_time> range{*from, *to};
    ranges.insert(std::upper_bound(ranges.begin(), ranges.end(), range), range);
    return;
  }
  if (kind != trace_kind::run) return;
  // A run that names its occurrence counts for it; any other is placed by the wall clock now.
  const utc_time at = instant_field(fields, "scheduled").value_or(rt_->clock().stamp_utc());
  auto found = runs_.find(source);
  if (found == runs_.end()) found = runs_.emplace(std::string(source), run_log{}).first;
  if (!found->second.has_run) {
    found->second.first_reported = at;
    found->second.has_run = true;
  }
  std::vector<utc_time>& runs = found->second.by_time;
  // Runs arrive in wall-clock order unless the wall clock was stepped back since the last one.
  if (runs.empty() || runs.back() <= at) {
    runs.push_back(at);
  } else {
    runs.insert(std::upper_bound(runs.begin(), runs.end(), at), at);
  }
}

std::vector<utc_time> schedule_detector::occurrences(const run_schedule& s, utc_time from, utc_time to,
                                                     const run_log* runs) const {
  std::vector<utc_time> out;
  if (to <= from) return out;  // nothing new: the wall clock was stepped back since the last check
  switch (s.what) {
    case run_schedule::kind::daily_utc: {
      const auto last_day = std::chrono::floor<std::chrono::days>(to);
      for (auto day = std::chrono::floor<std::chrono::days>(from); day <= last_day; day += std::chrono::days(1)) {
        const std::optional<utc_time> at = representable(day + s.time_of_day);
        if (at && *at > from && *at <= to) out.push_back(*at);
      }
      break;
    }
    case run_schedule::kind::daily_local: {
      const date::time_zone& zone = zone_of(rt_->clock());
      const auto from_s = std::chrono::floor<std::chrono::seconds>(from);
      const auto to_s = std::chrono::floor<std::chrono::seconds>(to);
      const auto first_local = date::floor<date::days>(zone.to_local(from_s - std::chrono::days(1)));
      const auto last_local = date::floor<date::days>(zone.to_local(to_s + std::chrono::days(1)));
      for (auto day = first_local; day <= last_local; day += date::days(1)) {
        const date::local_seconds local = day + s.time_of_day;
        // A local time the day skips (a DST gap) happens at the end of the gap; a repeated one
        // counts once, at its first pass.
        const auto info = zone.get_info(local);
        const std::chrono::sys_seconds when =
            info.result == date::local_info::nonexistent
                ? info.second.begin
                : std::chrono::sys_seconds{(local - info.first.offset).time_since_epoch()};
        const std::optional<utc_time> at = representable(when);
        if (at && *at > from && *at <= to) out.push_back(*at);
      }
      break;
    }
    case run_schedule::kind::custom: {
      for (std::optional<utc_time> at = s.next_after(from); at && *at <= to; at = s.next_after(*at)) out.push_back(*at);
      break;
    }
    case run_schedule::kind::every: {
      std::optional<utc_time> first = s.first;
      if (!first && runs != nullptr && runs->has_run) first = runs->first_reported;
      if (!first) break;
      // Start from the last occurrence at or before `from`, computed rather than walked: each
      // check costs what its own window holds, however long the schedule has been running.
      utc_time at = *first;
      while (at <= from && at != utc_time::max()) {
        const auto gap = saturating_sub(from, at);
        at = saturating_add(at, gap >= s.period ? gap - gap % s.period : s.period);
      }
      for (; at <= to; at = saturating_add(at, s.period)) {
        if (at > from) out.push_back(at);
        if (at == utc_time::max()) break;
      }
      break;
    }
  }
  return out;
}

void schedule_detector::check(const std::string& service, const run_schedule& s, const std::vector<utc_time>& due,
                              const run_log* log) {
  if (due.empty()) return;
  static const std::vector<utc_time> none;
  const std::vector<utc_time>& runs = log ? log->by_time : none;
  // Each run belongs to the occurrence it is nearest to, within half a period: the occurrence at
  // `at` owns the runs in (at - half, at + half].
  std::chrono::nanoseconds half = std::chrono::hours(12);
  if (s.what == run_schedule::kind::every) half = s.period / 2;
  if (s.what == run_schedule::kind::custom) {
    // Half the gap to the next occurrence (a custom schedule's occurrences need not be even).
    if (const auto following = s.next_after(due.front())) half = saturating_sub(*following, due.front()) / 2;
  }
  const auto before_window = [half](utc_time run, utc_time at) { return run <= at && distance(run, at) >= half; };
  const auto after_window = [half](utc_time run, utc_time at) { return run > at && distance(run, at) > half; };
  const auto late = [&s](utc_time run, utc_time at) { return run < at && distance(run, at) > s.tolerance; };
  // The runs are in wall-clock order and the windows move forward with the occurrences, so one
  // walk of two cursors over the runs serves every occurrence: [mine, past) is the window.
  auto mine =
      std::partition_point(runs.begin(), runs.end(), [&](utc_time run) { return before_window(run, due.front()); });
  auto past = mine;
  for (const utc_time at : due) {
    for (; mine != runs.end() && before_window(*mine, at); ++mine) ++examined_;
    if (past < mine) past = mine;
    for (; past != runs.end() && !after_window(*past, at); ++past) ++examined_;
    // The window's runs earlier than the tolerance come first; the next one decides.
    const auto nearest = std::partition_point(mine, past, [&](utc_time run) { return late(run, at); });
    const bool in_time = nearest != past && distance(*nearest, at) <= s.tolerance;
    if (!in_time && !(log && log->skipped_at(at))) {
      const std::string instead = mine == past ? std::string() : " (it ran at " + format_utc(*mine) + " instead)";
      rt_->report(finding_kind::missed_run, service,
                  "no run at " + format_utc(at) + " (" + s.describe() + ", tolerance " + format_duration(s.tolerance) +
                      ")" + instead);
    }
    if (past - mine > 1) {
      std::string when;
      for (auto run = mine; run != past; ++run) when += (when.empty() ? "" : ", ") + format_utc(*run);
      rt_->report(finding_kind::duplicate_run, service,
                  std::to_string(past - mine) + " runs for the occurrence at " + format_utc(at) + " (" + s.describe() +
                      "): " + when);
    }
  }
}

void schedule_detector::finish() {
  const utc_time now = rt_->clock().stamp_utc();
  for (auto& [service, list] : expected_) {
    const auto found = runs_.find(service);
    const run_log* log = found == runs_.end() ? nullptr : &found->second;
    for (auto& e : list) {
      // Leave occurrences whose tolerance window is still open for the next call.
      const utc_time to = saturating_add(now, -e.schedule.tolerance);
      const auto due = occurrences(e.schedule, e.from, to, log);
      examined_ += due.size();
      check(service, e.schedule, due, log);
      if (to > e.from) e.from = to;
    }
  }
}

}  // namespace clockwork
