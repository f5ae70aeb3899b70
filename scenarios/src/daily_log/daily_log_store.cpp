#include "clockwork/scenarios/daily_log/daily_log_store.hpp"

namespace clockwork::scenarios {

daily_log_store::daily_log_store()
    : users_("users", [](const user_id& id) { return to_string(id); }),
      logs_("daily_logs", [](const daily_log_key& key) { return to_string(key); }),
      faults_("daily_log_store"),
      exists_site_(faults_.site(exists_operation)),
      add_site_(faults_.site(add_operation)) {}

void daily_log_store::add_user(user_profile profile) {
  const user_id id = profile.id;
  users_.seed(id, std::move(profile));
}

std::vector<daily_log> daily_log_store::logs_of(user_id user) const {
  std::vector<daily_log> out;
  // Keys order by user, then day: the user's logs are one contiguous, date-ordered run.
  for (auto it = logs_.rows().lower_bound(
           daily_log_key{user, calendar_date{std::chrono::year::min(), std::chrono::January, std::chrono::day{1}}});
       it != logs_.rows().end() && it->first.user == user; ++it) {
    out.push_back(it->second);
  }
  return out;
}

void daily_log_store::note_uncommitted(const fakes::uncommitted_writes& writes) noexcept {
  if (writes.unwinding) {
    ++rollbacks_;
  } else {
    ++forgotten_commits_;
  }
}

}  // namespace clockwork::scenarios
