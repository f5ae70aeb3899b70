#include "clockwork/scenarios/catalogue.hpp"

#include "entries.hpp"

namespace clockwork::scenarios {

std::vector<testing::scenario> catalogue() {
  using namespace entries;
  return {
      simple_loop(),
      while_delay_drifts(),
      periodic_timer_keeps_phase(),
      delay_without_token(),
      delay_with_token(),
  };
}

std::optional<testing::scenario> find_scenario(std::string_view name) {
  for (auto& s : catalogue()) {
    if (s.name == name) return std::move(s);
  }
  return std::nullopt;
}

}  // namespace clockwork::scenarios
