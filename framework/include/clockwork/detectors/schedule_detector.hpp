// clockwork::schedule_detector — checks the runs a service reports against the schedule it
// declared, in wall time: a missed_run finding for every scheduled occurrence with no run near
// it, a duplicate_run finding for every occurrence with more than one.
//
// A service reports a run by emitting a `run` event (background_service::note_run(), or
// runtime::emit("run", name)); the detector stamps it with the wall clock at that moment, so a
// job that slept on the monotonic clock across an NTP step shows up as having run at 23:55 —
// and the midnight it meant as missed. A run that names its occurrence (a `scheduled` field, as
// recurring_job's do) counts for that occurrence, however late a catch-up ran it; occurrences a
// service skipped on purpose and said so (a `job_skipped` event with `scheduled`, or `from` and
// `to`: a misfire policy's drops, an overlap's skip) are not reported as missed — the service
// counted them already.
//
// Schedules (run_schedule):
//   daily_at_utc(h, m)     once a UTC day at h:m
//   daily_at_local(h, m)   once a local day at h:m, in the clock's zone when the day is checked
//   every(period)          every period of wall time, from the first expected run `first`
// Each with a tolerance (default one minute): a run within it of an occurrence is that
// occurrence's run.
//
// Cost: finish() walks the occurrences it checks and the runs near them once, side by side (the
// runs are kept in wall-clock order), so checking a year of a minutely job is linear in its
// 525,600 occurrences and runs, not their product. Occurrences past the end of the clock's range
// (2262-04-11T23:47:16Z; before 1677-09-21T00:12:44Z) do not exist and are never expected.
//
// Example — test (production services report runs the same way; only tests check them):
//
//   clockwork::schedule_detector schedules{rt};
//   schedules.expect("midnight", clockwork::run_schedule::daily_at_utc(0, 0));
//   fanout.add(schedules);
//   ... run the scenario ...
//   schedules.finish();            // reports what is missing or doubled up to now
//
// Thread safety: an observer: its runtime's loop thread only. The runtime must outlive it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "clockwork/diagnostics/runtime_observer.hpp"
#include "clockwork/runtime/runtime.hpp"

namespace clockwork {

struct run_schedule {
  enum class kind { daily_utc, daily_local, every, custom };
  kind what = kind::daily_utc;
  std::chrono::minutes time_of_day{0};                          // daily_*: minutes after midnight
  std::chrono::nanoseconds period{0};                           // every
  std::optional<utc_time> first;                                // every: the first occurrence (default: the first run)
  std::function<std::optional<utc_time>(utc_time)> next_after;  // custom: the first occurrence after
  std::string description;                                      // custom
  std::chrono::nanoseconds tolerance = std::chrono::minutes(1);

  static run_schedule daily_at_utc(int hour, int minute = 0);
  static run_schedule daily_at_local(int hour, int minute = 0);
  static run_schedule every(std::chrono::nanoseconds period, std::optional<utc_time> first = std::nullopt);
  // Any schedule: the first occurrence after an instant (a cron::schedule's next, say).
  static run_schedule custom(std::function<std::optional<utc_time>(utc_time)> next_after, std::string description);
  run_schedule with_tolerance(std::chrono::nanoseconds t) const;
  std::string describe() const;
};

class schedule_detector final : public runtime_observer {
 public:
  explicit schedule_detector(runtime& rt);

  // Declares what `service` should do from now on (the check window starts just after now: an
  // occurrence at the very instant of the declaration is not expected).
  void expect(std::string service, run_schedule schedule);
  // Checks every declared schedule from its start to now, reports missed and duplicate runs
  // (once each), and moves the window on: a later finish() checks only what came after.
  // Occurrences closer to now than the tolerance are left for the next call.
  void finish();

  // Runs reported so far by service, as wall-clock instants, earliest first (a run reported
  // after the wall clock was stepped back sorts before the runs stamped later).
  const std::vector<utc_time>& runs_of(const std::string& service) const;
  // How many occurrences and runs finish() has stepped over so far, all calls together: its
  // work, which stays within a small multiple of the occurrences checked plus the runs reported.
  std::uint64_t instants_examined() const noexcept { return examined_; }

  void on_event(std::string_view kind, std::string_view source, const trace_fields& fields) override;
  // A declared schedule (a recurring job's) is expected from the moment it is declared.
  void on_schedule_declared(const schedule_declaration& declaration) override;

 private:
  struct expectation {
    run_schedule schedule;
    utc_time from{};  // the window still to check
  };
  struct run_log {
    std::vector<utc_time> by_time;  // earliest first
    utc_time first_reported{};      // an every() schedule without `first` starts here
    bool has_run = false;           // first_reported is set
    // Occurrences the service skipped on purpose and said so (job_skipped): [from, to], sorted.
    std::vector<std::pair<utc_time, utc_time>> skipped;
    bool skipped_at(utc_time at) const;
  };
  std::vector<utc_time> occurrences(const run_schedule& s, utc_time from, utc_time to, const run_log* runs) const;
  // Reports the missed and doubled occurrences of `due` (earliest first) against `runs`.
  void check(const std::string& service, const run_schedule& s, const std::vector<utc_time>& due, const run_log* log);

  runtime* rt_;
  std::map<std::string, std::vector<expectation>> expected_;
  std::map<std::string, run_log, std::less<>> runs_;  // by service
  std::uint64_t examined_ = 0;
};

}  // namespace clockwork
