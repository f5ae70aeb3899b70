// The DailyLog scenario's parts, one by one: calendar dates, targets, the in-memory
// repositories and unit of work (without a host), the consistency check, registration errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "clockwork/fakes/injected_fault.hpp"
#include "clockwork/hosting/host_builder.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/scenarios/daily_log/add_daily_log.hpp"
#include "clockwork/scenarios/daily_log/calendar.hpp"
#include "clockwork/scenarios/daily_log/daily_log.hpp"
#include "clockwork/scenarios/daily_log/daily_log_consistency.hpp"
#include "clockwork/scenarios/daily_log/in_memory_repositories.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::task;
using clockwork::virtual_runtime;
using namespace clockwork::scenarios;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr calendar_date ymd(int y, unsigned m, unsigned d) {
  return std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d};
}

constexpr nutrition_target weekday{.calories = 2000, .protein_g = 120, .carbs_g = 220, .fat_g = 70};
constexpr nutrition_target weekend{.calories = 2400, .protein_g = 120, .carbs_g = 280, .fat_g = 80};

// ---- calendar ------------------------------------------------------------------------------

// add_days takes a shortcut inside a month; it must agree with the calendar everywhere.
TEST(DailyLogCalendar, AddDaysAgreesWithSysDaysOnEveryDayOfThreeYears) {
  for (auto day = std::chrono::sys_days{ymd(2026, 1, 1)}; day < std::chrono::sys_days{ymd(2029, 1, 1)};
       day += std::chrono::days{1}) {
    for (int n = -3; n <= 35; ++n) {
      ASSERT_EQ(add_days(calendar_date{day}, n), calendar_date{day + std::chrono::days{n}})
          << to_string(calendar_date{day}) << " + " << n;
    }
  }
}

TEST(DailyLogCalendar, UtcDateAddDaysAndIsoText) {
  const clockwork::utc_time t{std::chrono::sys_days{ymd(2026, 1, 31)} + 23h + 59min + 59s};
  EXPECT_EQ(utc_date_of(t), ymd(2026, 1, 31));
  EXPECT_EQ(utc_date_of(t + 1s), ymd(2026, 2, 1));
  EXPECT_EQ(add_days(ymd(2025, 12, 28), 6), ymd(2026, 1, 3));
  EXPECT_EQ(add_days(ymd(2028, 2, 28), 1), ymd(2028, 2, 29));  // a leap year
  EXPECT_EQ(add_days(ymd(2026, 3, 1), -1), ymd(2026, 2, 28));
  EXPECT_EQ(days_between(ymd(2026, 1, 1), ymd(2026, 2, 5)), 35);
  EXPECT_EQ(to_string(ymd(2026, 1, 8)), "2026-01-08");
  try {
    (void)to_string(ymd(2026, 2, 30));
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("2026-02-30 is not a valid date"));
  }
}

TEST(DailyLogUser, TheWeekendTargetAppliesOnSaturdaysAndSundaysOnly) {
  const user_profile user{.id = user_id{7}, .active = true, .weekday_target = weekday, .weekend_target = weekend};
  EXPECT_EQ(user.nutrition_target_for(ymd(2026, 1, 2)), weekday);  // Friday
  EXPECT_EQ(user.nutrition_target_for(ymd(2026, 1, 3)), weekend);  // Saturday
  EXPECT_EQ(user.nutrition_target_for(ymd(2026, 1, 4)), weekend);  // Sunday
  EXPECT_EQ(user.nutrition_target_for(ymd(2026, 1, 5)), weekday);  // Monday
  const user_profile plain{.id = user_id{8}, .active = true, .weekday_target = weekday};
  EXPECT_EQ(plain.nutrition_target_for(ymd(2026, 1, 3)), weekday);
  EXPECT_EQ(to_string(user.id), "user 7");
  EXPECT_EQ(to_string(daily_log::create(user.id, ymd(2026, 1, 3), weekend).key()), "user 7 on 2026-01-03");
}

// ---- the in-memory repositories, without a host ----------------------------------------------

