// Internal to clockwork-replay: an exploration in shards — which shard this process is (--shard,
// in the protocols test runners and schedulers already speak), the files a shard writes, and
// --merge, which joins the shards' files into the report and page of the whole exploration.
//
//   clockwork-replay --scenario explore.daily_log --explore 1000000 --shard 3/8 --shard-dir out
//       runs seeds 375001 to 500000, writes out/failing-seeds-3-of-8.jsonl and out/junit-3-of-8.xml
//   clockwork-replay --merge out/failing-seeds-*-of-8.jsonl --junit all.xml --html all.html
//       the report the unsharded run prints, one JUnit report, one page
//
// There is no coordinator: a shard knows its block from its index and the total alone
// (testing::shard_block), and the files say which block each covers, so a missing or repeated
// shard is named at --merge.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace clockwork::replay {

struct shard_spec {
  std::uint64_t index = 0;  // 0-based
  std::uint64_t total = 1;
  std::string source;  // how it was given, for what the program says: "3/8", "GTEST_SHARD_INDEX=3 ..."
  // "3-of-8": the part of the file names that says which shard wrote them.
  std::string file_suffix() const;
};

// --shard VALUE: "I/N" (0 <= I < N), "env" (GTEST_SHARD_INDEX and GTEST_TOTAL_SHARDS, as Bazel,
// ctest wrappers and CI matrices set them; neither set: the whole range, as shard 0/1; and
// GTEST_SHARD_STATUS_FILE, when set, is touched to say the program shards), or "k8s/N"
// (JOB_COMPLETION_INDEX, set in each pod of a Kubernetes Indexed Job of N completions).
// std::invalid_argument naming --shard and what is wrong.
shard_spec parse_shard(const std::string& value);

std::filesystem::path failing_seeds_file(const std::filesystem::path& dir, const shard_spec& shard);
std::filesystem::path shard_junit_file(const std::filesystem::path& dir, const shard_spec& shard);

struct merge_args {
  std::vector<std::string> files;  // the shards' failing-seeds files
  std::string junit_path;
  std::string html_path;  // re-runs the first failing seeds of each scenario to draw them
};
// Joins the shards and prints the whole exploration's report; exit codes as an exploration's.
// Bad input (a file that is not a shard's, shards of different explorations, a shard missing
// or given twice) throws std::invalid_argument before anything is written.
int run_merge(const merge_args& args);

}  // namespace clockwork::replay
