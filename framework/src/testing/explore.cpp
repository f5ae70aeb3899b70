#include "clockwork/testing/explore.hpp"

#include "clockwork/testing/explore_summary.hpp"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>

#include "clockwork/time/parse_duration.hpp"
#include "clockwork/time/time_format.hpp"
#include "seeded_command.hpp"

namespace clockwork::testing {
namespace {

// Findings the scenario did not expect: under chaos a service may log errors and retry, but a
// new kind of trouble (a deadlock, a fault that killed a service, a leaked scope) is a failure.
std::optional<std::string> unexpected_finding(const scenario& s, const scenario_run& run) {
  for (const auto& f : run.actual.findings) {
    if (!s.expected.findings.contains(f)) {
      return "an unexpected " + std::string(to_string(f.first)) + " finding for '" + f.second + "'";
    }
  }
  return std::nullopt;
}

std::optional<std::string> why_it_failed(const scenario& s, const scenario_run& run) {
  if (!run.error.empty()) return "the run ended early: " + run.error;
  if (run.invariant_failure) return "the invariant does not hold: " + *run.invariant_failure;
  if (auto f = unexpected_finding(s, run)) return f;
  return std::nullopt;
}

// The first line where two renderings differ, both sides.
std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream left(a);
  std::istringstream right(b);
  std::string l;
  std::string r;
  for (std::size_t line = 1;; ++line) {
    const bool has_l = static_cast<bool>(std::getline(left, l));
    const bool has_r = static_cast<bool>(std::getline(right, r));
    if (!has_l && !has_r) return "the traces render the same; their records differ in a field the rendering drops";
    if (!has_l || !has_r || l != r) {
      return "trace line " + std::to_string(line) + ":\n  first run:  " + (has_l ? l : "(ended)") +
             "\n  second run: " + (has_r ? r : "(ended)");
    }
  }
}

run_options chaos_run(const chaos_options& chaos, std::uint64_t seed, bool render) {
  run_options o;
  o.seed = seed;
  o.chaos = chaos;
  o.render_trace = render;
  return o;
}

// The probabilities that turn each kind of fault off, named as chaos_options::set takes them.
constexpr std::string_view fault_kinds[] = {"wait_error",     "wait_slow",  "operation_error",
                                            "operation_slow", "clock_step", "clock_drift"};

// Which seeds are run twice: round(fraction × seeds) of them, spread evenly — the first seed,
// then one every seeds / checked — Bresenham-style, in integers: a tiny fraction rounds to none
// instead of dividing by it, and the choice depends on nothing but the fraction and the count.
class determinism_sampler {
 public:
  determinism_sampler(double fraction, std::uint64_t seeds) : seeds_(seeds) {
    const double wanted = std::round(fraction * static_cast<double>(seeds));  // fraction in [0, 1]
    checked_ = wanted >= static_cast<double>(seeds) ? seeds : static_cast<std::uint64_t>(wanted);
    owed_ = seeds_ - checked_;  // so that the first seed is checked whenever any is
  }
  // The next seed's turn: whether it is checked. Stays below seeds_, never overflows.
  bool next() {
    if (checked_ == 0) return false;
    if (owed_ >= seeds_ - checked_) {
      owed_ -= seeds_ - checked_;
      return true;
    }
    owed_ += checked_;
    return false;
  }

