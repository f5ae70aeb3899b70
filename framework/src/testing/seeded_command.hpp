// Internal to clockwork::testing: an exploration's replay command for one seed, shared by
// exploration::replay and exploration_summary::replay so that the two cannot differ.
#pragma once

#include <cstdint>
#include <string>

namespace clockwork::testing::detail {

// "clockwork-replay --scenario X --chaos ..." -> "clockwork-replay --scenario X --seed S --chaos ...".
inline std::string with_seed(const std::string& base, std::uint64_t seed) {
  const auto after_name = base.find(" --chaos");
  if (after_name == std::string::npos) return base + " --seed " + std::to_string(seed);
  return base.substr(0, after_name) + " --seed " + std::to_string(seed) + base.substr(after_name);
}

}  // namespace clockwork::testing::detail
