// Internal to the command lines: the exit codes clockwork-replay and clockwork-timeline share
// (clockwork-cron uses the same three), documented once in docs/scenarios.md ("Exit codes").
//
//   return clockwork::commands::exit_code_for(mismatched, inconclusive, strict_real);
//
// A real-host cross-check the machine distorted past its resolution is inconclusive: reported
// in the output and the reports, but not in the exit code unless asked (--strict-real), so that
// a default run's exit code never depends on how loaded the machine was.
#pragma once

#include <cstddef>

namespace clockwork::commands {

inline constexpr int exit_matched = 0;    // every verdict matched, every seed passed
inline constexpr int exit_mismatch = 1;   // a verdict differs, a seed failed, a run ended early
inline constexpr int exit_bad_input = 2;  // refused before anything ran; nothing written
// With --strict-real only: nothing mismatched, but a real-host run was inconclusive (ctest's
// SKIP_RETURN_CODE convention).
inline constexpr int exit_inconclusive = 77;

constexpr int exit_code_for(std::size_t mismatched, std::size_t inconclusive, bool strict_real) {
  if (mismatched > 0) return exit_mismatch;
  if (inconclusive > 0 && strict_real) return exit_inconclusive;
  return exit_matched;
}

}  // namespace clockwork::commands
