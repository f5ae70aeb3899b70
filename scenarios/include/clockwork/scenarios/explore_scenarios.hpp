// Scenarios made for exploration (clockwork::testing::explore): the DailyLog service for 30
// simulated days and 100 users with an invariant — every active user has exactly one log per
// day, nothing is half-written — and a test-only variant of the service with a planted bug (a
// quick retry of a failed run that forgets to commit) that exploration must find and shrink.
//
//   auto found = clockwork::testing::explore(clockwork::scenarios::daily_log_explored(), options);
//   // production has no such scenarios: they exist to prove the explorer, and as examples.
//
// Thread safety: builds fresh descriptions on every call.
#pragma once

#include <cstdint>

#include "clockwork/runtime/chaos.hpp"
#include "clockwork/testing/scenario.hpp"

namespace clockwork::scenarios {

// The DailyLog service as the patterns document writes it: it survives every fault chaos
// injects into its repositories (the next run repairs), so the invariant always holds.
testing::scenario daily_log_explored(std::uint32_t users = 100, int days = 30);
// The same with a planted bug: after a failed run it retries once at once, in a new scope, but
// the retry forgets to commit. Found only on seeds where an operation fails during a run.
testing::scenario daily_log_with_planted_bug(std::uint32_t users = 100, int days = 30);
// The chaos that exploring them uses: slow and failing repository operations, slow waits, and
// no failing delays (the service's own waits are not where its bugs are).
chaos_options daily_log_chaos();

}  // namespace clockwork::scenarios
