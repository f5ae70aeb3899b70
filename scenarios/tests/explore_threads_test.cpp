// Exploration on several threads (explore_options::jobs): whatever the number of threads, the
// same exploration — the same outcome for every seed in seed order, the same first failing seed,
// the same kept runs, the same shrunk reproduction — with progress reported on the calling
// thread, in seed order. Built under ThreadSanitizer too: the seeds' runs share nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "clockwork/scenarios/explore_scenarios.hpp"
#include "clockwork/testing/explore.hpp"

namespace {

using clockwork::testing::exploration;
using clockwork::testing::explore;
using clockwork::testing::explore_options;
using ::testing::HasSubstr;

// Everything an exploration found, one line a seed, for comparing two of them.
std::string everything_of(const exploration& e) {
  std::string out = e.report();
  for (const auto& o : e.seeds) {
    out += std::to_string(o.seed) + (o.passed ? " passed" : " failed: " + o.failure) +
           (o.checked_twice ? " twice" : "") + (o.deterministic ? "" : " not deterministic: " + o.divergence) +
           " faults " + std::to_string(o.faults) + " kinds " + o.kinds;
    if (o.run)
      out += " run " + std::to_string(o.run->trace_hash) + " trace " + std::to_string(o.run->trace_text.size());
    out += "\n";
  }
  if (e.shrunk) out += "shrunk: " + e.shrunk->command + "\n";
  return out;
}

explore_options on_threads(unsigned jobs, std::uint64_t seeds, clockwork::testing::scenario (*make)()) {
  explore_options o;
  o.seeds = seeds;
  o.determinism_check = 0.25;
  o.jobs = jobs;
  o.fresh_scenario = make;
  return o;
}

clockwork::testing::scenario small_daily_log() {
  return clockwork::scenarios::daily_log_explored(10, 6);
}
clockwork::testing::scenario small_planted_bug() {
  return clockwork::scenarios::daily_log_with_planted_bug(10, 6);
}

TEST(ExploreOnThreads, FindsWhatOneThreadFindsSeedForSeed) {
  const auto one = explore(small_daily_log(), on_threads(1, 48, &small_daily_log));
  EXPECT_TRUE(one.ok()) << one.report();
  for (const unsigned jobs : {2u, 3u, 0u}) {
    const auto many = explore(small_daily_log(), on_threads(jobs, 48, &small_daily_log));
    EXPECT_EQ(everything_of(many), everything_of(one)) << jobs << " thread(s)";
  }
}

TEST(ExploreOnThreads, AFailingScenarioKeepsTheSameRunsAndShrinksTheSameWay) {
  auto options = on_threads(1, 40, &small_planted_bug);
  options.failing_runs_kept = 1;
  const auto one = explore(small_planted_bug(), options);
  ASSERT_TRUE(one.first_failure) << one.report();
  ASSERT_TRUE(one.shrunk);
  ASSERT_GT(one.failed, 1u) << "more failures than runs kept";
  options.jobs = 3;
  const auto many = explore(small_planted_bug(), options);
  EXPECT_EQ(everything_of(many), everything_of(one));
}

TEST(ExploreOnThreads, StoppingAtTheFirstFailureStopsAtTheLowestFailingSeed) {
  auto options = on_threads(1, 60, &small_planted_bug);
  options.first_seed = 7;
  options.stop_at_first_failure = true;
  const auto one = explore(small_planted_bug(), options);
  ASSERT_TRUE(one.first_failure) << one.report();
  EXPECT_EQ(one.seeds.back().seed, *one.first_failure) << "nothing after it";
  options.jobs = 2;
  const auto many = explore(small_planted_bug(), options);
  EXPECT_EQ(everything_of(many), everything_of(one));
}

TEST(ExploreOnThreads, ReportsProgressOnTheCallingThreadInSeedOrder) {
  auto options = on_threads(2, 24, &small_daily_log);
  const auto caller = std::this_thread::get_id();
  std::uint64_t seen = 0;
  bool elsewhere = false;
  options.on_progress = [&](const clockwork::testing::explore_progress& p) {
    elsewhere = elsewhere || std::this_thread::get_id() != caller;
    EXPECT_EQ(p.seeds_done, ++seen);
  };
  (void)explore(small_daily_log(), options);
  EXPECT_EQ(seen, 24u);
  EXPECT_FALSE(elsewhere) << "on_progress is called on the thread that called explore";
}

TEST(ExploreOnThreads, MoreThanOneThreadNeedsAWayToBuildTheScenarioAgain) {
  explore_options o;
  o.seeds = 4;
  o.jobs = 2;
  try {
    (void)explore(small_daily_log(), o);
    FAIL() << "explore ran seeds on two threads sharing one scenario";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("fresh_scenario"));
  }
  o.jobs = 1;
  EXPECT_NO_THROW((void)explore(small_daily_log(), o)) << "one thread needs none";
}

}  // namespace
