// fault_plan: counting, every kind of rule, latency on the runtime's clock (exact instants in
// virtual time), the record of injected faults and its trace, and misuse.
#include "clockwork/fakes/fault_plan.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "clockwork/diagnostics/trace.hpp"
#include "clockwork/fakes/injected_fault.hpp"
#include "clockwork/runtime/chaos.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"
#include "shared_test_helpers.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::steady_time;
using clockwork::task;
using clockwork::virtual_runtime;
using clockwork::fakes::fault_call;
using clockwork::fakes::fault_effect;
using clockwork::fakes::fault_plan;
using clockwork::fakes::injected_fault;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using clockwork::test_support::t0;

// Makes `count` calls of `operation` through the plan; returns which ones threw injected_fault.
std::vector<std::uint64_t> failing_calls(fault_plan& plan, const std::string& operation, int count) {
  std::vector<std::uint64_t> failed;
  for (int i = 1; i <= count; ++i) {
    try {
      plan.check(operation, "call " + std::to_string(i));
    } catch (const injected_fault& f) {
      failed.push_back(f.call());
    }
  }
  return failed;
}

TEST(FaultPlan, CountsCallsPerOperationAndInAll) {
  fault_plan plan;
  plan.check("exists");
  plan.check("exists");
  plan.check("add");
  EXPECT_EQ(plan.calls("exists"), 2u);
  EXPECT_EQ(plan.calls("add"), 1u);
  EXPECT_EQ(plan.calls("commit"), 0u);
  EXPECT_EQ(plan.calls(fault_plan::any_operation), 3u);
  EXPECT_EQ(plan.calls(), 3u);
  EXPECT_TRUE(plan.injected().empty());
}

TEST(FaultPlan, OnCallFailsExactlyThatCall) {
  fault_plan plan;
  plan.fail("add").on_call(3);
  EXPECT_THAT(failing_calls(plan, "add", 6), ElementsAre(3u));
  EXPECT_THAT(failing_calls(plan, "exists", 6), ElementsAre());  // other operations untouched
}

TEST(FaultPlan, FromCallFailsThatCallAndEveryLaterOne) {
  fault_plan plan;
  plan.fail("add").from_call(4);
  EXPECT_THAT(failing_calls(plan, "add", 6), ElementsAre(4u, 5u, 6u));
}

TEST(FaultPlan, OnCallsFailsAnInclusiveRange) {
  fault_plan plan;
  plan.fail("add").on_calls(2, 4);
  EXPECT_THAT(failing_calls(plan, "add", 6), ElementsAre(2u, 3u, 4u));
}

TEST(FaultPlan, WithoutConditionsEveryCallFails) {
  fault_plan plan;
  plan.fail("add");
  EXPECT_THAT(failing_calls(plan, "add", 3), ElementsAre(1u, 2u, 3u));
}

TEST(FaultPlan, WhenSelectsCallsByTheirDescriptionAndTimesLimitsThem) {
  fault_plan plan;
  plan.fail("add")
      .when([](const fault_call& c) {
        return c.description.find("call 2") != std::string_view::npos ||
               c.description.find("call 5") != std::string_view::npos ||
               c.description.find("call 6") != std::string_view::npos;
      })
      .times(2);
  EXPECT_THAT(failing_calls(plan, "add", 8), ElementsAre(2u, 5u));  // call 6 is past the limit
  EXPECT_EQ(plan.rules()[0].fired(), 2u);
}

TEST(FaultPlan, RangeAndPredicateMustBothHold) {
  fault_plan plan;
  plan.fail("add").on_calls(3, 10).when([](const fault_call& c) { return c.call % 2 == 0; });
  EXPECT_THAT(failing_calls(plan, "add", 12), ElementsAre(4u, 6u, 8u, 10u));
}

TEST(FaultPlan, AnyOperationCountsThePlansSequenceOverEveryOperation) {
  fault_plan plan;
  plan.fail(std::string(fault_plan::any_operation)).on_call(3);
  plan.check("get_all_active");
  plan.check("exists");
  try {
    plan.check("add", "user 1");
    FAIL() << "the third call of any operation should fail";
  } catch (const injected_fault& f) {
    EXPECT_EQ(f.operation(), "add");
    EXPECT_EQ(f.call(), 1u);  // the first add, though the third call
  }
  ASSERT_EQ(plan.injected().size(), 1u);
  EXPECT_EQ(plan.injected()[0].sequence, 3u);
  EXPECT_EQ(plan.injected()[0].call, 1u);
}