std::shared_ptr<daily_log_store> store_with_users() {
  auto store = std::make_shared<daily_log_store>();
  store->add_user({.id = user_id{2}, .active = true, .weekday_target = weekday});
  store->add_user({.id = user_id{1}, .active = true, .weekday_target = weekday});
  store->add_user({.id = user_id{3}, .active = false, .weekday_target = weekday});
  return store;
}

task<std::vector<std::uint32_t>> active_ids(in_memory_user_profile_repository& repo) {
  auto loading = repo.get_all_active({});
  const std::vector<user_profile> users = co_await loading;
  std::vector<std::uint32_t> ids;
  for (const auto& u : users) ids.push_back(u.id.value);
  co_return ids;
}

TEST(DailyLogInMemory, GetAllActiveReturnsActiveUsersInIdOrder) {
  virtual_runtime rt;
  auto store = store_with_users();
  in_memory_user_profile_repository users{store, rt};
  EXPECT_THAT(rt.block_on(active_ids(users)), ElementsAre(1u, 2u));
  EXPECT_EQ(store->faults().calls("get_all_active"), 1u);
}

task<bool> exists_then_add(in_memory_daily_log_repository& repo, daily_log log) {
  auto adding = repo.add(log, {});
  co_await adding;
  auto probe = repo.exists(log.user, log.day, {});
  const bool seen = co_await probe;
  co_return seen;
}

task<> commit(in_memory_unit_of_work& unit) {
  auto committing = unit.commit({});
  co_await committing;
}

TEST(DailyLogInMemory, AScopeSeesWhatItAddedOthersOnlyAfterItsCommit) {
  virtual_runtime rt;
  auto store = store_with_users();
  auto unit = std::make_shared<in_memory_unit_of_work>(store, rt);
  in_memory_daily_log_repository logs{unit, rt};
  const auto log = daily_log::create(user_id{1}, ymd(2026, 1, 1), weekday);
  EXPECT_TRUE(rt.block_on(exists_then_add(logs, log)));  // its own write
  EXPECT_FALSE(store->logs().contains(log.key()));       // nobody else's yet
  rt.block_on(commit(*unit));
  EXPECT_TRUE(store->logs().contains(log.key()));
  EXPECT_EQ(store->commits(), 1u);
  EXPECT_EQ(store->units_begun(), 1u);
  EXPECT_THAT(store->faults().calls("add"), 1u);
}

TEST(DailyLogInMemory, AddingALogThatExistsMakesTheCommitFailAndApplyNothing) {
  virtual_runtime rt;
  auto store = store_with_users();
  const auto log = daily_log::create(user_id{1}, ymd(2026, 1, 1), weekday);
  store->logs().seed(log.key(), log);
  auto unit = std::make_shared<in_memory_unit_of_work>(store, rt);
  in_memory_daily_log_repository logs{unit, rt};
  (void)rt.block_on(exists_then_add(logs, daily_log::create(user_id{2}, ymd(2026, 1, 1), weekday)));
  (void)rt.block_on(exists_then_add(logs, log));
  try {
    rt.block_on(commit(*unit));
    FAIL();
  } catch (const clockwork::fakes::constraint_violation& e) {
    EXPECT_THAT(e.what(), HasSubstr("'daily_logs'"));
    EXPECT_THAT(e.what(), HasSubstr("user 1 on 2026-01-01"));
  }
  EXPECT_EQ(store->logs().size(), 1u);  // user 2's log was not applied either
  EXPECT_EQ(store->commits(), 0u);
}

TEST(DailyLogInMemory, CallsGoThroughTheFaultPlanWithReadableDescriptions) {
  virtual_runtime rt;
  auto store = store_with_users();
  store->faults().fail("exists").on_call(1);
  auto unit = std::make_shared<in_memory_unit_of_work>(store, rt);
  in_memory_daily_log_repository logs{unit, rt};
  try {
    (void)rt.block_on(exists_then_add(logs, daily_log::create(user_id{2}, ymd(2026, 1, 9), weekday)));
    FAIL();
  } catch (const clockwork::fakes::injected_fault& f) {
    EXPECT_STREQ(f.what(), "injected fault: 'exists' call 1 failed (user 2 on 2026-01-09)");
  }
}

