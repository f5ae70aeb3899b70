// clockwork::chaos — seeded fault injection at the points where code waits, for exploring a
// scenario under many seeds (testing::explore): a delay that fails with injected_error, a delay
// that takes longer, an operation of a fake that throws or is slow (fakes::fault_plan asks).
//
// BUGGIFY-style: for a given seed each kind of fault is either off, or on — with probability
// kind_enabled — and then fires at each of its sites with its own probability, so that one seed
// sees a storm of slow waits and no errors, another a few failing operations. Every kind draws
// from its own generator (derived from the seed) in the order its sites ask, so the same seed and
// the same program make the same decisions, and turning one kind off (a probability of 0, as
// shrinking does) leaves the others' decisions where they were. A budget caps the faults of one
// run (shrinking lowers it too).
//
// Wall-clock trouble — a step of the wall clock, a drift — is planned once, at the start of a
// run, within limits the scenario declares (plan_clock): a seed has a step with probability
// clock_step and a drift with probability clock_drift.
//
// Example — test only (production never installs one):
//
//   clockwork::chaos_options o;
//   o.wait_error = 0.05;                        // 5 % of delays fail, on seeds where that is on
//   o.operation_error = 0.1;                    // 10 % of a fake's operations throw
//   clockwork::chaos chaos{seed, o};
//   rt.set_chaos(&chaos);                       // a virtual_runtime
//   ... run ...
//   chaos.injected();                           // what it did, in order
//
// Thread safety: the runtime's driving thread only. The chaos must outlive its installation.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace clockwork {

struct chaos_options {
  double wait_error = 0.0;  // a delay fails with injected_error
  double wait_slow = 0.0;   // a delay takes up to max_slowdown longer
  std::chrono::nanoseconds max_slowdown = std::chrono::minutes(1);
  double operation_error = 0.0;  // a fake's operation throws (fakes::fault_plan)
  double operation_slow = 0.0;   // a fake's operation is slow (a latency spike)
  std::chrono::nanoseconds max_spike = std::chrono::seconds(30);
  // Each kind above is on for a seed with this probability (1: always).
  double kind_enabled = 0.5;
  // The chance that a seed steps the wall clock once / makes it drift, within the scenario's
  // limits (none declared: never).
  double clock_step = 0.0;
  double clock_drift = 0.0;
  // At most this many faults in one run.
  std::uint64_t budget = 1'000'000;

  // std::invalid_argument naming a probability outside [0, 1] or a negative duration.
  void validate() const;

  // The options by name, for a command line ("operation_error=0.05", "max_spike=30s"):
  // std::invalid_argument for an unknown name or a value that does not parse or is out of
  // range. names() lists them; describe(name) gives the current value as set() takes it.
  void set(std::string_view name, std::string_view value);
  static const std::vector<std::string_view>& names();
  std::string describe(std::string_view name) const;
};

// The limits of the wall-clock trouble a scenario allows exploration to add.
struct clock_trouble_limits {
  std::chrono::nanoseconds max_step{0};  // a step either way, up to this
  double max_drift_ppm = 0.0;            // a drift either way, up to this
};

class chaos {
 public:
  chaos(std::uint64_t seed, chaos_options options);

  struct wait_fault {
    std::chrono::nanoseconds extra{0};
    bool fail = false;
  };
  // Asked by a delay as it suspends (site: who waits).
  wait_fault at_wait(std::string_view site);
  // Asked by a fake before an operation (site: the operation). Inline: a fake asks on every
  // call, and on most calls nothing fires.
  wait_fault at_operation(std::string_view site) {
    wait_fault out;
    if (on_[operation_slow] && draw_own(operation_slow)) out.extra = slow_operation(site);
    if (on_[operation_error] && draw_own(operation_error)) out.fail = fail_operation(site);
    return out;
  }

  // The wall-clock trouble of this seed's run, planned at its start: a step of `step` at
  // `step_at`, a drift of `drift_ppm` from `drift_at` (each optional).
  struct clock_plan {
    std::optional<std::chrono::nanoseconds> step_at;
    std::chrono::nanoseconds step{0};
    std::optional<std::chrono::nanoseconds> drift_at;
    double drift_ppm = 0.0;
  };
  clock_plan plan_clock(std::chrono::nanoseconds span, const clock_trouble_limits& limits);

  struct record {
    std::uint64_t index = 0;  // 1, 2, ... in the order injected
    std::string site;
    std::string what;  // "delay failed", "delay +00:00:12.000", "operation failed", ...
  };
  const std::vector<record>& injected() const noexcept { return injected_; }
  const chaos_options& options() const noexcept { return options_; }
  // Which kinds this seed turned on: "wait_error wait_slow operation_error ..." or "none".
  std::string enabled_kinds() const;

 private:
  enum kind : std::size_t { wait_error, wait_slow, operation_error, operation_slow, clock_step, clock_drift, kinds };
  bool draw(kind k, double p) noexcept {
    // 53 random bits: a uniform double in [0, 1).
    const double u = static_cast<double>(rng_[k]() >> 11) * (1.0 / 9007199254740992.0);
    return u < p;
  }
  // draw(k, p) for the kind's own per-call probability p, compared in integers: u = bits / 2^53
  // is below p exactly when bits is below ceil(p * 2^53) (below_[k]), so the answers are the
  // same, without a conversion to double on every call of a fault site.
  bool draw_own(kind k) noexcept { return (rng_[k]() >> 11) < below_[k]; }
  // at_operation's rare outcomes: the extra time of a slow operation (zero once the budget is
  // spent), whether a failure is injected.
  std::chrono::nanoseconds slow_operation(std::string_view site);
  bool fail_operation(std::string_view site);
  std::uint64_t draw_below(kind k, std::uint64_t bound);
  std::chrono::nanoseconds draw_duration(kind k, std::chrono::nanoseconds max);
  bool spend(std::string_view site, std::string what);

  // splitmix64: one addition and a mix a draw. A fault site draws on every call (some 170,000
  // draws in an explored DailyLog month), where a Mersenne Twister's state refills cost more than
  // the rest of the site; splitmix64's output passes the usual statistical batteries, and its
  // sequence is fixed by its definition, on every machine and standard library.
  struct generator {
    std::uint64_t state = 0;
    std::uint64_t operator()() noexcept {
      std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      return z ^ (z >> 31);
    }
  };

  chaos_options options_;
  std::array<generator, kinds> rng_;
  std::array<bool, kinds> on_{};
  std::array<std::uint64_t, kinds> below_{};  // draw_own's thresholds, from the options
  std::vector<record> injected_;
};

}  // namespace clockwork
