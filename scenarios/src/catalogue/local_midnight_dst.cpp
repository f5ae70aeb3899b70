// Pattern 4 at local midnight, in a zone whose DST transitions fall on midnight itself:
// America/Havana (tzdata) — on 2026-03-08 the clocks go from 23:59:59 CST straight to 01:00 CDT
// (local midnight never happens), and on 2026-11-01 from 00:59:59 CDT back to 00:00 CST (local
// midnight happens twice). The patterns document computes UTC midnight; a job meant for local midnight has
// two classic ways to get these days wrong, one each:
//
//   skipped.wrong   converts "tomorrow 00:00 local" to an instant with date::zoned_time, whose
//                   default refuses a local time the zone skips (date::nonexistent_local_time;
//                   .NET's TimeZoneInfo.ConvertTimeToUtc throws the same way). The conversion
//                   sits outside the try, as the patterns document's CalculateDelayUntilMidnight does: right
//                   after its run at 00:00 on the 7th, the job throws, execute() ends, and under
//                   the default policy the whole host stops — the day before the switch.
//   repeated.wrong  the literal port of `DateTime.Now.Date.AddDays(1) - DateTime.Now`: local time
//                   minus local time, blind to the offset changing in between. The wait from
//                   00:00 CDT on 11-01 is 24 h long but the next local midnight is 25 h away, so
//                   the job wakes at 23:00, runs, waits an hour and runs again at 00:00: two
//                   runs for one day (the schedule detector's duplicate_run; the drift detector
//                   is silent, as no clock or zone changed — the offset did, as planned).
//   *.right         computes the next local midnight as a UTC instant with date/tz, choosing
//                   the earliest instant (a repeated midnight: its first pass; a skipped one: the
//                   end of the gap, 01:00 CDT, which is when the schedule expects it), and
//                   waits for it with delay_until_utc. One run a local day; nothing found.
//
// The schedule is declared in local time (daily_at_local(0, 0)). Nothing moves the wall clock:
// the run starts in the zone and on the date chosen, which a real host can do too.
#include <date/tz.h>

#include "entries.hpp"

