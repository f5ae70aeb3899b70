// clockwork::testing golden files — compare a rendering with a file kept in the source tree.
//
// A golden file holds the expected output of a deterministic run (a trace rendered by
// to_text, a report). golden_mismatch compares an actual text with it byte for byte and
// explains the first differences. When the environment variable CLOCKWORK_UPDATE_GOLDEN is
// set to anything but "" or "0", it writes the actual text to the file instead (creating its
// directory) and reports a match, so that an intended change is one re-run away:
//
//   CLOCKWORK_UPDATE_GOLDEN=1 build/dev/framework/threaded_tests --gtest_filter='Trace*'   # then review `git diff`
//
// Example:
//
//   // test (GoogleTest; see golden_assertions.hpp):
//   EXPECT_TRUE(clockwork::testing::matches_golden(clockwork::to_text(tr), dir / "daily_log.txt"));
//   // any other harness (a replay program in CI):
//   if (auto diff = clockwork::testing::golden_mismatch(text, path)) { std::cerr << *diff; return 1; }
//
// Thread safety: the functions touch only the file named; two calls on the same file at once
// while updating race as any two writers would.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace clockwork::testing {

// Whether CLOCKWORK_UPDATE_GOLDEN asks for golden files to be rewritten.
bool updating_golden_files();

// nullopt when actual equals the golden file's content (or the file was just rewritten);
// otherwise a readable explanation: a missing file, or the first differing lines.
std::optional<std::string> golden_mismatch(std::string_view actual, const std::filesystem::path& golden);

// A long rendering in short: its first `head` lines, its last `tail` lines, its line count and a
// 64-bit FNV-1a hash of the whole. Two renderings with equal digests are equal but for a hash
// collision; a diff of two digests still shows where they start and end.
std::string digest_of(std::string_view text, std::size_t head = 40, std::size_t tail = 10);

}  // namespace clockwork::testing
