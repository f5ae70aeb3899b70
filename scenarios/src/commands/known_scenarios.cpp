// The scenarios clockwork-replay and clockwork-timeline accept by name (known_scenarios.hpp).
#include "known_scenarios.hpp"

#include <algorithm>

#include "clockwork/scenarios/catalogue.hpp"
#include "clockwork/scenarios/explore_scenarios.hpp"

namespace clockwork::commands {

std::vector<testing::scenario> known_scenarios() {
  auto all = scenarios::catalogue();
  all.push_back(scenarios::daily_log_explored());
  all.push_back(scenarios::daily_log_with_planted_bug());
  all.push_back(same_instant_race());
  all.push_back(hostile_names());
  return all;
}

std::optional<testing::scenario> find_known_scenario(std::string_view name) {
  auto all = known_scenarios();
  const auto it = std::find_if(all.begin(), all.end(), [&](const testing::scenario& s) { return s.name == name; });
  if (it == all.end()) return std::nullopt;
  return std::move(*it);
}

std::string no_such_scenario(std::string_view name) {
  std::string out = "no scenario named '" + std::string(name) + "'; the catalogue has:";
  for (const auto& s : known_scenarios()) out += "\n  " + s.name;
  return out;
}

}  // namespace clockwork::commands