TEST(FaultPlan, InjectedFaultNamesTheOperationTheCallAndTheDescription) {
  fault_plan plan;
  plan.fail("add").on_call(2);
  plan.fail("commit").with_message("deadlock victim");
  plan.check("add", "user 7 on 2026-01-03");
  try {
    plan.check("add", "user 8 on 2026-01-03");
    FAIL();
  } catch (const injected_fault& f) {
    EXPECT_STREQ(f.what(), "injected fault: 'add' call 2 failed (user 8 on 2026-01-03)");
    EXPECT_EQ(f.description(), "user 8 on 2026-01-03");
  }
  try {
    plan.check("commit");
    FAIL();
  } catch (const std::runtime_error& e) {  // derives from std::runtime_error
    EXPECT_STREQ(e.what(), "injected fault: 'commit' call 1 deadlock victim");
  }
}

TEST(FaultPlan, TheFirstMatchingFailureRuleDecidesTheMessage) {
  fault_plan plan;
  plan.fail("add").on_call(1).with_message("first rule");
  plan.fail("add").with_message("second rule");
  try {
    plan.check("add");
    FAIL();
  } catch (const injected_fault& f) {
    EXPECT_THAT(f.what(), HasSubstr("first rule"));
  }
  EXPECT_EQ(plan.rules()[0].fired(), 1u);
  EXPECT_EQ(plan.rules()[1].fired(), 0u);  // it did not fire: the first one decided
  EXPECT_EQ(plan.injected().size(), 1u);
}

TEST(FaultPlan, FailCommitIsAFailureRuleForTheCommitOperation) {
  fault_plan plan;
  plan.fail_commit().on_call(2);
  EXPECT_THAT(failing_calls(plan, std::string(fault_plan::commit_operation), 3), ElementsAre(2u));
}

task<> call_through(virtual_runtime& rt, fault_plan& plan, std::string operation, std::stop_token token,
                    std::vector<std::string>* journal) {
  try {
    auto gate = plan.before(rt, operation, "probe", token);
    co_await gate;
    journal->push_back(operation + " done @" + std::to_string((rt.now() - t0) / 1s) + "s");
  } catch (const injected_fault&) {
    journal->push_back(operation + " threw @" + std::to_string((rt.now() - t0) / 1s) + "s");
  } catch (const clockwork::operation_canceled&) {
    journal->push_back(operation + " canceled @" + std::to_string((rt.now() - t0) / 1s) + "s");
  }
}

TEST(FaultPlan, LatencyIsWaitedOnTheRuntimesClock) {
  virtual_runtime rt;
  fault_plan plan;
  plan.add_latency("exists", 10s).on_call(2);
  std::vector<std::string> journal;
  rt.block_on(call_through(rt, plan, "exists", {}, &journal));
  rt.block_on(call_through(rt, plan, "exists", {}, &journal));
  rt.block_on(call_through(rt, plan, "exists", {}, &journal));
  EXPECT_THAT(journal, ElementsAre("exists done @0s", "exists done @10s", "exists done @10s"));
  ASSERT_EQ(plan.injected().size(), 1u);
  EXPECT_EQ(plan.injected()[0].effect, fault_effect::latency);
  EXPECT_EQ(plan.injected()[0].latency, 10s);
  EXPECT_EQ(plan.injected()[0].at, t0);  // recorded when the slow call began
}

TEST(FaultPlan, LatenciesAddUpAndAFailureIsThrownAfterThem) {
  virtual_runtime rt;
  fault_plan plan;
  plan.add_latency("add", 10s);
  plan.add_latency("add", 5s);
  plan.fail("add");
  std::vector<std::string> journal;
  rt.block_on(call_through(rt, plan, "add", {}, &journal));
  EXPECT_THAT(journal, ElementsAre("add threw @15s"));
  ASSERT_EQ(plan.injected().size(), 3u);
  EXPECT_EQ(plan.injected_count(fault_effect::latency), 2u);
  EXPECT_EQ(plan.injected_count(fault_effect::thrown), 1u);
  EXPECT_EQ(plan.injected()[2].at, t0 + 15s);
}

TEST(FaultPlan, AStopRequestDuringLatencyCancelsTheCallAndInjectsNoFailure) {
  virtual_runtime rt;
  fault_plan plan;
  plan.add_latency("exists", 1min);
  plan.fail("exists");
  std::stop_source stop;
  std::vector<std::string> journal;
  rt.spawn(call_through(rt, plan, "exists", stop.get_token(), &journal), "caller");
  rt.run_for(20s);
  stop.request_stop();
  rt.run_until_idle();
  EXPECT_THAT(journal, ElementsAre("exists canceled @20s"));
  EXPECT_EQ(plan.calls("exists"), 1u);  // the call was made
  EXPECT_EQ(plan.injected_count(fault_effect::thrown), 0u);
}

