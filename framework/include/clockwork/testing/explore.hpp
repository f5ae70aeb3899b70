// clockwork::testing::explore — runs a scenario under many seeds, each deciding the order of
// same-instant events and the faults injected where code waits (chaos.hpp), checks that each run
// still holds (the scenario's invariant, and no finding beyond the ones it expects), checks that
// runs are deterministic by running seeds twice, and hands back the first failing seed with the
// command that replays it and a smaller reproduction found by shrinking.
//
// What a seed decides: (a) the order of events that fall on the same instant (the virtual
// runtime's shuffle); (b) which kinds of fault are on for it and where they fire — a delay that
// fails, a delay that takes longer, a fake's operation that throws or is slow — BUGGIFY-style:
// a kind is on only for some seeds, and then fires often; (c) wall-clock trouble — a step, a
// drift — at a random instant, within the limits the scenario declares (scenario::clock_trouble).
//
// Example — your own service, in a test:
//
//   clockwork::testing::scenario s = my_service_scenario();      // scenario.hpp
//   s.invariant = [](clockwork::testing::scenario_world& w) -> std::optional<std::string> {
//     if (store->duplicates() > 0) return "a log was created twice";
//     return std::nullopt;
//   };
//   clockwork::testing::explore_options o;
//   o.seeds = 1000;
//   o.chaos.operation_error = 0.05;
//   const auto found = clockwork::testing::explore(s, o);
//   EXPECT_FALSE(found.first_failure) << found.report();            // the seed, the replay command,
//                                                                    // the shrunk reproduction
// Determinism: a seed whose two runs gave different traces is reported as not deterministic,
// with the first record where they part — never as a flaky failure. The usual causes: a real
// clock read, iteration over an unordered container or a map keyed by pointers, a thread.
//
// Thread safety: each seed's run builds everything it needs (a runtime, a host, the fakes). With
// explore_options::jobs above 1 seeds run on several threads at once, each thread on a scenario
// built for it by explore_options::fresh_scenario; the scenario's functions must then share no
// mutable state between copies. explore() itself returns only when every thread has finished.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "clockwork/runtime/chaos.hpp"
#include "clockwork/testing/scenario.hpp"

namespace clockwork::testing {

// Where an exploration is, handed to explore_options::on_progress after each seed and each
// shrinking attempt: counts only — nothing here reads a clock.
struct explore_progress {
  std::uint64_t seeds_done = 0;
  std::uint64_t seeds_total = 0;  // the seeds asked for (fewer run when stopping at the first failure)
  std::size_t failed = 0;
  bool shrinking = false;       // the first failing seed is being shrunk
  std::size_t shrink_runs = 0;  // the runs shrinking has made so far
};

// A contiguous block of an exploration's seeds: seeds first_seed + offset, ...,
// first_seed + offset + count - 1 — the part one shard of a sharded exploration runs.
struct seed_block {
  std::uint64_t offset = 0;
  std::uint64_t count = 0;
  friend bool operator==(const seed_block&, const seed_block&) = default;
};

// Block `index` (0-based) of `total` blocks that together cover `seeds` seeds once each, in
// order: contiguous, their sizes differing by at most one (the first seeds % total blocks have
// one seed more; a block is empty when total > seeds). std::invalid_argument: total 0, index
// not below total.
seed_block shard_block(std::uint64_t seeds, std::uint64_t index, std::uint64_t total);

struct explore_options {
  std::uint64_t seeds = 100;
  std::uint64_t first_seed = 1;
  // Run only this block of the seeds (a shard, see shard_block); unset: all of them. Everything
  // a seed's result depends on is decided over the whole range, as an unsharded run decides it —
  // which seeds are run twice among them — so the blocks' results joined (explore_summary.hpp,
  // join_shards) are the unsharded run's. Shrinking shrinks the block's own first failure: the
  // block that holds the lowest failing seed shrinks the same case the whole run would.
  std::optional<seed_block> block;
  // The faults to inject; unset: the scenario's (scenario::chaos), else default_chaos().
  std::optional<chaos_options> chaos;
  // The fraction of seeds run twice to check determinism: round(fraction × seeds) of them, spread
  // evenly from the first seed on (1: every seed; 0, or a fraction too small to round to one
  // seed: none). Which seeds are checked depends only on the fraction and the number of seeds.
  double determinism_check = 0.1;
  // Shrink the first failing seed to fewer faults and a shorter span.
  bool shrink = true;
  // Keep the run (trace text included) of every seed, not only the failing ones.
  bool keep_passing_runs = false;
  // Stop at the first failure instead of running every seed.
  bool stop_at_first_failure = false;
  // How many failing seeds keep their run, trace included (the first ones): memory stays bounded
  // when a bug fails hundreds of seeds. The others keep their outcome and replay command.
  std::size_t failing_runs_kept = 20;
  // Threads that run seeds at once: 1 runs them on the calling thread; 0, one per core. Each
  // thread runs its seeds on a scenario of its own, built by fresh_scenario (required past one
  // thread). Whatever the number, the result is the same: the same outcomes in seed order, the
  // same first failing seed (the lowest; with stop_at_first_failure, nothing after it), the same
  // shrunk reproduction (shrinking runs on the calling thread); on_progress is called on the
  // calling thread, in seed order.
  unsigned jobs = 1;
  // Builds the explored scenario anew, with state of its own (for the catalogue: find_scenario).
  // A scenario's functions often keep a run's state in what they capture: one run at a time may
  // share it, two at once may not.
  std::function<scenario()> fresh_scenario;
  // Called after each seed and each shrinking run, on explore's thread, with counts only: a
  // command line shows progress from it (and reads its own real clock for the rate; the runs
  // never see it). Unset: nothing is called.
  std::function<void(const explore_progress&)> on_progress;

