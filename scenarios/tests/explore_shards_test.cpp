// Exploration in shards: the blocks cover the seeds once each, and the shards' summaries —
// written as JSON lines, read back and joined — are the unsharded exploration's, whatever the
// number of shards: the same counts, failing seeds, first failure, shrunk case and report.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "clockwork/scenarios/explore_scenarios.hpp"
#include "clockwork/testing/explore.hpp"
#include "clockwork/testing/explore_summary.hpp"

namespace {

using clockwork::testing::exploration_summary;
using clockwork::testing::explore;
using clockwork::testing::explore_options;
using clockwork::testing::join_shards;
using clockwork::testing::parse_summaries;
using clockwork::testing::seed_block;
using clockwork::testing::shard_block;
using clockwork::testing::summary_of;
using clockwork::testing::to_json_lines;
using ::testing::HasSubstr;

TEST(ShardBlock, BlocksCoverTheSeedsOnceEachInOrderWithSizesWithinOne) {
  for (const std::uint64_t seeds : {1u, 2u, 5u, 10u, 97u, 1000u}) {
    for (std::uint64_t total = 1; total <= 12; ++total) {
      std::uint64_t next = 0;
      std::uint64_t smallest = seeds;
      std::uint64_t largest = 0;
      for (std::uint64_t i = 0; i < total; ++i) {
        const seed_block b = shard_block(seeds, i, total);
        EXPECT_EQ(b.offset, next) << seeds << " seeds, shard " << i << "/" << total;
        next = b.offset + b.count;
        smallest = std::min(smallest, b.count);
        largest = std::max(largest, b.count);
      }
      EXPECT_EQ(next, seeds) << seeds << " seeds in " << total << " shards";
      EXPECT_LE(largest - smallest, 1u) << seeds << " seeds in " << total << " shards";
    }
  }
  EXPECT_EQ(shard_block(1'000'000, 3, 8), (seed_block{375'000, 125'000}));
  EXPECT_EQ(shard_block(10, 0, 3), (seed_block{0, 4}));
  EXPECT_EQ(shard_block(10, 2, 3), (seed_block{7, 3}));
  EXPECT_THROW((void)shard_block(10, 3, 3), std::invalid_argument);
  EXPECT_THROW((void)shard_block(10, 0, 0), std::invalid_argument);
}

TEST(ShardBlock, ABlockPastTheSeedsIsRefused) {
  explore_options o;
  o.seeds = 10;
  o.block = seed_block{8, 3};
  EXPECT_THROW(o.validate(), std::invalid_argument);
}

explore_options planted_bug_options(std::uint64_t seeds) {
  explore_options o;
  o.seeds = seeds;
  o.first_seed = 11;
  o.determinism_check = 0.3;
  return o;
}

// Each shard's summary, through its JSON lines, as --shard writes them and --merge reads them.
std::vector<exploration_summary> shards_of(const explore_options& whole, std::uint64_t total) {
  std::vector<exploration_summary> out;
  // Given in reverse: the order of the files must not matter.
  for (std::uint64_t i = total; i-- > 0;) {
    explore_options part = whole;
    part.block = shard_block(whole.seeds, i, total);
    const auto found = explore(clockwork::scenarios::daily_log_with_planted_bug(20, 10), part);
    for (auto& s : parse_summaries(to_json_lines(summary_of(found)))) out.push_back(std::move(s));
  }
  return out;
}

std::string as_unsharded(exploration_summary s) {
  s.shards = 1;
  return to_json_lines(s);
}

TEST(ExploreShards, JoinedShardsAreTheWholeExploration) {
  const auto options = planted_bug_options(48);
  const auto whole = explore(clockwork::scenarios::daily_log_with_planted_bug(20, 10), options);
  ASSERT_GE(whole.failed, 2u) << "the planted bug must fail seeds in more than one shard: " << whole.report();
  ASSERT_TRUE(whole.shrunk);
  ASSERT_GT(whole.checked_twice, 0u);
  const auto expected = summary_of(whole);
  for (const std::uint64_t total : {1u, 3u, 7u}) {
    const auto joined = join_shards(shards_of(options, total));
    ASSERT_EQ(joined.size(), 1u);
    EXPECT_EQ(joined.front().shards, total);
    EXPECT_EQ(report(joined.front()), whole.report()) << total << " shard(s)";
    EXPECT_EQ(as_unsharded(joined.front()), to_json_lines(expected)) << total << " shard(s)";
  }
}

TEST(ExploreShards, StoppingAtTheFirstFailureJoinsAsTheWholeRunStopped) {
  auto options = planted_bug_options(48);
  options.stop_at_first_failure = true;
  const auto whole = explore(clockwork::scenarios::daily_log_with_planted_bug(20, 10), options);
  ASSERT_TRUE(whole.first_failure);
  ASSERT_LT(whole.seeds.size(), 48u) << "the first failure must come before the last seed";
  const auto joined = join_shards(shards_of(options, 4));
  EXPECT_EQ(report(joined.front()), whole.report());
  EXPECT_EQ(joined.front().seeds_run, whole.seeds.size());
}

TEST(ExploreShards, TheSummaryRoundTripsThroughJsonLines) {
  const auto found = explore(clockwork::scenarios::daily_log_with_planted_bug(20, 10), planted_bug_options(16));
  const auto summary = summary_of(found);
  const auto text = to_json_lines(summary) + "\n" + to_json_lines(summary);  // two summaries, a blank line
  const auto back = parse_summaries(text);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(to_json_lines(back[0]), to_json_lines(summary));
  EXPECT_EQ(back[1].notable, summary.notable);
  EXPECT_EQ(report(back[1]), found.report());
}

TEST(ExploreShards, AMissingRepeatedOrForeignShardIsNamed) {
  const auto options = planted_bug_options(12);
  auto shards = shards_of(options, 3);  // shards 2, 1, 0
  {
    auto missing = shards;
    missing.erase(missing.begin() + 1);  // shard 1: seeds 15 to 18
    try {
      (void)join_shards(missing);
      FAIL() << "a missing shard must be refused";
    } catch (const std::invalid_argument& e) {
      EXPECT_THAT(e.what(), HasSubstr("leave a gap: seeds 15 to 18 are in no shard given"));
    }
    auto last_missing = shards;
    last_missing.erase(last_missing.begin());  // shard 2: seeds 19 to 22
    EXPECT_THROW((void)join_shards(last_missing), std::invalid_argument);
  }
  {
    auto twice = shards;
    twice.push_back(shards[1]);
    try {
      (void)join_shards(twice);
      FAIL() << "a shard given twice must be refused";
    } catch (const std::invalid_argument& e) {
      EXPECT_THAT(e.what(), HasSubstr("overlap"));
    }
  }
  {
    auto foreign = shards;
    foreign[0].chaos.operation_error = 0.5;
    try {
      (void)join_shards(foreign);
      FAIL() << "shards of different explorations must be refused";
    } catch (const std::invalid_argument& e) {
      EXPECT_THAT(e.what(), HasSubstr("operation_error"));
    }
  }
  EXPECT_THROW((void)join_shards({}), std::invalid_argument);
}

TEST(ExploreShards, WhatIsNotAShardsFileIsRefusedWithItsLine) {
  const auto refused = [](const std::string& text, const std::string& says) {
    try {
      (void)parse_summaries(text);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const std::invalid_argument& e) {
      EXPECT_THAT(e.what(), HasSubstr(says)) << text;
    }
  };
  refused("not json\n", "line 1: not a JSON object");
  refused("{\"record\":\"seed\",\"seed\":1}\n", "before any \"summary\"");
  refused("{\"record\":\"summary\",\"format\":99}\n", "format 99");
  refused("{\"record\":\"nonsense\"}\n", "unknown record");
  const auto found = explore(clockwork::scenarios::daily_log_with_planted_bug(20, 10), planted_bug_options(4));
  auto text = to_json_lines(summary_of(found));
  const auto at = text.find("\"seeds_run\":");
  text.replace(at, 12, "\"seeds_run\":\"x\",\"was\":");
  refused(text, "line 1: \"seeds_run\" must be a whole number");
}

}  // namespace
