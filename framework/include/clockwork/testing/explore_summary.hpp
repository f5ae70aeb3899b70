// clockwork::testing::exploration_summary — what an exploration found, without its runs: the
// counts, every seed that failed or was not deterministic, the first failure and its shrunk
// reproduction. It is what one shard of a sharded exploration hands on: written as JSON lines
// (to_json_lines), read back (parse_summaries), and joined with the other shards' (join_shards)
// into the summary the unsharded exploration would have had — same counts, same failing seeds,
// same first failure, same reproduction, and so the same report().
//
// Example — a million seeds on eight machines, then one report:
//
//   // on machine i of 8 (a CI matrix job, a Kubernetes Indexed Job's pod):
//   clockwork::testing::explore_options o;
//   o.seeds = 1'000'000;
//   o.block = clockwork::testing::shard_block(o.seeds, i, 8);
//   const auto found = clockwork::testing::explore(my_scenario(), o);
//   std::ofstream("failing-seeds-" + std::to_string(i) + "-of-8.jsonl")
//       << clockwork::testing::to_json_lines(clockwork::testing::summary_of(found));
//   // afterwards, anywhere: the eight files joined
//   std::vector<clockwork::testing::exploration_summary> shards;
//   for (const auto& text : eight_files) for (auto& s : clockwork::testing::parse_summaries(text)) shards.push_back(s);
//   for (const auto& whole : clockwork::testing::join_shards(shards))   // one per scenario, as if
//     std::fputs(clockwork::testing::report(whole).c_str(), stdout);    // one machine ran them all
//
//   // in a test: the joined shards are the whole run
//   EXPECT_EQ(report(join_shards({summary_of(part0), summary_of(part1)}).front()), whole_run.report());
//
// clockwork-replay --shard and --merge do exactly this (docs/explore.md, "On many machines").
//
// The JSON lines: a "summary" record first (scenario, chaos options by name, range, block, counts,
// first failure), then a "seed" record per failing or not-deterministic seed in seed order, then
// a "shrunk" record when there is a reproduction; "format": 1 on the first. Several summaries
// (several scenarios) may follow each other in one text.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clockwork/testing/explore.hpp"

namespace clockwork::testing {

// A seed worth naming: it failed, or its two runs differed.
struct seed_summary {
  std::uint64_t seed = 0;
  bool passed = true;
  std::string failure;
  bool deterministic = true;
  std::string divergence;
  std::size_t faults = 0;
  std::string kinds;
  friend bool operator==(const seed_summary&, const seed_summary&) = default;
};

struct exploration_summary {
  std::string scenario;
  chaos_options chaos;
  std::string replay_base;  // exploration::replay_base
  std::uint64_t first_seed = 1;
  std::uint64_t seeds_asked = 0;  // the whole range
  seed_block block;               // the part this summary covers (joined: all of it)
  bool stop_at_first_failure = false;
  double determinism_check = 0.1;
  std::uint64_t seeds_run = 0;  // fewer than block.count when it stopped at a failure
  std::size_t failed = 0;
  std::size_t checked_twice = 0;
  std::size_t not_deterministic = 0;
  std::vector<seed_summary> notable;  // the failing and not-deterministic seeds, in seed order
  std::optional<std::uint64_t> first_failure;
  std::optional<reproduction> shrunk;
  std::size_t shards = 1;  // how many summaries were joined into this one

  bool ok() const noexcept { return failed == 0 && not_deterministic == 0; }
  std::string replay(std::uint64_t seed) const;  // as exploration::replay
};

exploration_summary summary_of(const exploration& e);

// The account exploration::report() gives, from the summary alone.
std::string report(const exploration_summary& s);

// The summary as JSON lines (a newline after each record).
std::string to_json_lines(const exploration_summary& s);

// Every summary in a text of JSON lines, in order. std::invalid_argument naming the line when the
// text is not one (not JSON, an unknown format or record, a seed record before any summary, a
// field missing or of the wrong type); blank lines are skipped.
std::vector<exploration_summary> parse_summaries(std::string_view json_lines);

// Joins the shards of one exploration, given in any order, into the summary of the whole run.
// Shards of several scenarios are joined per scenario, in the order each first appears.
// std::invalid_argument when they are not the blocks of one range — a shard missing or given
// twice, blocks that overlap or leave a gap, different chaos options, range or determinism check
// — naming what differs and which seeds are missing. With stop_at_first_failure, the shards
// after the one holding the first failure are dropped, as the whole run would not have run them.
std::vector<exploration_summary> join_shards(std::vector<exploration_summary> shards);

}  // namespace clockwork::testing
