// The DailyLog scenario's user: an id, whether the account is active, and nutrition targets
// that may differ at weekends (the patterns document's UserProfile and GetNutritionTargetFor).
//
//   user_profile ada{.id = user_id{1}, .active = true,
//                    .weekday_target = {.calories = 2000, .protein_g = 120, .carbs_g = 220, .fat_g = 70},
//                    .weekend_target = nutrition_target{.calories = 2300, ...}};
//   ada.nutrition_target_for(2026y / 1 / 3)   // a Saturday: the weekend target
//   // production loads profiles from its database; tests seed them into a daily_log_store.
//
// Thread safety: plain values.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>

#include "clockwork/scenarios/daily_log/calendar.hpp"

namespace clockwork::scenarios {

struct user_id {
  std::uint32_t value = 0;
  friend auto operator<=>(const user_id&, const user_id&) = default;
};
// "user 7".
std::string to_string(user_id id);

struct nutrition_target {
  int calories = 0;
  int protein_g = 0;
  int carbs_g = 0;
  int fat_g = 0;
  friend bool operator==(const nutrition_target&, const nutrition_target&) = default;
};

struct user_profile {
  user_id id{};
  bool active = true;
  nutrition_target weekday_target{};
  // Saturdays and Sundays; none: the weekday target every day.
  std::optional<nutrition_target> weekend_target{};

  // The target that applies on day.
  nutrition_target nutrition_target_for(calendar_date day) const;
  friend bool operator==(const user_profile&, const user_profile&) = default;
};

}  // namespace clockwork::scenarios
