// chaos: the same seed makes the same decisions; a kind is on only for some seeds; turning one
// kind off leaves the others' decisions alone; the budget caps; clock trouble stays within the
// declared limits; options by name refuse what they cannot take; a delay under chaos fails or
// runs late, try_delay never does.
#include "clockwork/runtime/chaos.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "clockwork/errors.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::chaos;
using clockwork::chaos_options;
using ::testing::HasSubstr;

chaos_options storm() {
  chaos_options o;
  o.wait_error = 0.2;
  o.wait_slow = 0.3;
  o.operation_error = 0.2;
  o.operation_slow = 0.3;
  o.kind_enabled = 1.0;
  return o;
}

// A fixed sequence of sites, as a program would ask them.
std::vector<std::string> decisions(chaos& c, int asks = 200) {
  std::vector<std::string> out;
  for (int i = 0; i < asks; ++i) {
    const auto w = c.at_wait("svc");
    const auto op = c.at_operation("repo.get");
    out.push_back(std::to_string(w.fail) + "/" + std::to_string(w.extra.count()) + " " + std::to_string(op.fail) + "/" +
                  std::to_string(op.extra.count()));
  }
  return out;
}

TEST(Chaos, TheSameSeedMakesTheSameDecisionsAndAnotherSeedOthers) {
  chaos a{42, storm()};
  chaos b{42, storm()};
  chaos c{43, storm()};
  const auto da = decisions(a);
  EXPECT_EQ(da, decisions(b));
  EXPECT_NE(da, decisions(c));
  EXPECT_FALSE(a.injected().empty());
}

TEST(Chaos, AKindIsOnForSomeSeedsOnlyAndThenFiresOften) {
  chaos_options o;
  o.operation_error = 0.5;
  o.kind_enabled = 0.5;
  int on = 0;
  for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
    chaos c{seed, o};
    const bool enabled = c.enabled_kinds() == "operation_error";
    int fired = 0;
    for (int i = 0; i < 100; ++i) fired += c.at_operation("op").fail ? 1 : 0;
    if (enabled) {
      ++on;
      EXPECT_GT(fired, 25) << "seed " << seed;
    } else {
      EXPECT_EQ(fired, 0) << "seed " << seed;
      EXPECT_EQ(c.enabled_kinds(), "none");
    }
  }
  // Binomial(1000, 0.5): outside [400, 600] with probability below 1e-9.
  EXPECT_GT(on, 400);
  EXPECT_LT(on, 600);
}

TEST(Chaos, TurningOneKindOffLeavesTheOthersDecisionsWhereTheyWere) {
  auto without_slow_waits = storm();
  without_slow_waits.wait_slow = 0.0;
  chaos all{7, storm()};
  chaos fewer{7, without_slow_waits};
  for (int i = 0; i < 300; ++i) {
    const auto a = all.at_operation("op");
    const auto b = fewer.at_operation("op");
    ASSERT_EQ(a.fail, b.fail) << "ask " << i;
    ASSERT_EQ(a.extra, b.extra) << "ask " << i;
    // The waits ask too, in between; only the slow ones differ.
    EXPECT_EQ(all.at_wait("w").fail, fewer.at_wait("w").fail) << "ask " << i;
  }
  EXPECT_THAT(fewer.enabled_kinds(), ::testing::Not(HasSubstr("wait_slow")));
}

TEST(Chaos, TheBudgetCapsTheFaultsOfARun) {
  auto o = storm();
  o.budget = 3;
  chaos c{1, o};
  (void)decisions(c);
  ASSERT_EQ(c.injected().size(), 3u);
  EXPECT_EQ(c.injected()[0].index, 1u);
  EXPECT_EQ(c.injected()[2].index, 3u);
}

