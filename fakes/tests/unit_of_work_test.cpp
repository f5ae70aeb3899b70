// unit_of_work: atomic commits over every enlisted table, the fault plan's commit faults and
// latency in virtual time, and the report of units that end without committing.
#include "clockwork/fakes/unit_of_work.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "clockwork/fakes/in_memory_table.hpp"
#include "clockwork/fakes/injected_fault.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"
#include "shared_test_helpers.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::steady_time;
using clockwork::task;
using clockwork::virtual_runtime;
using clockwork::fakes::constraint_violation;
using clockwork::fakes::fault_plan;
using clockwork::fakes::in_memory_table;
using clockwork::fakes::injected_fault;
using clockwork::fakes::uncommitted_writes;
using clockwork::fakes::unit_of_work;
using clockwork::fakes::unit_of_work_options;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

using clockwork::test_support::t0;

struct two_tables {
  in_memory_table<int, std::string> orders{"orders"};
  in_memory_table<int, int> stock{"stock"};
};

TEST(UnitOfWork, ACommitSpansEveryEnlistedTableAtomically) {
  two_tables db;
  db.stock.seed(1, 10);
  unit_of_work unit;
  db.orders.insert(unit, 100, "two of item 1");
  db.stock.put(unit, 1, 8);
  EXPECT_TRUE(unit.enlisted(db.orders));
  EXPECT_TRUE(unit.enlisted(db.stock));
  EXPECT_EQ(unit.staged(), 2u);
  unit.commit_staged();
  EXPECT_EQ(*db.stock.find(1), 8);
  EXPECT_TRUE(db.orders.contains(100));
  EXPECT_EQ(unit.staged(), 0u);
}

TEST(UnitOfWork, AViolationInOneTableAppliesNothingInAnyTable) {
  two_tables db;
  db.stock.seed(1, 10);
  db.orders.seed(100, "existing order");
  unit_of_work unit;
  db.stock.put(unit, 1, 8);                  // enlisted first: would be applied first
  db.orders.insert(unit, 100, "duplicate");  // fails at commit
  EXPECT_THROW(unit.commit_staged(), constraint_violation);
  EXPECT_EQ(*db.stock.find(1), 10);
  EXPECT_EQ(*db.orders.find(100), "existing order");
}

TEST(UnitOfWork, CommittingAgainAppliesWhatWasStagedSinceTheLastCommit) {
  in_memory_table<int, int> table{"t"};
  unit_of_work unit;
  table.insert(unit, 1, 1);
  unit.commit_staged();
  table.insert(unit, 2, 2);
  unit.commit_staged();
  EXPECT_THAT(table.rows(), ElementsAre(Pair(1, 1), Pair(2, 2)));
  EXPECT_EQ(unit.commits(), 2u);
}

TEST(UnitOfWork, EndingWithStagedWritesAndNoExceptionIsReportedAsAForgottenCommit) {
  in_memory_table<int, int> table{"t"};
  std::vector<uncommitted_writes> reports;
  {
    unit_of_work unit{
        {.name = "nightly", .on_uncommitted = [&](const uncommitted_writes& r) { reports.push_back(r); }}};
    table.insert(unit, 1, 1);
    table.insert(unit, 2, 2);
  }
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].unit, "nightly");
  EXPECT_EQ(reports[0].staged, 2u);
  EXPECT_FALSE(reports[0].unwinding);
  EXPECT_TRUE(table.empty());
}

TEST(UnitOfWork, EndingDuringAnExceptionIsReportedAsARollback) {
  in_memory_table<int, int> table{"t"};
  std::vector<uncommitted_writes> reports;
  try {
    unit_of_work unit{{.on_uncommitted = [&](const uncommitted_writes& r) { reports.push_back(r); }}};
    table.insert(unit, 1, 1);
    throw std::runtime_error("work failed");
  } catch (const std::runtime_error&) {
  }
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_TRUE(reports[0].unwinding);
  EXPECT_TRUE(table.empty());
}

TEST(UnitOfWork, RollbackAndCommittedUnitsReportNothing) {
  in_memory_table<int, int> table{"t"};
  int reports = 0;
  const unit_of_work_options counting{.on_uncommitted = [&](const uncommitted_writes&) { ++reports; }};
  {
    unit_of_work unit{counting};
    table.insert(unit, 1, 1);
    unit.rollback();
  }
  {
    unit_of_work unit{counting};
    table.insert(unit, 1, 1);
    unit.commit_staged();
  }
  {
    unit_of_work idle{counting};  // nothing staged: nothing to report
  }
  EXPECT_EQ(reports, 0);
  EXPECT_THAT(table.rows(), ElementsAre(Pair(1, 1)));
}

TEST(UnitOfWork, AReportCallbackThatThrowsIsSwallowed) {
  in_memory_table<int, int> table{"t"};
  {
    unit_of_work unit{{.on_uncommitted = [](const uncommitted_writes&) { throw std::runtime_error("bad hook"); }}};
    table.insert(unit, 1, 1);
  }
  EXPECT_TRUE(table.empty());
}

task<> commit_and_note(virtual_runtime& rt, unit_of_work& unit, std::stop_token token, std::string* outcome) {
  try {
    auto committing = unit.commit_async(rt, token);
    co_await committing;
    *outcome = "committed";
  } catch (const injected_fault& f) {
    *outcome = f.what();
  } catch (const clockwork::operation_canceled&) {
    *outcome = "canceled";
  }
}

TEST(UnitOfWork, CommitAsyncInjectsTheFaultPlansCommitFaultsAndAppliesNothing) {
  virtual_runtime rt;
  fault_plan plan;
  plan.fail_commit().on_call(1);
  in_memory_table<int, int> table{"t"};
  unit_of_work unit{{.name = "run", .faults = &plan}};
  table.insert(unit, 1, 1);
  std::string outcome;
  rt.block_on(commit_and_note(rt, unit, {}, &outcome));
  EXPECT_EQ(outcome, "injected fault: 'commit' call 1 failed (run: 1 staged write(s))");
  EXPECT_TRUE(table.empty());
  rt.block_on(commit_and_note(rt, unit, {}, &outcome));  // the second commit is not scripted to fail
  EXPECT_EQ(outcome, "committed");
  EXPECT_THAT(table.rows(), ElementsAre(Pair(1, 1)));
  EXPECT_EQ(plan.calls("commit"), 2u);
}

TEST(UnitOfWork, CommitLatencyTakesExactVirtualTimeAndAStopCancelsTheCommit) {
  virtual_runtime rt;
  fault_plan plan;
  plan.add_latency("commit", 30s);
  in_memory_table<int, int> table{"t"};
  unit_of_work unit{{.faults = &plan}};
  table.insert(unit, 1, 1);
  std::stop_source stop;
  std::string outcome;
  rt.spawn(commit_and_note(rt, unit, stop.get_token(), &outcome), "commit");
  rt.run_for(29s);
  EXPECT_TRUE(table.empty());
  stop.request_stop();
  rt.run_until_idle();
  EXPECT_EQ(outcome, "canceled");
  EXPECT_EQ(rt.now(), t0 + 29s);
  EXPECT_TRUE(table.empty());
  rt.block_on(commit_and_note(rt, unit, {}, &outcome));
  EXPECT_EQ(outcome, "committed");
  EXPECT_EQ(rt.now(), t0 + 59s);
}

TEST(UnitOfWork, AUnitNeedsAName) {
  try {
    unit_of_work unit{{.name = ""}};
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("needs a name"));
  }
}

}  // namespace