 private:
  std::uint64_t seeds_;
  std::uint64_t checked_ = 0;
  std::uint64_t owed_ = 0;
};

// A failure's shape: its message with every number blanked, so that "3 units" and "1 unit"
// shrink as the same failure, and "no log at all" does not pass for it.
std::string shape_of(const std::string& failure) {
  std::string out;
  bool in_number = false;
  for (const char c : failure) {
    const bool digit = c >= '0' && c <= '9';
    if (digit && !in_number) out += '#';
    if (!digit) out += c;
    in_number = digit;
  }
  return out;
}

// Shrinking reports each of its runs through `ran` (progress only).
reproduction shrink_failure(const scenario& s, const chaos_options& chaos, std::uint64_t seed,
                            const scenario_run& failing, const std::function<void()>& ran) {
  reproduction best;
  best.seed = seed;
  best.chaos = chaos;
  best.fault_budget = failing.injected.size();
  best.span = s.span;
  best.faults = failing.injected;
  best.failure = why_it_failed(s, failing).value_or("");
  const std::string shape = shape_of(best.failure);
  // A smaller run counts only if it fails the same way.
  const auto fails = [&](const chaos_options& c, std::uint64_t budget, std::chrono::nanoseconds span) {
    run_options o = chaos_run(c, seed, false);
    o.chaos_budget = budget;
    o.span = span;
    const auto run = run_scenario(s, o);
    ran();
    const auto why = why_it_failed(s, run);
    if (!why || shape_of(*why) != shape) return false;
    best.chaos = c;
    best.fault_budget = std::min<std::uint64_t>(budget, run.injected.size());
    best.span = span;
    best.faults = run.injected;
    best.failure = *why;
    return true;
  };
  // The kinds of fault it does not need, turned off one at a time: each kind draws from its own
  // generator, so the others still fire where they did.
  for (const auto kind : fault_kinds) {
    if (failing.chaos_kinds.find(kind) == std::string::npos) continue;
    chaos_options without = best.chaos;
    without.set(kind, "0");
    (void)fails(without, best.fault_budget, best.span);
  }
  // Fewer faults: the smallest budget that still fails, counting up from none.
  for (std::uint64_t budget = 0; budget < best.fault_budget; ++budget) {
    if (fails(best.chaos, budget, best.span)) break;
  }
  // A shorter span: halve it while it still fails (down to a minute).
  for (auto span = best.span / 2; span >= std::chrono::minutes(1); span /= 2) {
    if (!fails(best.chaos, best.fault_budget, span)) break;
  }
  best.command = replay_command(s, seed, best.chaos, best.fault_budget, best.span);
  return best;
}

}  // namespace

chaos_options explore_options::default_chaos() {
  chaos_options o;
  o.wait_error = 0.02;
  o.wait_slow = 0.05;
  o.max_slowdown = std::chrono::minutes(5);
  o.operation_error = 0.02;
  o.operation_slow = 0.05;
  o.max_spike = std::chrono::seconds(30);
  o.kind_enabled = 0.5;
  return o;
}

seed_block shard_block(std::uint64_t seeds, std::uint64_t index, std::uint64_t total) {
  if (total == 0)
    throw std::invalid_argument("clockwork::testing::shard_block: the number of shards must be at least 1");
  if (index >= total) {
    throw std::invalid_argument("clockwork::testing::shard_block: shard " + std::to_string(index) + " of " +
                                std::to_string(total) + " does not exist (shards are numbered 0 to " +
                                std::to_string(total - 1) + ")");
  }
  const std::uint64_t base = seeds / total;
  const std::uint64_t longer = seeds % total;  // the first `longer` blocks have one seed more
  return seed_block{index * base + std::min(index, longer), base + (index < longer ? 1 : 0)};
}

unsigned explore_options::threads() const noexcept {
  if (jobs != 0) return jobs;
  return std::max(1u, std::thread::hardware_concurrency());
}

void explore_options::validate() const {
  if (seeds == 0) throw std::invalid_argument("clockwork::testing::explore: the number of seeds must be at least 1");
  if (block && (block->offset > seeds || block->count > seeds - block->offset)) {
    throw std::invalid_argument("clockwork::testing::explore: the block of seeds " + std::to_string(block->offset) +
                                " + " + std::to_string(block->count) + " goes past the " + std::to_string(seeds) +
                                " seeds explored");
  }
  if (threads() > 1 && !fresh_scenario) {
    throw std::invalid_argument(
        "clockwork::testing::explore: running seeds on " + std::to_string(threads()) +
        " threads needs fresh_scenario, a function that builds the scenario anew for each thread (a scenario's "
        "functions keep a run's state in what they capture: two runs at once must not share it)");
  }
  if (!(determinism_check >= 0.0 && determinism_check <= 1.0)) {
    throw std::invalid_argument("clockwork::testing::explore: determinism_check must be a fraction in [0, 1]");
  }
  if (chaos) chaos->validate();
}

chaos_options chaos_for(const scenario& s, const explore_options& options) {
  if (options.chaos) return *options.chaos;
  if (s.chaos) return *s.chaos;
  return explore_options::default_chaos();
}

namespace {

// The command without its seed: the scenario, and how the options differ from its own.
std::string command_base(const scenario& s, const chaos_options& chaos, std::optional<std::uint64_t> budget,
                         std::optional<std::chrono::nanoseconds> span) {
  const chaos_options own = chaos_for(s);
  std::string out = "clockwork-replay --scenario " + s.name + " --chaos";
  for (const auto name : chaos_options::names()) {
    if (name == "budget") continue;
    const auto value = chaos.describe(name);
    if (value != own.describe(name)) out += " --chaos-set " + std::string(name) + "=" + value;
  }
  // A budget given for this run, else the options' own when it differs from the scenario's.
  if (!budget && chaos.budget != own.budget) budget = chaos.budget;
  if (budget) out += " --chaos-budget " + std::to_string(*budget);
  if (span) out += " --span " + compact_duration(*span);
  return out;
}

using detail::with_seed;

}  // namespace

