#include "clockwork/scenarios/daily_log/daily_log.hpp"

namespace clockwork::scenarios {

std::string to_string(const daily_log_key& key) {
  return to_string(key.user) + " on " + to_string(key.day);
}

}  // namespace clockwork::scenarios
