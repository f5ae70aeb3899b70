// clockwork::scenarios::user_profile_repository — where the DailyLog service reads users
// from (the patterns document's IUserProfileRepository). Scoped: one per unit of work.
//
//   auto users = scope.provider().get<user_profile_repository>();
//   auto loading = users->get_all_active(stopping);
//   std::vector<user_profile> active = co_await loading;
//   // production: a database-backed implementation registered with add_scoped;
//   // tests: in_memory_user_profile_repository on a daily_log_store (with its fault plan).
//
// Contract: get_all_active returns the active users in id order, or throws; it throws
// operation_canceled once token is stopped while it waits. Thread safety: an instance belongs
// to its scope and is used from the runtime's loop only.
#pragma once

#include <stop_token>
#include <vector>

#include "clockwork/scenarios/daily_log/user_profile.hpp"
#include "clockwork/task.hpp"

namespace clockwork::scenarios {

class user_profile_repository {
 public:
  virtual ~user_profile_repository() = default;
  virtual task<std::vector<user_profile>> get_all_active(std::stop_token token) = 0;

 protected:
  user_profile_repository() = default;
  user_profile_repository(const user_profile_repository&) = default;
  user_profile_repository& operator=(const user_profile_repository&) = default;
};

}  // namespace clockwork::scenarios
