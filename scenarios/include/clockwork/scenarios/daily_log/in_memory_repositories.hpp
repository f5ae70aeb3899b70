// The DailyLog scenario's in-memory implementations of user_profile_repository,
// daily_log_repository and unit_of_work, built on clockwork::fakes over a daily_log_store.
//
// One set per scope, as production's database-backed ones: the scope's unit of work stages
// the writes of the scope's daily_log_repository and commits them atomically; a scope that
// ends without committing leaves the store unchanged. Every call first goes through the
// store's fault plan, under the operation names "get_all_active", "exists", "add" and
// "commit", with descriptions such as "user 7 on 2026-01-03", so a test can fail or slow down
// any call of a run. exists() goes through the plan when it is called, rather than when its
// task is first awaited: a call the plan lets through is answered at once, without a coroutine
// (task<bool>::from_result); the service awaits each call as it makes it.
//
// Registering them (add_in_memory_daily_log_store in add_daily_log.hpp does exactly this):
//
//   services.add_scoped<in_memory_unit_of_work>([store](clockwork::service_provider& sp) {
//     return std::make_shared<in_memory_unit_of_work>(store, *sp.get<clockwork::runtime>());
//   });
//   services.add_scoped<unit_of_work>([](clockwork::service_provider& sp) {
//     return sp.get<in_memory_unit_of_work>();
//   });
//   // production registers its database-backed classes under the same three interfaces.
//
// Contract: as the interfaces'. A unit of work that ends with staged writes while no exception
// propagates (a forgotten commit) is counted by the store and reported as a scope_violation
// finding on the runtime (unless the runtime is shutting down). Thread safety: a scope's
// instances are used from the runtime's loop only.
#pragma once

#include <memory>
#include <stop_token>
#include <vector>

#include "clockwork/fakes/unit_of_work.hpp"
#include "clockwork/runtime/runtime.hpp"
#include "clockwork/scenarios/daily_log/daily_log_repository.hpp"
#include "clockwork/scenarios/daily_log/daily_log_store.hpp"
#include "clockwork/scenarios/daily_log/unit_of_work.hpp"
#include "clockwork/scenarios/daily_log/user_profile_repository.hpp"

namespace clockwork::scenarios {

namespace detail {
// Holds the store for in_memory_unit_of_work. A base listed before fakes::unit_of_work, so that
// the store (and its tables) outlives the fake's destructor, which drops staged writes there.
struct store_holder {
  std::shared_ptr<daily_log_store> held_store;
};
}  // namespace detail

class in_memory_unit_of_work final : private detail::store_holder,
                                     public scenarios::unit_of_work,
                                     public fakes::unit_of_work {
 public:
  in_memory_unit_of_work(std::shared_ptr<daily_log_store> store, runtime& rt);
  task<> commit(std::stop_token token) override;
  daily_log_store& store() const noexcept { return *held_store; }

 private:
  runtime* rt_;
};

class in_memory_user_profile_repository final : public user_profile_repository {
 public:
  in_memory_user_profile_repository(std::shared_ptr<daily_log_store> store, runtime& rt);
  task<std::vector<user_profile>> get_all_active(std::stop_token token) override;

 private:
  std::shared_ptr<daily_log_store> store_;
  runtime* rt_;
};

class in_memory_daily_log_repository final : public daily_log_repository {
 public:
  // Stages into unit, the scope's unit of work.
  in_memory_daily_log_repository(std::shared_ptr<in_memory_unit_of_work> unit, runtime& rt);
  task<bool> exists(user_id user, calendar_date day, const std::stop_token& token) override;
  task<> add(daily_log log, const std::stop_token& token) override;

 private:
  // exists() once the fault plan slowed or failed the call.
  task<bool> exists_after(fakes::fault_gate gate, daily_log_key key);

  std::shared_ptr<in_memory_unit_of_work> unit_;
  runtime* rt_;
};

}  // namespace clockwork::scenarios