TEST(FaultPlan, EveryInjectedFaultIsWrittenToTheAttachedTrace) {
  virtual_runtime rt;
  clockwork::trace tr{rt.clock()};
  fault_plan plan{"store", &tr};
  plan.add_latency("exists", 3s).on_call(1);
  plan.fail("exists").on_call(1);
  std::vector<std::string> journal;
  rt.block_on(call_through(rt, plan, "exists", {}, &journal));
  const auto records = tr.find(clockwork::trace_kind::fault_injected, "store");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(*records[0].field("operation"), "exists");
  EXPECT_EQ(*records[0].field("call"), "1");
  EXPECT_EQ(*records[0].field("effect"), "latency");
  EXPECT_EQ(*records[0].field("latency"), "00:00:03.000");
  EXPECT_EQ(*records[0].field("description"), "probe");
  EXPECT_EQ(records[0].steady, t0);
  EXPECT_EQ(*records[1].field("effect"), "throw");
  EXPECT_EQ(records[1].field("latency"), nullptr);
  EXPECT_EQ(records[1].steady, t0 + 3s);
}

TEST(FaultPlan, CheckRefusesALatencyRuleBecauseItCannotWait) {
  fault_plan plan;
  plan.add_latency("exists", 1s);
  try {
    plan.check("exists");
    FAIL();
  } catch (const std::logic_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot wait"));
    EXPECT_THAT(e.what(), HasSubstr("'exists'"));
  }
}

TEST(FaultPlan, ResetCountsKeepsTheRules) {
  fault_plan plan;
  plan.fail("add").on_call(1);
  EXPECT_THAT(failing_calls(plan, "add", 2), ElementsAre(1u));
  plan.reset_counts();
  EXPECT_EQ(plan.calls(), 0u);
  EXPECT_TRUE(plan.injected().empty());
  EXPECT_THAT(failing_calls(plan, "add", 2), ElementsAre(1u));
  plan.clear();
  EXPECT_THAT(failing_calls(plan, "add", 2), ElementsAre());
}

