// clockwork::fakes::fault_plan — a script of the faults a fake dependency injects into named
// operations: which calls fail, which are slow, and a record of every fault injected.
//
// A fake repository (or unit of work, or client) names each of its operations ("exists",
// "add", "commit", ...) and asks the plan before doing the work:
//
//   co_await plan.before(rt, "exists", "user 7 on 2026-01-03", token);
//
// The plan counts the call and decides at once; awaiting what before() returns (a fault_gate)
// then does what its rules say: waits the scripted latency on the runtime's clock (so a slow
// call takes exact virtual time, and a stop request cancels it like any wait), then throws
// injected_fault if a failure rule matched. A call that is neither slowed nor failed costs a
// counter and no coroutine frame. A fake on a hot path names its operations once, as sites, and
// may answer a call the plan lets through without a coroutine at all:
//
//   const clockwork::fakes::fault_site exists_site = plan.site("exists");   // when the fake is made
//   task<bool> exists(key k, std::stop_token token) {                        // every call
//     auto gate = plan.before(rt, exists_site, [&k] { return to_string(k); }, token);
//     if (gate.passes()) return task<bool>::from_result(rows.contains(k));  // no frame, no await
//     return exists_after(std::move(gate), k);                              // a coroutine awaits it
//   }
//
// Rules:
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
#include <coroutine>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "clockwork/runtime/chaos.hpp"
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

// One operation of one plan, named once: a fake on a hot path asks fault_plan::site("exists")
// when it is made and passes the site to before() on every call, which then counts the call
// without looking its operation up by name. Calls through a site and through the name are the
// same calls (one counter, one sequence). A site stays valid for the plan's life, across
// reset_counts() and clear(); passing it to another plan throws std::invalid_argument.
class fault_site {
 public:
  fault_site() noexcept = default;  // names nothing: before() rejects it
  bool valid() const noexcept { return plan_ != nullptr; }

 private:
  friend class fault_plan;
  fault_site(const fault_plan* plan, std::size_t counter) noexcept : plan_(plan), counter_(counter) {}
  const fault_plan* plan_ = nullptr;
  std::size_t counter_ = 0;  // the operation's index in the plan's counters
};

// What a fake may pass fault_plan::before to describe a call on demand: a callable returning the
// text ("user 7 on 2026-01-03").
template <class F>
concept call_describer = std::is_invocable_r_v<std::string, F&>;

// What fault_plan::before returns: the call, decided, to be awaited once. Ready at once (no
// coroutine frame, no suspension) unless the call was slowed; then awaiting it waits on the
// runtime. Awaiting rethrows the injected fault, if any. Awaiting a gate twice throws
// std::logic_error, as awaiting a task twice does.
class [[nodiscard]] fault_gate {
 public:
  fault_gate() noexcept = default;
  fault_gate(fault_gate&&) noexcept = default;
  fault_gate& operator=(fault_gate&&) noexcept = default;

  // True when the call goes through untouched (neither slowed nor failed): a fake may then
  // answer at once (task<T>::from_result) instead of awaiting the gate in a coroutine.
  bool passes() const noexcept { return !slowed_ && !failure_; }

