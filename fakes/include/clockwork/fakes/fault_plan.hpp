// clockwork::fakes::fault_plan — a script of the faults a fake dependency injects into named
// operations: which calls fail, which are slow, and a record of every fault injected.
//
// A fake repository (or unit of work, or client) names each of its operations ("exists",
// "add", "commit", ...) and asks the plan before doing the work:
//
//   co_await plan.before(rt, "exists", "user 7 on 2026-01-03", token);
//
// The plan counts the call, then does what its rules say: waits the scripted latency on the
// runtime's clock (so a slow call takes exact virtual time, and a stop request cancels it
// like any wait), then throws injected_fault if a failure rule matches. Rules:
//
//   plan.fail("add").on_call(3);                  // the third add fails
//   plan.fail("add").from_call(10);               // every add from the tenth on
//   plan.fail("get_all_active").on_calls(5, 7);   // calls 5, 6 and 7
//   plan.fail("exists").when([](const clockwork::fakes::fault_call& c) {
//     return c.description.find("user 42") != std::string_view::npos;
//   }).times(1);                                  // the first exists about user 42
//   plan.fail_commit().on_call(2);                // the second commit fails
//   plan.add_latency("exists", std::chrono::seconds(10)).on_calls(1, 7);
//   plan.fail(clockwork::fakes::fault_plan::any_operation).on_call(17);
//                                                 // the 17th call of any operation
//
// A rule's conditions all hold together: the call number is in its range (per operation; for
// any_operation, the plan's sequence number over every operation), its predicate (if any)
// returns true, and it has fired fewer than times() (if set). Several latency rules matching
// one call add up; of the failure rules matching a call, the first one added decides the
// message. Every fault injected is kept (injected()) and, with a trace attached, written as a
// "fault_injected" record, source the plan's name, fields operation, call, sequence, effect
// ("throw" or "latency"), latency, description.
//
// Example — the same repository code, production and test:
//
//   // production: the repository talks to a database and has no plan.
//   // test (virtual time):
//   clockwork::virtual_runtime rt;
//   clockwork::trace tr{rt.clock()};
//   clockwork::fakes::fault_plan plan{"store", &tr};
//   plan.fail("add").on_call(2);
//   ... run the service ...
//   EXPECT_EQ(plan.calls("add"), 7u);
//   ASSERT_EQ(plan.injected().size(), 1u);
//   EXPECT_EQ(plan.injected()[0].call, 2u);
//
// Contract:
//   - Call numbers start at 1 and count every call made through before() or check(), faulted
//     or not, per operation; calls() counts them all. A call cancelled during its latency was
//     still made.
//   - Deterministic: the same calls in the same order inject the same faults.
//   - Misuse throws std::invalid_argument naming the rule and what was wrong (call 0, an empty
//     range, an empty operation name, a non-positive latency, times(0), a null predicate).
//   - Thread safety: none. A plan is configured before use and then used from one thread at a
//     time: the thread that drives the runtime (a virtual_runtime's test thread, a
//     real_runtime's loop), where the fakes calling it run. Rules are kept by reference: the
//     fault_rule& a rule function returns stays valid for the life of the plan, until clear().
//   - An attached trace must outlive the plan's use (or be detached with attach(nullptr)).
//   - Neither copyable nor movable: fakes keep a pointer or reference to their plan.
//   - Predicates see the call's operation, numbers and description; a fake puts the call's
//     arguments in the description ("user 7 on 2026-01-03") so that rules can select on them.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "clockwork/runtime/runtime.hpp"
#include "clockwork/task.hpp"
#include "clockwork/time/clock.hpp"

namespace clockwork {
class trace;
}

namespace clockwork::fakes {

// One call of an operation, as rules see it. The views are valid during the predicate call.
struct fault_call {
  std::string_view operation;
  std::uint64_t call = 0;      // 1-based, per operation
  std::uint64_t sequence = 0;  // 1-based, over every operation of the plan
  std::string_view description;
};

enum class fault_effect : std::uint8_t {
  thrown,   // the call threw injected_fault
  latency,  // the call was slowed down
};
// "throw" or "latency".
std::string_view to_string(fault_effect effect) noexcept;

// One fault the plan injected.
struct fault_record {
  std::string operation;
  std::uint64_t call = 0;
  std::uint64_t sequence = 0;
  std::string description;
  fault_effect effect = fault_effect::thrown;
  std::chrono::nanoseconds latency{0};  // for latency faults
  steady_time at{};                     // the runtime's time; the epoch for check()
  std::string message;                  // the injected_fault's what(), for thrown faults
};

class fault_plan;

// One rule of a plan; see the header comment. Returned by reference so conditions chain.
class fault_rule {
 public:
  // Only call n (1-based).
  fault_rule& on_call(std::uint64_t n);
  // Call n and every later call.
  fault_rule& from_call(std::uint64_t n);
  // Calls first..last, both included.
  fault_rule& on_calls(std::uint64_t first, std::uint64_t last);
  // Only calls for which predicate returns true (in addition to the range).
  fault_rule& when(std::function<bool(const fault_call&)> predicate);
  // At most limit times in all.
  fault_rule& times(std::uint64_t limit);
  // The injected_fault's message tail instead of "failed" (failure rules only).
  fault_rule& with_message(std::string message);