TEST(FaultPlan, MisuseIsRefusedWithAMessageNamingIt) {
  fault_plan plan;
  auto message_of = [](auto&& f) -> std::string {
    try {
      f();
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "no exception";
  };
  EXPECT_THAT(message_of([&] { plan.fail("add").on_call(0); }), HasSubstr("call numbers start at 1"));
  EXPECT_THAT(message_of([&] { plan.fail("add").on_calls(5, 3); }), HasSubstr("first call 5 is after last call 3"));
  EXPECT_THAT(message_of([&] { plan.fail("add").times(0); }), HasSubstr("times(0)"));
  EXPECT_THAT(message_of([&] { plan.fail("add").when(nullptr); }), HasSubstr("predicate"));
  EXPECT_THAT(message_of([&] { plan.fail(""); }), HasSubstr("empty operation name"));
  EXPECT_THAT(message_of([&] { plan.add_latency("exists", -1s); }), HasSubstr("'exists' must be positive"));
  EXPECT_THAT(message_of([&] { plan.add_latency("exists", 1s).with_message("x"); }), HasSubstr("failure rules"));
  EXPECT_THAT(message_of([&] { plan.fail("add").on_call(0); }), HasSubstr("'add'"));
}

// before() decides the call when it is made; the gate it returns is ready unless the call waits,
// hands back the injected fault when awaited, and refuses a second await. The describer runs only
// for a fault (or a rule that may read the text), and never after before() returned.
task<> await_twice(virtual_runtime& rt, fault_plan& plan, std::vector<std::string>* journal) {
  int described = 0;
  auto passing = plan.before(rt, "exists", [&described] {
    ++described;
    return std::string("user 1");
  });
  journal->push_back("decided: " + std::to_string(plan.calls("exists")) + " call(s)");
  co_await passing;
  journal->push_back("passed, described " + std::to_string(described) + " time(s)");
  try {
    co_await passing;
  } catch (const std::logic_error& e) {
    journal->push_back(std::string("second await: ") + e.what());
  }
  plan.fail("exists");
  auto failing = plan.before(rt, "exists", [&described] {
    ++described;
    return std::string("user 2");
  });
  journal->push_back("described " + std::to_string(described) + " time(s) before the await");
  try {
    co_await failing;
  } catch (const injected_fault& f) {
    journal->push_back("threw for " + f.description());
  }
}

TEST(FaultPlan, AGateIsDecidedWhenMadeAndAwaitedOnce) {
  virtual_runtime rt;
  fault_plan plan;
  std::vector<std::string> journal;
  rt.block_on(await_twice(rt, plan, &journal));
  EXPECT_THAT(journal,
              ElementsAre("decided: 1 call(s)", "passed, described 0 time(s)",
                          "second await: clockwork::fakes::fault_gate: awaiting a gate that was already awaited",
                          "described 1 time(s) before the await", "threw for user 2"));
}

// ---- sites: an operation named once ----------------------------------------------------------

// One call through a site (or, with site invalid, through the name), journaled as call_through does.
task<> call_at(virtual_runtime& rt, fault_plan& plan, clockwork::fakes::fault_site site, std::string operation,
               std::vector<std::string>* journal) {
  try {
    auto gate = site.valid() ? plan.before(rt, site, [] { return std::string("probe"); })
                             : plan.before(rt, operation, [] { return std::string("probe"); });
    const bool passes = gate.passes();
    co_await gate;
    journal->push_back(operation + (passes ? " passed" : " done") + " @" + std::to_string((rt.now() - t0) / 1s) + "s");
  } catch (const injected_fault& f) {
    journal->push_back(operation + " threw on call " + std::to_string(f.call()) + " @" +
                       std::to_string((rt.now() - t0) / 1s) + "s");
  }
}

TEST(FaultPlan, ASiteCountsTheSameCallsAsItsName) {
  virtual_runtime rt;
  fault_plan plan;
  const auto exists = plan.site("exists");
  plan.fail("exists").on_call(2);
  plan.add_latency("exists", 5s).on_call(3);
  std::vector<std::string> journal;
  rt.block_on(call_at(rt, plan, exists, "exists", &journal));
  rt.block_on(call_at(rt, plan, {}, "exists", &journal));  // by name: the same counter
  rt.block_on(call_at(rt, plan, exists, "exists", &journal));
  rt.block_on(call_at(rt, plan, {}, "add", &journal));
  EXPECT_THAT(journal,
              ElementsAre("exists passed @0s", "exists threw on call 2 @0s", "exists done @5s", "add passed @5s"));
  EXPECT_EQ(plan.calls("exists"), 3u);
  EXPECT_EQ(plan.calls(), 4u);
  ASSERT_EQ(plan.injected().size(), 2u);
  EXPECT_EQ(plan.injected()[0].operation, "exists");
  EXPECT_EQ(plan.injected()[0].description, "probe");
  EXPECT_EQ(plan.injected()[1].sequence, 3u);
}

TEST(FaultPlan, ASiteStaysValidAcrossResetCountsAndClear) {
  virtual_runtime rt;
  fault_plan plan;
  const auto add = plan.site("add");
  std::vector<std::string> journal;
  rt.block_on(call_at(rt, plan, add, "add", &journal));
  plan.reset_counts();
  EXPECT_EQ(plan.calls("add"), 0u);
  plan.fail("add").on_call(1);
  rt.block_on(call_at(rt, plan, add, "add", &journal));
  plan.clear();
  rt.block_on(call_at(rt, plan, add, "add", &journal));
  EXPECT_THAT(journal, ElementsAre("add passed @0s", "add threw on call 1 @0s", "add passed @0s"));
  EXPECT_EQ(plan.calls("add"), 1u);
}

TEST(FaultPlan, ASiteOfAnotherPlanOrOfNoneIsRefused) {
  virtual_runtime rt;
  fault_plan store{"store"};
  fault_plan queue{"queue"};
  const auto exists = queue.site("exists");
  try {
    (void)store.before(rt, exists, "probe");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("'store': the site of operation 'exists' belongs to the plan 'queue'"));
  }
  EXPECT_THROW((void)store.before(rt, clockwork::fakes::fault_site{}, "probe"), std::invalid_argument);
  EXPECT_THROW((void)store.site(""), std::invalid_argument);
  EXPECT_EQ(store.calls(), 0u);  // a refused call is not counted
}

// Chaos decides a call through a site exactly as through its name: the same seed makes the same
// faults, so an explored fake may switch to sites without changing any seed's run.
TEST(FaultPlan, ChaosDecidesCallsThroughASiteAsThroughTheName) {
  clockwork::chaos_options options;
  options.operation_error = 0.2;
  options.operation_slow = 0.2;
  options.max_spike = 10s;
  options.kind_enabled = 1.0;
  const auto run = [&options](bool through_site) {
    virtual_runtime rt;
    clockwork::chaos chaos{7, options};
    rt.set_chaos(&chaos);
    fault_plan plan;
    const auto exists = through_site ? plan.site("exists") : clockwork::fakes::fault_site{};
    std::vector<std::string> journal;
    for (int i = 0; i < 200; ++i) rt.block_on(call_at(rt, plan, exists, "exists", &journal));
    return journal;
  };
  const auto by_name = run(false);
  EXPECT_EQ(run(true), by_name);
  // The storm is real: some calls threw, some were slowed.
  EXPECT_THAT(by_name, ::testing::Contains(HasSubstr("threw")));
  EXPECT_THAT(by_name, ::testing::Contains(HasSubstr(" done ")));
}

}  // namespace