TEST(Chaos, ClockTroubleStaysWithinTheScenariosLimitsAndNeedsThem) {
  chaos_options o;
  o.clock_step = 1.0;
  o.clock_drift = 1.0;
  const clockwork::clock_trouble_limits limits{10min, 50.0};
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    chaos c{seed, o};
    const auto plan = c.plan_clock(24h, limits);
    ASSERT_TRUE(plan.step_at && plan.drift_at) << "seed " << seed;
    EXPECT_GE(*plan.step_at, 0ns);
    EXPECT_LT(*plan.step_at, 24h);
    EXPECT_NE(plan.step, 0ns);
    EXPECT_LE(plan.step, 10min);
    EXPECT_GE(plan.step, -10min);
    EXPECT_NE(plan.drift_ppm, 0.0);
    EXPECT_LE(plan.drift_ppm, 50.0);
    EXPECT_GE(plan.drift_ppm, -50.0);
    ASSERT_EQ(c.injected().size(), 2u);
    EXPECT_EQ(c.injected()[0].site, "wall clock");
    EXPECT_THAT(c.injected()[0].what, HasSubstr("step "));
    EXPECT_THAT(c.injected()[1].what, HasSubstr(" ppm from +"));
  }
  chaos undeclared{1, o};
  const auto none = undeclared.plan_clock(24h, {});
  EXPECT_FALSE(none.step_at || none.drift_at);
  EXPECT_TRUE(undeclared.injected().empty());
  EXPECT_EQ(undeclared.enabled_kinds(), "none");
}

TEST(Chaos, OptionsByNameRoundTripAndRefuseWhatTheyCannotTake) {
  chaos_options o;
  o.set("operation_error", "0.25");
  o.set("max_spike", "1min30s");
  o.set("budget", "12");
  EXPECT_EQ(o.operation_error, 0.25);
  EXPECT_EQ(o.max_spike, 90s);
  EXPECT_EQ(o.budget, 12u);
  EXPECT_EQ(o.describe("operation_error"), "0.25");
  EXPECT_EQ(o.describe("max_spike"), "90s");
  for (const auto name : chaos_options::names()) {
    chaos_options copy;
    copy.set(name, o.describe(name));
    EXPECT_EQ(copy.describe(name), o.describe(name)) << name;
  }
  const auto refused = [](std::string_view name, std::string_view value, std::string_view why) {
    chaos_options c;
    const auto before = c.describe("wait_error");
    try {
      c.set(name, value);
      ADD_FAILURE() << name << "=" << value << " was accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_THAT(e.what(), HasSubstr(std::string(why))) << name << "=" << value;
    }
    EXPECT_EQ(c.describe("wait_error"), before) << "a refused value changes nothing";
  };
  refused("wait_error", "1.5", "must be a probability in [0, 1]");
  refused("wait_error", "-0.1", "must be a probability in [0, 1]");
  refused("wait_error", "often", "is not a number");
  refused("wait_error", "nan", "must be a probability in [0, 1]");
  refused("max_spike", "30", "has no unit");
  refused("budget", "-1", "is not a whole number");
  refused("fault_rate", "0.1", "no option named 'fault_rate'");
}

clockwork::task<std::string> delay_outcome(clockwork::virtual_runtime& rt, bool quietly) {
  const auto before = rt.now();
  if (quietly) {
    const bool slept = co_await rt.try_delay(1min);
    co_return slept ? "slept " + std::to_string((rt.now() - before) / 1s) + "s" : "woken";
  }
  try {
    co_await rt.delay(1min);
  } catch (const clockwork::injected_error&) {
    co_return "failed after " + std::to_string((rt.now() - before) / 1s) + "s";
  }
  co_return "slept " + std::to_string((rt.now() - before) / 1s) + "s";
}

TEST(Chaos, ADelayUnderChaosFailsAtOnceOrRunsLateAndTryDelayNeverDoes) {
  chaos_options fail;
  fail.wait_error = 1.0;
  fail.kind_enabled = 1.0;
  chaos failing{1, fail};
  clockwork::virtual_runtime rt;
  rt.set_chaos(&failing);
  EXPECT_EQ(rt.block_on(delay_outcome(rt, false)), "failed after 0s");
  EXPECT_EQ(rt.block_on(delay_outcome(rt, true)), "slept 60s");
  ASSERT_EQ(failing.injected().size(), 1u);
  EXPECT_EQ(failing.injected()[0].what, "delay failed");

  chaos_options slow;
  slow.wait_slow = 1.0;
  slow.max_slowdown = 30s;
  slow.kind_enabled = 1.0;
  chaos slowing{1, slow};
  rt.set_chaos(&slowing);
  const auto late = rt.block_on(delay_outcome(rt, false));
  rt.set_chaos(nullptr);
  ASSERT_EQ(slowing.injected().size(), 1u);
  EXPECT_THAT(slowing.injected()[0].what, HasSubstr("delay +"));
  ASSERT_THAT(late, ::testing::StartsWith("slept "));
  const int seconds = std::stoi(late.substr(6));  // a minute and up to 30 s more
  EXPECT_GE(seconds, 60);
  EXPECT_LE(seconds, 90);
}

}  // namespace
