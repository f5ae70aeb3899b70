#include "clockwork/scenarios/daily_log/user_profile.hpp"

namespace clockwork::scenarios {

std::string to_string(user_id id) {
  return "user " + std::to_string(id.value);
}

nutrition_target user_profile::nutrition_target_for(calendar_date day) const {
  const std::chrono::weekday weekday{std::chrono::sys_days{day}};
  const bool weekend = weekday == std::chrono::Saturday || weekday == std::chrono::Sunday;
  return weekend && weekend_target ? *weekend_target : weekday_target;
}

}  // namespace clockwork::scenarios