std::string replay_command(const scenario& s, std::uint64_t seed, const chaos_options& chaos,
                           std::optional<std::uint64_t> budget, std::optional<std::chrono::nanoseconds> span) {
  return with_seed(command_base(s, chaos, budget, span), seed);
}

std::optional<std::string> exploration_failure(const scenario& s, const scenario_run& run) {
  return why_it_failed(s, run);
}

std::string replay_command(const scenario& s, const run_options& options) {
  if (options.chaos) return replay_command(s, options.seed, *options.chaos, options.chaos_budget, options.span);
  std::string out = "clockwork-replay --scenario " + s.name;
  if (options.seed != 0) out += " --seed " + std::to_string(options.seed);
  if (options.real) out += " --real";
  if (options.span) out += " --span " + compact_duration(*options.span);
  return out;
}

std::string exploration::replay(std::uint64_t seed) const {
  return with_seed(replay_base, seed);
}

namespace {

// One seed's run and its determinism check: everything about a seed that needs no other seed, so
// that seeds can run on several threads (each with a scenario of its own). The outcome carries
// the run when the seed failed or keep_passing_runs asks for it; the caller decides what it keeps.
seed_outcome run_seed(const scenario& s, const chaos_options& chaos, std::uint64_t seed, bool check_twice,
                      bool keep_passing_runs) {
  seed_outcome o;
  o.seed = seed;
  auto run = run_scenario(s, chaos_run(chaos, seed, keep_passing_runs));
  o.faults = run.injected.size();
  o.kinds = run.chaos_kinds;
  if (check_twice) {
    o.checked_twice = true;
    const auto again = run_scenario(s, chaos_run(chaos, seed, false));
    if (again.trace_hash != run.trace_hash) {
      o.deterministic = false;
      const auto first = run_scenario(s, chaos_run(chaos, seed, true));
      const auto second = run_scenario(s, chaos_run(chaos, seed, true));
      o.divergence = first_difference(first.trace_text, second.trace_text);
    }
  }
  if (const auto why = why_it_failed(s, run)) {
    o.passed = false;
    o.failure = *why;
  }
  if (!o.passed || keep_passing_runs) o.run = std::move(run);
  return o;
}

// Runs seeds [0, count) of an exploration on `jobs` threads, each on its own copy of the
// scenario, and hands each result to `take` on the calling thread in seed order — as one thread
// running them in order would. `take` returns false to stop: no later seed is handed over (those
// already running finish and are dropped). A seed whose run threw rethrows here, in its turn.
// At most `window` seeds run ahead of the one `take` waits for, so memory stays bounded.
void run_seeds_in_parallel(std::vector<scenario> copies, const chaos_options& chaos, std::uint64_t first_seed,
                           std::uint64_t count, const std::vector<bool>& check_twice, bool keep_passing_runs,
                           const std::function<bool(seed_outcome&&)>& take) {
  const std::uint64_t window = 16 * copies.size();
  std::mutex mutex;
  std::condition_variable changed;
  std::map<std::uint64_t, std::pair<std::optional<seed_outcome>, std::exception_ptr>> done;  // guarded by mutex
  std::uint64_t next_to_run = 0;                                                             // guarded by mutex
  std::uint64_t next_to_take = 0;                                                            // guarded by mutex
  bool stopping = false;                                                                     // guarded by mutex
  const auto work = [&](const scenario& own) {
    for (;;) {
      std::uint64_t i = 0;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return stopping || next_to_run >= count || next_to_run < next_to_take + window; });
        if (stopping || next_to_run >= count) return;
        i = next_to_run++;
      }
      std::optional<seed_outcome> result;
      std::exception_ptr error;
      try {
        result = run_seed(own, chaos, first_seed + i, check_twice[i], keep_passing_runs);
      } catch (...) {
        error = std::current_exception();
      }
      {
        const std::lock_guard lock(mutex);
        done.emplace(i, std::make_pair(std::move(result), error));
      }
      changed.notify_all();
    }
  };
  // Real threads, but no seed's virtual time depends on them: each seed runs whole on one
  // thread with a virtual runtime of its own, and results are taken in seed order, so which
  // thread ran a seed, and when, reaches no trace, verdict or report.
  std::vector<std::thread> threads;
  threads.reserve(copies.size());
  const auto stop_and_join = [&] {
    {
      const std::lock_guard lock(mutex);
      stopping = true;
    }
    changed.notify_all();
    for (auto& t : threads) t.join();
    threads.clear();
  };
  try {
    for (const auto& own : copies) threads.emplace_back(work, std::cref(own));
    for (std::uint64_t i = 0; i < count; ++i) {
      std::pair<std::optional<seed_outcome>, std::exception_ptr> next;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return done.contains(i); });
        auto node = done.extract(i);
        next = std::move(node.mapped());
        next_to_take = i + 1;
      }
      changed.notify_all();
      if (next.second) std::rethrow_exception(next.second);
      if (!take(std::move(*next.first))) break;
    }
  } catch (...) {
    stop_and_join();
    throw;
  }
  stop_and_join();
}

}  // namespace

