// What the recurring_job tests share: instants in 2026, a simulation starting at one, the
// occurrences a job ran (from the trace), a job function that counts, the job's counters.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "clockwork/schedule/recurring_job.hpp"
#include "clockwork/testing/simulation.hpp"

namespace clockwork::test {

inline utc_time at(int month, int day, int hour = 0, int minute = 0) {
  return utc_time{std::chrono::sys_days{std::chrono::year{2026} / month / day}} + std::chrono::hours(hour) +
         std::chrono::minutes(minute);
}

inline testing::simulation_options starting(utc_time start, std::uint64_t seed = 0) {
  testing::simulation_options o;
  o.runtime.clock.start_utc = start;
  o.runtime.seed = seed;
  return o;
}

// The instants (UTC) the job's runs were scheduled for, from the trace.
inline std::vector<std::string> scheduled_runs(testing::simulation& sim, const std::string& job) {
  std::vector<std::string> out;
  for (const auto& r : sim.trace().find("job_run", job)) out.push_back(*r.field("scheduled"));
  return out;
}

inline job_function counts(int& runs) {
  return [&runs](job_run&) -> task<> {
    ++runs;
    co_return;
  };
}

inline const recurring_job& job_of(testing::simulation& sim, const std::string& name) {
  return static_cast<const recurring_job&>(*sim.app().service(name));
}

}  // namespace clockwork::test
