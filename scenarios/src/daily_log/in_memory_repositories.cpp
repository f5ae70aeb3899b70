#include "clockwork/scenarios/daily_log/in_memory_repositories.hpp"

#include <exception>
#include <stdexcept>
#include <string>
#include <utility>

namespace clockwork::scenarios {
namespace {

fakes::unit_of_work_options unit_options(daily_log_store& store, runtime& rt) {
  fakes::unit_of_work_options options;
  options.name = "daily_log unit of work " + std::to_string(store.units_begun() + 1);
  options.faults = &store.faults();
  // The store outlives the unit (in_memory_unit_of_work holds it in an earlier base), and the
  // runtime outlives every scope of its host.
  options.on_uncommitted = [store = &store](const fakes::uncommitted_writes& writes) {
    store->note_uncommitted(writes);
  };
  // A forgotten commit (not a rollback while an exception propagates) is a scope_violation
  // finding naming the service.
  options.report_to = &rt;
  return options;
}

std::shared_ptr<daily_log_store> require(std::shared_ptr<daily_log_store> store, const char* who) {
  if (!store) throw std::invalid_argument(std::string("clockwork::scenarios::") + who + ": null daily_log_store");
  return store;
}

}  // namespace

// ---- in_memory_unit_of_work -----------------------------------------------------------------

in_memory_unit_of_work::in_memory_unit_of_work(std::shared_ptr<daily_log_store> store, runtime& rt)
    : detail::store_holder{require(std::move(store), "in_memory_unit_of_work")},
      fakes::unit_of_work(unit_options(*held_store, rt)),
      rt_(&rt) {
  held_store->note_unit_begun();
}

task<> in_memory_unit_of_work::commit(std::stop_token token) {
  auto committing = commit_async(*rt_, std::move(token));
  co_await committing;
  held_store->note_commit();
}

// ---- in_memory_user_profile_repository -------------------------------------------------------

in_memory_user_profile_repository::in_memory_user_profile_repository(std::shared_ptr<daily_log_store> store,
                                                                     runtime& rt)
    : store_(require(std::move(store), "in_memory_user_profile_repository")), rt_(&rt) {}

task<std::vector<user_profile>> in_memory_user_profile_repository::get_all_active(std::stop_token token) {
  auto gate = store_->faults().before(*rt_, daily_log_store::get_all_active_operation, "all active users", token);
  co_await gate;
  std::vector<user_profile> active;
  active.reserve(store_->users().size());
  for (const auto& [id, profile] : store_->users().rows()) {
    if (profile.active) active.push_back(profile);
  }
  co_return active;
}

// ---- in_memory_daily_log_repository ------------------------------------------------------------

in_memory_daily_log_repository::in_memory_daily_log_repository(std::shared_ptr<in_memory_unit_of_work> unit,
                                                               runtime& rt)
    : unit_(std::move(unit)), rt_(&rt) {
  if (!unit_) throw std::invalid_argument("clockwork::scenarios::in_memory_daily_log_repository: null unit of work");
}

task<bool> in_memory_daily_log_repository::exists(user_id user, calendar_date day, const std::stop_token& token) {
  const daily_log_key key{user, day};
  daily_log_store& store = unit_->store();
  // The description is made, if at all, inside before(): the key can be captured by reference.
  fakes::fault_gate gate = store.faults().before(
      *rt_, store.exists_site(), [&key] { return to_string(key); }, token);
  // Nearly every call goes through untouched: answered at once, without a coroutine frame (the
  // service makes 700 of these calls a run).
  if (gate.passes()) return task<bool>::from_result(store.logs().contains(*unit_, key));
  return exists_after(std::move(gate), key);
}

task<bool> in_memory_daily_log_repository::exists_after(fakes::fault_gate gate, daily_log_key key) {
  co_await gate;
  // A connection sees its own transaction: committed logs plus those this unit staged.
  co_return unit_->store().logs().contains(*unit_, key);
}

task<> in_memory_daily_log_repository::add(daily_log log, const std::stop_token& token) {
  const daily_log_key key = log.key();
  daily_log_store& store = unit_->store();
  auto gate = store.faults().before(
      *rt_, store.add_site(), [&key] { return to_string(key); }, token);
  co_await gate;
  store.logs().insert(*unit_, key, std::move(log));
}

}  // namespace clockwork::scenarios