exploration explore(const scenario& s, const explore_options& options) {
  options.validate();
  exploration out;
  out.scenario = s.name;
  out.chaos = chaos_for(s, options);
  out.replay_base = command_base(s, out.chaos, std::nullopt, std::nullopt);
  out.first_seed = options.first_seed;
  out.seeds_asked = options.seeds;
  out.block = options.seeds_run();
  out.stop_at_first_failure = options.stop_at_first_failure;
  out.determinism_check = options.determinism_check;
  const chaos_options& chaos = out.chaos;
  const std::uint64_t first = options.first_seed + out.block.offset;
  const std::uint64_t count = out.block.count;
  explore_progress progress;
  progress.seeds_total = count;
  const auto report_progress = [&] {
    if (options.on_progress) options.on_progress(progress);
  };
  // What a seed's result adds to the exploration, in seed order, whichever thread ran it.
  const auto take = [&](seed_outcome&& o) {
    if (o.checked_twice) ++out.checked_twice;
    if (!o.deterministic) ++out.not_deterministic;
    if (!o.passed) {
      ++out.failed;
      if (!out.first_failure) out.first_failure = o.seed;
      if (out.failed > options.failing_runs_kept) {
        o.run.reset();
      } else if (!options.keep_passing_runs) {
        o.run = run_scenario(s, chaos_run(chaos, o.seed, true));  // the first failing seeds keep their trace
      }
    }
    const bool stop = !o.passed && options.stop_at_first_failure;
    out.seeds.push_back(std::move(o));
    progress.seeds_done = out.seeds.size();
    progress.failed = out.failed;
    report_progress();
    return !stop;
  };
  // Which seeds are run twice is decided over the whole range, whatever block runs: a shard checks
  // the seeds the unsharded run would check.
  determinism_sampler run_twice(options.determinism_check, options.seeds);
  for (std::uint64_t i = 0; i < out.block.offset; ++i) (void)run_twice.next();
  const unsigned jobs = options.threads();
  if (jobs <= 1) {
    for (std::uint64_t i = 0; i < count; ++i) {
      if (!take(run_seed(s, chaos, first + i, run_twice.next(), options.keep_passing_runs))) break;
    }
  } else if (count > 0) {
    std::vector<bool> check_twice(count);
    for (std::uint64_t i = 0; i < count; ++i) check_twice[i] = run_twice.next();
    std::vector<scenario> copies;
    for (unsigned t = 0; t < jobs; ++t) copies.push_back(options.fresh_scenario());
    run_seeds_in_parallel(std::move(copies), chaos, first, count, check_twice, options.keep_passing_runs, take);
  }
  if (out.first_failure && options.shrink) {
    const auto& failing = *std::find_if(out.seeds.begin(), out.seeds.end(),
                                        [&](const seed_outcome& o) { return o.seed == *out.first_failure; });
    // (failing_runs_kept 0 keeps no run: run the seed again, without its trace.)
    progress.shrinking = true;
    const auto shrink_ran = [&] {
      ++progress.shrink_runs;
      report_progress();
    };
    out.shrunk =
        shrink_failure(s, chaos, failing.seed,
                       failing.run ? *failing.run : run_scenario(s, chaos_run(chaos, failing.seed, false)), shrink_ran);
  }
  return out;
}

std::string exploration::report() const {
  return testing::report(summary_of(*this));
}

}  // namespace clockwork::testing