  bool await_ready() {
    if (awaited_) throw std::logic_error("clockwork::fakes::fault_gate: awaiting a gate that was already awaited");
    awaited_ = true;
    return !slow_.valid() || slow_.operator co_await().await_ready();
  }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
    return slow_.operator co_await().await_suspend(awaiting);
  }
  void await_resume() {
    if (failure_) std::rethrow_exception(failure_);
    if (slowed_) slow_.operator co_await().await_resume();
  }

 private:
  friend class fault_plan;
  explicit fault_gate(std::exception_ptr failure) noexcept : failure_(std::move(failure)) {}
  explicit fault_gate(task<> slow) noexcept : slow_(std::move(slow)), slowed_(true) {}

  task<> slow_;  // the latency, then the failure if any
  std::exception_ptr failure_;
  bool slowed_ = false;
  bool awaited_ = false;
};

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

  // Counts the call and decides its faults now; awaiting the gate it returns waits the scripted
  // latency on rt (throws operation_canceled if token is stopped meanwhile), then throws
  // injected_fault if a failure rule matched. A call with no latency costs no coroutine frame.
  // The token is copied only when the call waits.
  fault_gate before(runtime& rt, std::string_view operation, std::string_view description,
                    const std::stop_token& token = {}) {
    return open(rt, counter_for(operation), std::string(description), {}, token);
  }
  // The same, with the description made (by calling describe) only when something needs it — a
  // rule for the operation (its predicate may read it) or a fault to record: a fake on a hot
  // path (thousands of calls a simulated day, explored under thousands of seeds) then formats
  // nothing on calls that pass. describe is called, if at all, before before() returns.
  //   co_await plan.before(rt, "exists", [key] { return to_string(key); }, token);
  template <call_describer Describe>
  fault_gate before(runtime& rt, std::string_view operation, Describe&& describe, const std::stop_token& token = {}) {
    return open(rt, counter_for(operation), std::string(), describe_with(describe), token);
  }
  // The operation's site, for the overloads below: the same calls, counted without a lookup by
  // name. std::invalid_argument for an empty name.
  fault_site site(std::string_view operation);
  // before() through a site. With no rule in the plan and no fault drawn (the path an explored
  // fake takes tens of thousands of times a simulated month) this is two counters and the
  // chaos's draws, in line.
  fault_gate before(runtime& rt, fault_site site, std::string_view description, const std::stop_token& token = {}) {
    return open(rt, counter_of(site), std::string(description), {}, token);
  }
  template <call_describer Describe>
  fault_gate before(runtime& rt, fault_site site, Describe&& describe, const std::stop_token& token = {}) {
    const std::size_t counter = counter_of(site);
    if (rules_.empty()) {
      call_numbers n;
      chaos::wait_fault fault;
      if (unscripted_call_passes(rt, counter, n, fault)) return fault_gate{};
      return chaos_fault(rt, counter, n, fault, std::string(), describe_with(describe), token);
    }
    return open(rt, counter, std::string(), describe_with(describe), token);
  }
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
  // A description made on demand: a callable, not owned, valid during open().
  struct description_source {
    const void* callable = nullptr;
    std::string (*call)(const void*) = nullptr;
    explicit operator bool() const noexcept { return call != nullptr; }
    std::string operator()() const { return call(callable); }
  };
  template <class Describe>
  static description_source describe_with(Describe& describe) noexcept {
    using callable = std::remove_reference_t<Describe>;
    const auto call = [](const void* f) -> std::string { return (*static_cast<callable*>(const_cast<void*>(f)))(); };
    return description_source{std::addressof(describe), call};
  }
  fault_gate open(runtime& rt, std::size_t counter, std::string description, description_source describe,
                  const std::stop_token& token);
  struct decision {
    fault_call call;
    std::chrono::nanoseconds latency{0};
    bool fails = false;
    std::string message;  // the failing rule's, copied: rules may be cleared while a call waits
  };
  struct call_numbers {
    std::uint64_t call = 0;
    std::uint64_t sequence = 0;
  };
  // The counter of operation, made on its first call. std::invalid_argument for an empty name.
  std::size_t counter_for(std::string_view operation);
  // The counter a site names; std::invalid_argument for a site of another plan (or none).
  std::size_t counter_of(fault_site site) const {
    if (site.plan_ != this) misused_site(site);
    return site.counter_;
  }
  [[noreturn]] void misused_site(fault_site site) const;
  // Counts a call of the counter's operation.
  call_numbers count_at(std::size_t counter) noexcept { return {++calls_[counter].second, ++sequence_}; }
  // A call when no rule is scripted, so that only chaos can fault it: counts it (n) and asks
  // chaos. True when nothing is drawn (most calls; in line, no allocation); else fault says what.
  bool unscripted_call_passes(runtime& rt, std::size_t counter, call_numbers& n, chaos::wait_fault& fault) {
    n = count_at(counter);
    clockwork::chaos* const c = rt.chaos();
    if (c == nullptr) return true;
    fault = c->at_operation(calls_[counter].first);
    return fault.extra <= std::chrono::nanoseconds{0} && !fault.fail;
  }
  // A call no rule touches but chaos slows or fails.
  fault_gate chaos_fault(runtime& rt, std::size_t counter, call_numbers n, chaos::wait_fault fault,
                         std::string description, description_source describe, const std::stop_token& token);
  // What the decided call d does: nothing, a failure now, or a wait (then maybe a failure).
  fault_gate settle(runtime& rt, decision& d, std::string_view operation, std::string& description,
                    description_source describe, const std::stop_token& token);
  // Counts the call and applies the rules' counters; records latency faults at rt's time (the
  // epoch without a runtime, for check()).
  decision decide(std::size_t counter, std::string_view description, const runtime* rt);
  // Records the failure and returns the injected_fault to throw.
  std::exception_ptr failure(const decision& d, steady_time at);
  task<> slow_call(runtime& rt, decision d, std::string operation, std::string description, std::stop_token token);
  void keep(fault_record record);

  std::string name_;
  trace* trace_;
  std::deque<fault_rule> rules_;
  // Calls per operation: a handful of operations, searched linearly on a call by name, indexed
  // by a site. Never shrinks (reset_counts() zeroes it), so that sites stay valid.
  std::vector<std::pair<std::string, std::uint64_t>> calls_;
  std::size_t last_counter_ = 0;  // where in calls_ the last call's operation is
  std::uint64_t sequence_ = 0;
  std::vector<fault_record> injected_;
};

}  // namespace clockwork::fakes