  // Faults often enough to matter, rarely enough that a run still makes progress.
  static chaos_options default_chaos();
  // The threads jobs asks for (0: the machine's cores).
  unsigned threads() const noexcept;
  // The seeds this exploration runs: block, or all of them.
  seed_block seeds_run() const noexcept { return block.value_or(seed_block{0, seeds}); }
  // std::invalid_argument: zero seeds, a block past the seeds, a fraction outside [0, 1], bad
  // chaos probabilities, more than one thread without fresh_scenario.
  void validate() const;
};

struct seed_outcome {
  std::uint64_t seed = 0;
  bool passed = true;
  std::string failure;  // why it failed: the invariant's message, an unexpected finding, an error
  bool checked_twice = false;
  bool deterministic = true;
  std::string divergence;  // where the two runs parted (the first differing trace line of each)
  std::size_t faults = 0;
  std::string kinds;                // the chaos kinds this seed turned on
  std::optional<scenario_run> run;  // the first failing seeds (and every seed with keep_passing_runs)
};

struct reproduction {
  std::uint64_t seed = 0;
  chaos_options chaos;  // the options of the smaller run: the kinds it did not need turned off
  std::uint64_t fault_budget = 0;
  std::chrono::nanoseconds span{0};
  std::string command;                // clockwork-replay --scenario X --seed S --chaos ...
  std::vector<chaos::record> faults;  // the faults the shrunk run injected
  std::string failure;
};

struct exploration {
  std::string scenario;
  chaos_options chaos;                 // the options every seed ran with
  std::uint64_t first_seed = 1;        // the range explored: explore_options::first_seed and seeds,
  std::uint64_t seeds_asked = 0;       // whatever part of it ran
  seed_block block;                    // the part that ran (all of it unless a block was given)
  bool stop_at_first_failure = false;  // explore_options::stop_at_first_failure
  double determinism_check = 0.1;      // explore_options::determinism_check
  std::string replay_base;             // the replay command of a seed, without --seed: see replay()
  std::vector<seed_outcome> seeds;
  std::optional<std::uint64_t> first_failure;  // the first failing seed
  std::optional<reproduction> shrunk;
  std::size_t failed = 0;
  std::size_t not_deterministic = 0;
  std::size_t checked_twice = 0;

  bool ok() const noexcept { return failed == 0 && not_deterministic == 0; }
  // The command that replays one of the seeds.
  std::string replay(std::uint64_t seed) const;
  // A readable account: counts, the first failure, its replay command and reproduction.
  std::string report() const;
};

// The chaos options an exploration of the scenario uses unless told otherwise.
chaos_options chaos_for(const scenario& s, const explore_options& options = {});

// The command that replays one seed of a scenario under chaos: the options that differ from
// the scenario's own as --chaos-set name=value, a budget and a span when given.
std::string replay_command(const scenario& s, std::uint64_t seed, const chaos_options& chaos,
                           std::optional<std::uint64_t> budget = {}, std::optional<std::chrono::nanoseconds> span = {});

// Why a run fails by exploration's rules — it ended early (an exception escaped the run), its
// invariant does not hold, or it has a finding the
// scenario does not expect (under chaos a service may log errors and retry, but a new kind of
// trouble is a failure) — or nothing when it passes.
std::optional<std::string> exploration_failure(const scenario& s, const scenario_run& run);

// The command that replays a run with these options: "clockwork-replay --scenario NAME
// [--seed S] [--real] [--span D]", or with chaos, the command above.
std::string replay_command(const scenario& s, const run_options& options);

exploration explore(const scenario& s, const explore_options& options = {});

}  // namespace clockwork::testing