TEST(DailyLogInMemory, NullDependenciesAreRefused) {
  virtual_runtime rt;
  EXPECT_THROW(in_memory_unit_of_work(nullptr, rt), std::invalid_argument);
  EXPECT_THROW(in_memory_user_profile_repository(nullptr, rt), std::invalid_argument);
  EXPECT_THROW(in_memory_daily_log_repository(nullptr, rt), std::invalid_argument);
}

// ---- the consistency check -----------------------------------------------------------------

TEST(DailyLogConsistency, AcceptsAFullRangeAndNamesEveryKindOfProblem) {
  auto store = store_with_users();
  for (std::uint32_t id : {1u, 2u}) {
    for (int i = 0; i < 3; ++i) {
      const auto log = daily_log::create(user_id{id}, add_days(ymd(2026, 1, 1), i), weekday);
      store->logs().seed(log.key(), log);
    }
  }
  auto good = check_daily_logs(*store, ymd(2026, 1, 1), ymd(2026, 1, 3));
  EXPECT_TRUE(good.ok()) << good.summary();
  EXPECT_EQ(good.summary(), "ok: 2 active users x 3 days = 6 logs; none for 1 inactive users; nothing staged");

  // A day more than there is, a log of an inactive user, a wrong target, a staged write.
  const auto inactive = daily_log::create(user_id{3}, ymd(2026, 1, 1), weekday);
  store->logs().seed(inactive.key(), inactive);
  const auto odd = daily_log::create(user_id{1}, ymd(2026, 1, 4), weekend);  // 4th: weekday target expected
  store->logs().seed(odd.key(), odd);
  clockwork::fakes::unit_of_work unit;
  store->logs().insert(unit, daily_log_key{user_id{2}, ymd(2026, 1, 9)}, inactive);
  auto bad = check_daily_logs(*store, ymd(2026, 1, 1), ymd(2026, 1, 4));
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.missing, 1u);       // user 2 on the 4th
  EXPECT_EQ(bad.unexpected, 1u);    // user 3's log
  EXPECT_EQ(bad.wrong_target, 1u);  // user 1 on the 4th
  EXPECT_EQ(bad.staged, 1u);
  EXPECT_THAT(bad.summary(), HasSubstr("user 2: no log on 2026-01-04"));
  EXPECT_THAT(bad.summary(), HasSubstr("user 3 is inactive but has 1 log(s)"));
  EXPECT_THAT(bad.summary(), HasSubstr("user 1: the log on 2026-01-04 has another day's target"));
  auto narrow = check_daily_logs(*store, ymd(2026, 1, 2), ymd(2026, 1, 2));
  EXPECT_EQ(narrow.unexpected, 1u + 2u * 2u + 1u);  // user 3's, and both users' logs outside the day
  unit.rollback();
  EXPECT_THROW(check_daily_logs(*store, ymd(2026, 1, 2), ymd(2026, 1, 1)), std::invalid_argument);
}

// ---- registration ----------------------------------------------------------------------------

TEST(DailyLogRegistration, LookingUpAServiceThatIsNotThereNamesIt) {
  virtual_runtime rt;
  clockwork::host_builder builder{rt};
  add_daily_log(builder, store_with_users());
  clockwork::host app = builder.build();
  EXPECT_NE(daily_log_service_of(app), nullptr);
  try {
    (void)daily_log_service_of(app, "nightly");
    FAIL();
  } catch (const std::logic_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("'nightly'"));
  }
}

TEST(DailyLogRegistration, RegisteringTheStoreTwiceIsRefused) {
  virtual_runtime rt;
  clockwork::host_builder builder{rt};
  auto store = store_with_users();
  add_in_memory_daily_log_store(builder.services(), store);
  EXPECT_THROW(add_in_memory_daily_log_store(builder.services(), store), std::logic_error);
  EXPECT_THROW(add_in_memory_daily_log_store(builder.services(), nullptr), std::invalid_argument);
}

}  // namespace
