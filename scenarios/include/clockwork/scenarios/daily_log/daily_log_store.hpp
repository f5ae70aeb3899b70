// clockwork::scenarios::daily_log_store — the in-memory "database" behind the DailyLog
// scenario's fake repositories: a users table, a daily-logs table, the fault plan every fake
// call goes through, and counters of how units of work ended.
//
// The store outlives every scope: the host's scopes come and go once per run, each with its
// own repositories and unit of work (in_memory_repositories.hpp) staging into these tables,
// while the test keeps the store to seed users, script faults and inspect the result.
//
// Example — a test, and what production registers instead:
//
//   auto store = std::make_shared<clockwork::scenarios::daily_log_store>();
//   store->add_user({.id = clockwork::scenarios::user_id{1}, .active = true, .weekday_target = {...}});
//   store->faults().fail("add").on_call(3);          // the third add of the run fails
//   store->faults().attach(&sim.trace());            // fault_injected records in the trace
//   clockwork::scenarios::add_daily_log(sim.builder(), store);
//   ...
//   EXPECT_EQ(store->logs().size(), 7u);
//   EXPECT_EQ(store->forgotten_commits(), 0u);
//   // production: add_daily_log_service(builder) plus database-backed repositories.
//
// Units of work that end with staged writes are counted: during exception unwinding as
// rollbacks (the expected end of a failed run), otherwise as forgotten commits, which
// in_memory_unit_of_work also reports as a scope_violation finding on the runtime.
//
// Thread safety: none. The store is used from the thread that drives the runtime (the test
// thread, or a real_runtime's loop); read it from elsewhere only while the runtime is not
// running.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "clockwork/fakes/fault_plan.hpp"
#include "clockwork/fakes/in_memory_table.hpp"
#include "clockwork/fakes/unit_of_work.hpp"
#include "clockwork/scenarios/daily_log/daily_log.hpp"
#include "clockwork/scenarios/daily_log/user_profile.hpp"

namespace clockwork::scenarios {

class daily_log_store {
 public:
  using user_table = fakes::in_memory_table<user_id, user_profile>;
  using log_table = fakes::in_memory_table<daily_log_key, daily_log>;

  // The operation names the fake repositories give their fault plan.
  static constexpr std::string_view get_all_active_operation = "get_all_active";
  static constexpr std::string_view exists_operation = "exists";
  static constexpr std::string_view add_operation = "add";
  static constexpr std::string_view commit_operation = fakes::fault_plan::commit_operation;

  daily_log_store();
  daily_log_store(const daily_log_store&) = delete;
  daily_log_store& operator=(const daily_log_store&) = delete;

  user_table& users() noexcept { return users_; }
  const user_table& users() const noexcept { return users_; }
  log_table& logs() noexcept { return logs_; }
  const log_table& logs() const noexcept { return logs_; }
  fakes::fault_plan& faults() noexcept { return faults_; }
  const fakes::fault_plan& faults() const noexcept { return faults_; }
  // The plan's sites of the repositories' hot operations (fakes::fault_site).
  fakes::fault_site exists_site() const noexcept { return exists_site_; }
  fakes::fault_site add_site() const noexcept { return add_site_; }

  // Test set-up: commits a user at once. Throws fakes::constraint_violation for a duplicate id.
  void add_user(user_profile profile);
  // The committed logs of one user, in date order.
  std::vector<daily_log> logs_of(user_id user) const;

  // How units of work on this store began and ended.
  std::uint64_t units_begun() const noexcept { return units_begun_; }
  std::uint64_t commits() const noexcept { return commits_; }
  std::uint64_t rollbacks() const noexcept { return rollbacks_; }
  std::uint64_t forgotten_commits() const noexcept { return forgotten_commits_; }

  // --- used by in_memory_unit_of_work ---
  void note_unit_begun() noexcept { ++units_begun_; }
  void note_commit() noexcept { ++commits_; }
  void note_uncommitted(const fakes::uncommitted_writes& writes) noexcept;

 private:
  user_table users_;
  log_table logs_;
  fakes::fault_plan faults_;
  fakes::fault_site exists_site_;
  fakes::fault_site add_site_;
  std::uint64_t units_begun_ = 0;
  std::uint64_t commits_ = 0;
  std::uint64_t rollbacks_ = 0;
  std::uint64_t forgotten_commits_ = 0;
};

}  // namespace clockwork::scenarios