namespace clockwork::scenarios::entries {
namespace {

using local_ns = date::local_time<std::chrono::nanoseconds>;

// "2026-11-01 23:00:00 CST": local wall time in the logs, for the story the trace tells.
std::string local_text(const date::time_zone& zone, utc_time t) {
  return date::format("%F %T %Z",
                      date::zoned_time<std::chrono::seconds>{&zone, std::chrono::floor<std::chrono::seconds>(t)});
}

// The three jobs below differ only in how they wait for the next local midnight.
class local_midnight_job : public background_service {
 protected:
  // DoWorkAsync: reports the run, and when it happened in local time.
  void ran() {
    note_run();
    log()->info("Midnight job ran at {}", local_text(rt().clock().local_zone(), rt().clock().utc_now()));
  }
};

// ❌ the next local midnight through date::zoned_time's default conversion (throws on 03-08)
class local_midnight_by_zoned_time final : public local_midnight_job {
 public:
  task<> execute(std::stop_token stopping) override {
    while (!stopping.stop_requested()) {
      const date::time_zone* zone = &rt().clock().local_zone();
      const utc_time now = rt().clock().utc_now();
      const auto today = date::floor<date::days>(zone->to_local(now));
      const date::zoned_time<std::chrono::seconds> next{zone, today + date::days{1}};  // may throw
      const std::chrono::nanoseconds delay = next.get_sys_time() - now;
      log()->info("Next run in {}", format_duration(delay));
      co_await rt().delay(delay, stopping);
      if (!stopping.stop_requested()) ran();
    }
  }
};

// ❌ DateTime.Now.Date.AddDays(1) - DateTime.Now: a difference of two local times
class local_midnight_by_local_arithmetic final : public local_midnight_job {
 public:
  task<> execute(std::stop_token stopping) override {
    while (!stopping.stop_requested()) {
      const local_ns now = rt().clock().local_zone().to_local(rt().clock().utc_now());
      const local_ns next = date::floor<date::days>(now) + date::days{1};
      const std::chrono::nanoseconds delay = next - now;
      log()->info("Next run in {}", format_duration(delay));
      co_await rt().delay(delay, stopping);
      if (!stopping.stop_requested()) ran();
    }
  }
};

// ✅ the next local midnight as a UTC instant, waited for on the wall clock
class local_midnight_at_utc final : public local_midnight_job {
 public:
  task<> execute(std::stop_token stopping) override {
    while (!stopping.stop_requested()) {
      const date::time_zone& zone = rt().clock().local_zone();
      const auto today = date::floor<date::days>(zone.to_local(rt().clock().utc_now()));
      const utc_time next = zone.to_sys(today + date::days{1}, date::choose::earliest);
      log()->info("Next run at {} ({})", format_utc(next), local_text(zone, next));
      co_await rt().delay_until_utc(next, stopping);
      if (!stopping.stop_requested()) ran();
    }
  }
};

// 2026-03-06 00:00 CST and 2026-10-31 00:00 CDT, as UTC.
constexpr utc_time march_6_local_midnight{std::chrono::sys_days{std::chrono::year{2026} / 3 / 6} +
                                          std::chrono::hours(5)};
constexpr utc_time october_31_local_midnight{std::chrono::sys_days{std::chrono::year{2026} / 10 / 31} +
                                             std::chrono::hours(4)};

template <class Job>
scenario local_midnight(std::string day, std::string variant, utc_time start) {
  scenario s;
  s.name = "p4.local_midnight_dst." + day + "." + variant;
  s.section = "Pattern 4: Run at Specific Time";
  s.variant = variant;
  s.zone = "America/Havana";
  s.start_utc = start;
  s.span = std::chrono::days(3) + std::chrono::hours(2);
  s.resolution = std::chrono::minutes(20);  // runs an hour apart are told apart (midnight or 01:00, 23:00)
  s.setup = [](testing::scenario_world& w) {
    w.builder().add_hosted_service<Job>("midnight");
    w.expect_runs("midnight", run_schedule::daily_at_local(0, 0));
  };
  s.count = [](testing::scenario_world& w, testing::verdict& v) {
    v.count("runs", w.count_records("run", "midnight"));
  };
  return s;
}

}  // namespace

scenario local_midnight_skipped_wrong() {
  auto s = local_midnight<local_midnight_by_zoned_time>("skipped", "wrong", march_6_local_midnight);
  s.summary = "local midnight through zoned_time's default: 03-08 00:00 does not exist, the job throws, the host stops";
  s.expected.finding(finding_kind::service_faulted, "midnight")
      .failure("midnight", failure_kind::faulted)
      .count("runs", 1);  // 03-07 00:00 CST, then the conversion of 03-08 00:00 throws
  return s;
}

scenario local_midnight_skipped_right() {
  auto s = local_midnight<local_midnight_at_utc>("skipped", "right", march_6_local_midnight);
  s.summary = "the earliest instant of each local midnight, waited for with delay_until_utc: 03-08 runs at 01:00 CDT";
  s.expected.count("runs", 3);  // 03-07 00:00 CST, 03-08 01:00 CDT (the end of the gap), 03-09 00:00 CDT
  return s;
}

scenario local_midnight_repeated_wrong() {
  auto s = local_midnight<local_midnight_by_local_arithmetic>("repeated", "wrong", october_31_local_midnight);
  s.summary = "local midnight by local-time arithmetic: after the 25-hour day it runs at 23:00 and again at 00:00";
  s.expected.finding(finding_kind::duplicate_run, "midnight")
      .count("runs", 4);  // 11-01 00:00 CDT, 11-01 23:00 CST, 11-02 00:00 CST, 11-03 00:00 CST
  return s;
}

scenario local_midnight_repeated_right() {
  auto s = local_midnight<local_midnight_at_utc>("repeated", "right", october_31_local_midnight);
  s.summary = "the earliest instant of each local midnight, waited for with delay_until_utc: once a local day";
  s.expected.count("runs", 3);  // 11-01 00:00 CDT (the first pass), 11-02 and 11-03 00:00 CST
  return s;
}

}  // namespace clockwork::scenarios::entries
