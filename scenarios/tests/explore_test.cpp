// Exploration: the DailyLog service survives chaos on every seed, deterministically; a planted
// bug is found and shrunk; a scenario that reads the real clock is reported as not deterministic.
#include "clockwork/testing/explore.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "clockwork/scenarios/explore_scenarios.hpp"
#include "clockwork/time/clock.hpp"

namespace {

using clockwork::testing::explore;
using clockwork::testing::explore_options;
using ::testing::HasSubstr;

explore_options daily_log_options(std::uint64_t seeds) {
  explore_options o;
  o.seeds = seeds;
  o.determinism_check = 0.25;
  return o;
}

TEST(Explore, TheDailyLogServiceHoldsOnEverySeedAndEveryRunIsDeterministic) {
  const auto found = explore(clockwork::scenarios::daily_log_explored(20, 10), daily_log_options(40));
  EXPECT_TRUE(found.ok()) << found.report();
  EXPECT_EQ(found.seeds.size(), 40u);
  EXPECT_EQ(found.checked_twice, 10u);
  std::size_t with_faults = 0;
  for (const auto& s : found.seeds) with_faults += s.faults > 0 ? 1 : 0;
  EXPECT_GT(with_faults, 10u) << "chaos must actually inject faults on many seeds";
}

TEST(Explore, APlantedBugIsFoundAndShrunkToAReproduction) {
  auto options = daily_log_options(200);
  options.stop_at_first_failure = true;
  const auto found = explore(clockwork::scenarios::daily_log_with_planted_bug(20, 10), options);
  ASSERT_TRUE(found.first_failure) << found.report();
  ASSERT_TRUE(found.shrunk);
  EXPECT_THAT(found.shrunk->failure, HasSubstr("never committed"));
  // Shrunk to the one fault that matters: an operation that failed, so that the quick retry ran.
  EXPECT_EQ(found.shrunk->fault_budget, 1u) << found.report();
  ASSERT_EQ(found.shrunk->faults.size(), 1u) << found.report();
  EXPECT_EQ(found.shrunk->faults[0].what, "operation failed");
  // Every other kind the failing seed turned on is not needed, and is turned off.
  const auto& failing = *std::find_if(found.seeds.begin(), found.seeds.end(),
                                      [&](const auto& o) { return o.seed == *found.first_failure; });
  const auto turned_off = [&](const char* kind, double probability) {
    if (failing.kinds.find(kind) != std::string::npos) {
      EXPECT_EQ(probability, 0.0) << kind << " is not needed";
    }
  };
  turned_off("wait_slow", found.shrunk->chaos.wait_slow);
  turned_off("operation_slow", found.shrunk->chaos.operation_slow);
  turned_off("clock_step", found.shrunk->chaos.clock_step);
  turned_off("clock_drift", found.shrunk->chaos.clock_drift);
  EXPECT_GT(found.shrunk->chaos.operation_error, 0.0) << "the kind it needs stays on";
  EXPECT_THAT(found.shrunk->command,
              ::testing::StartsWith("clockwork-replay --scenario explore.daily_log_planted_bug --seed " +
                                    std::to_string(*found.first_failure) + " --chaos"));
  EXPECT_THAT(found.shrunk->command, HasSubstr(" --chaos-budget 1"));
  EXPECT_THAT(found.report(), HasSubstr(found.shrunk->command));
  // The reproduction reproduces.
  clockwork::testing::run_options replay;
  replay.seed = found.shrunk->seed;
  replay.chaos = found.shrunk->chaos;
  replay.chaos_budget = found.shrunk->fault_budget;
  replay.span = found.shrunk->span;
  const auto again = clockwork::testing::run_scenario(clockwork::scenarios::daily_log_with_planted_bug(20, 10), replay);
  EXPECT_TRUE(again.invariant_failure.has_value());
}

TEST(Explore, EachSeedsReplayCommandCarriesTheOptionsTheExplorationRanWith) {
  auto options = daily_log_options(3);
  options.chaos = clockwork::scenarios::daily_log_chaos();
  options.chaos->budget = 3;
  options.chaos->wait_slow = 0.5;
  const auto found = explore(clockwork::scenarios::daily_log_explored(20, 10), options);
  EXPECT_EQ(
      found.replay(2),
      "clockwork-replay --scenario explore.daily_log --seed 2 --chaos --chaos-set wait_slow=0.5 --chaos-budget 3");
  // The replay command, run, injects what the exploration's seed injected.
  clockwork::testing::run_options replay;
  replay.seed = 2;
  replay.chaos = found.chaos;
  const auto again = clockwork::testing::run_scenario(clockwork::scenarios::daily_log_explored(20, 10), replay);
  EXPECT_EQ(again.injected.size(), found.seeds[1].faults);
  EXPECT_LE(again.injected.size(), 3u);
}

// The explored DailyLog logs from info up, as production does; a replay may ask for every debug
// line, and logging more changes what the trace holds, never what the run does.
TEST(Explore, ALogLevelOverrideRecordsMoreLinesAndChangesNothingElse) {
  const auto scenario = clockwork::scenarios::daily_log_explored(20, 10);
  EXPECT_EQ(scenario.log_level, spdlog::level::info);
  clockwork::testing::run_options o;
  o.seed = 3;
  o.chaos = clockwork::scenarios::daily_log_chaos();
  const auto at_info = clockwork::testing::run_scenario(scenario, o);
  o.log_level = spdlog::level::debug;
  const auto at_debug = clockwork::testing::run_scenario(scenario, o);
  const auto debug_lines = [](const clockwork::testing::scenario_run& run) {
    return std::count_if(run.records.begin(), run.records.end(), [](const clockwork::trace_record& r) {
      const std::string* level = r.field("level");
      return r.kind == "log" && level != nullptr && *level == "debug";
    });
  };
  EXPECT_EQ(debug_lines(at_info), 0);
  EXPECT_GT(debug_lines(at_debug), 100);  // a line per log created
  EXPECT_EQ(at_debug.actual, at_info.actual);
  EXPECT_EQ(at_debug.invariant_failure, at_info.invariant_failure);
  ASSERT_EQ(at_debug.injected.size(), at_info.injected.size());
  for (std::size_t i = 0; i < at_info.injected.size(); ++i)
    EXPECT_EQ(at_debug.injected[i].what, at_info.injected[i].what);
}

// A service that breaks the one rule: it reads the real clock, so its trace differs run to run.
class reads_the_real_clock : public clockwork::background_service {
 public:
  clockwork::task<> execute(std::stop_token stopping) override {
    const clockwork::real_clock wall;
    for (;;) {
      log()->info("the machine says {}", wall.steady_now().time_since_epoch().count());
      co_await rt().delay(std::chrono::minutes(1), stopping);
    }
  }
};

TEST(Explore, AScenarioThatIsNotDeterministicIsReportedAsSuchWithWhereTheRunsParted) {
  clockwork::testing::scenario s;
  s.name = "reads_the_real_clock";
  s.section = "the one rule";
  s.summary = "breaks it";
  s.span = std::chrono::minutes(5);
  s.virtual_only_reason = "a test of the explorer";
  s.setup = [](clockwork::testing::scenario_world& w) {
    w.builder().add_hosted_service<reads_the_real_clock>("clock_reader");
  };
  explore_options o;
  o.seeds = 3;
  o.determinism_check = 1.0;
  const auto found = explore(s, o);
  EXPECT_EQ(found.not_deterministic, 3u);
  EXPECT_EQ(found.failed, 0u) << "not deterministic is not a failure of the service";
  EXPECT_THAT(found.report(), HasSubstr("is not deterministic; trace line"));
  EXPECT_THAT(found.report(), HasSubstr("the machine says"));
}

TEST(Explore, ClockTroubleWithinTheScenariosLimitsIsPartOfWhatASeedDecides) {
  auto s = clockwork::scenarios::daily_log_explored(5, 3);
  explore_options o;
  o.seeds = 30;
  o.chaos = clockwork::scenarios::daily_log_chaos();
  o.chaos->clock_step = 1.0;
  o.keep_passing_runs = true;
  const auto found = explore(s, o);
  EXPECT_TRUE(found.ok()) << found.report();
  for (const auto& seed : found.seeds) {
    ASSERT_TRUE(seed.run);
    EXPECT_THAT(seed.kinds, HasSubstr("clock_step"));
    ASSERT_FALSE(seed.run->injected.empty());
    EXPECT_EQ(seed.run->injected.front().site, "wall clock");
    EXPECT_THAT(seed.run->trace_text, HasSubstr("clock_changed")) << "seed " << seed.seed;
  }
  s.clock_trouble = {};  // a scenario that declares no limits gets no clock trouble
  const auto calm = explore(s, o);
  for (const auto& seed : calm.seeds) EXPECT_THAT(seed.kinds, ::testing::Not(HasSubstr("clock_step")));
}

// Which seeds are run twice: round(fraction × seeds), spread evenly, the same every time. A
// tiny fraction used to divide by itself (1e-30: an integer overflow, undefined behaviour).
std::vector<std::uint64_t> seeds_run_twice(double fraction, std::uint64_t seeds) {
  explore_options o;
  o.seeds = seeds;
  o.determinism_check = fraction;
  o.shrink = false;
  const auto found = explore(clockwork::scenarios::daily_log_explored(2, 1), o);
  std::vector<std::uint64_t> out;
  for (const auto& s : found.seeds)
    if (s.checked_twice) out.push_back(s.seed);
  EXPECT_EQ(found.checked_twice, out.size());
  return out;
}

TEST(Explore, AFractionChecksThatFractionOfTheSeedsRoundedSpreadEvenly) {
  using seeds = std::vector<std::uint64_t>;
  EXPECT_EQ(seeds_run_twice(1e-30, 10), seeds{});
  EXPECT_EQ(seeds_run_twice(std::numeric_limits<double>::denorm_min(), 10), seeds{});
  EXPECT_EQ(seeds_run_twice(0.04, 10), seeds{}) << "0.4 seeds round to none";
  EXPECT_EQ(seeds_run_twice(0.05, 10), seeds{1}) << "0.5 seeds round to one";
  EXPECT_EQ(seeds_run_twice(0.1, 10), seeds{1});
  EXPECT_EQ(seeds_run_twice(0.3, 10), (seeds{1, 5, 8}));
  EXPECT_EQ(seeds_run_twice(0.5, 10), (seeds{1, 3, 5, 7, 9}));
  EXPECT_EQ(seeds_run_twice(2.0 / 3.0, 9), (seeds{1, 3, 4, 6, 7, 9}));
  EXPECT_EQ(seeds_run_twice(0.999, 10), (seeds{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(seeds_run_twice(0.3, 10), seeds_run_twice(0.3, 10)) << "the same seeds every time";
}

TEST(Explore, ReportsProgressAfterEachSeedWithCountsOnly) {
  std::vector<clockwork::testing::explore_progress> seen;
  auto o = daily_log_options(30);
  o.stop_at_first_failure = true;
  o.on_progress = [&seen](const clockwork::testing::explore_progress& p) { seen.push_back(p); };
  const auto found = explore(clockwork::scenarios::daily_log_with_planted_bug(20, 10), o);
  ASSERT_TRUE(found.first_failure) << found.report();
  ASSERT_TRUE(found.shrunk);
  std::uint64_t done = 0;
  std::size_t shrink_runs = 0;
  for (const auto& p : seen) {
    EXPECT_EQ(p.seeds_total, 30u);
    if (!p.shrinking) {
      EXPECT_EQ(p.seeds_done, ++done) << "one call a seed, in order";
      EXPECT_EQ(p.failed, p.seeds_done == *found.first_failure ? 1u : 0u);
    } else {
      EXPECT_EQ(p.seeds_done, found.seeds.size());
      EXPECT_EQ(p.shrink_runs, ++shrink_runs);
    }
  }
  EXPECT_EQ(done, found.seeds.size());
  EXPECT_GT(shrink_runs, 0u) << "shrinking reports its runs too";
  // The progress callback only watches: the same exploration without it finds the same.
  o.on_progress = {};
  const auto again = explore(clockwork::scenarios::daily_log_with_planted_bug(20, 10), o);
  EXPECT_EQ(again.report(), found.report());
}

TEST(Explore, BadOptionsAreRefused) {
  const auto s = clockwork::scenarios::daily_log_explored(2, 1);
  explore_options o;
  o.seeds = 0;
  EXPECT_THROW((void)explore(s, o), std::invalid_argument);
  o = {};
  o.chaos = clockwork::chaos_options{};
  o.chaos->wait_error = 1.5;
  EXPECT_THROW((void)explore(s, o), std::invalid_argument);
  o = {};
  o.determinism_check = -0.1;
  EXPECT_THROW((void)explore(s, o), std::invalid_argument);
}

}  // namespace