  const std::string& operation() const noexcept { return operation_; }
  fault_effect effect() const noexcept { return effect_; }
  std::chrono::nanoseconds latency() const noexcept { return latency_; }
  // How many calls this rule has affected.
  std::uint64_t fired() const noexcept { return fired_; }

 private:
  friend class fault_plan;
  fault_rule(std::string operation, fault_effect effect, std::chrono::nanoseconds latency)
      : operation_(std::move(operation)), effect_(effect), latency_(latency) {}
  bool matches(const fault_call& call) const;
  [[noreturn]] void misuse(std::string_view what) const;

  std::string operation_;
  fault_effect effect_;
  std::chrono::nanoseconds latency_;
  std::uint64_t first_ = 1;
  std::uint64_t last_ = std::numeric_limits<std::uint64_t>::max();
  std::function<bool(const fault_call&)> predicate_;
  std::optional<std::uint64_t> limit_;
  std::string message_;
  std::uint64_t fired_ = 0;
};

class fault_plan {
 public:
  // A rule for any_operation matches every call; its range counts the plan's sequence numbers.
  static constexpr std::string_view any_operation = "*";
  // The name unit_of_work (and fail_commit) use for commits.
  static constexpr std::string_view commit_operation = "commit";

  explicit fault_plan(std::string name = "fault_plan", trace* tr = nullptr);
  fault_plan(const fault_plan&) = delete;
  fault_plan& operator=(const fault_plan&) = delete;

  const std::string& name() const noexcept { return name_; }
  // Where fault_injected records go; null: nowhere.
  void attach(trace* tr) noexcept { trace_ = tr; }
  trace* attached() const noexcept { return trace_; }

  // A rule that makes calls of operation throw injected_fault. With no condition added, every
  // call fails.
  fault_rule& fail(std::string operation);
  fault_rule& fail_commit() { return fail(std::string(commit_operation)); }
  // A rule that makes calls of operation take latency longer (on the runtime's clock).
  fault_rule& add_latency(std::string operation, std::chrono::nanoseconds latency);

  // Counts the call, waits the scripted latency on rt (throws operation_canceled if token is
  // stopped meanwhile), then throws injected_fault if a failure rule matches.
  task<> before(runtime& rt, std::string operation, std::string description, std::stop_token token = {});
  // The same, with the description made only when something needs it — a rule for the operation
  // (its predicate may read it) or a fault to record: a fake on a hot path (thousands of calls a
  // simulated day, explored under thousands of seeds) then formats nothing on calls that pass.
  //   co_await plan.before(rt, "exists", [key] { return to_string(key); }, token);
  using describer = std::function<std::string()>;
  task<> before(runtime& rt, std::string operation, describer describe, std::stop_token token = {});
  // The synchronous form, for fakes that do not run on a runtime: counts the call and throws
  // what the rules say. A latency rule matching here is misuse (nothing can wait):
  // std::logic_error naming it.
  void check(std::string_view operation, std::string_view description = {});

  // Calls made of one operation (any_operation: of all), faulted or not.
  std::uint64_t calls(std::string_view operation) const;
  std::uint64_t calls() const noexcept { return sequence_; }
  // Every fault injected, in order.
  const std::vector<fault_record>& injected() const noexcept { return injected_; }
  std::size_t injected_count(fault_effect effect) const noexcept;
  const std::deque<fault_rule>& rules() const noexcept { return rules_; }

  // Forgets calls, injected faults and how often each rule fired; keeps the rules.
  void reset_counts();
  // Drops the rules too.
  void clear();

 private:
  bool has_rule_for(std::string_view operation) const noexcept;
  struct decision {
    fault_call call;
    std::chrono::nanoseconds latency{0};
    bool fails = false;
    std::string message;  // the failing rule's, copied: rules may be cleared while a call waits
  };
  // Counts the call and applies the rules' counters; records latency faults at `at`.
  decision decide(std::string_view operation, std::string_view description, steady_time at);
  [[noreturn]] void fail_call(const decision& d, steady_time at);
  void keep(fault_record record);

  std::string name_;
  trace* trace_;
  std::deque<fault_rule> rules_;
  std::map<std::string, std::uint64_t, std::less<>> calls_;
  std::uint64_t sequence_ = 0;
  std::vector<fault_record> injected_;
};

}  // namespace clockwork::fakes
