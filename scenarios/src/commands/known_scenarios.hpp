// Internal to clockwork-replay and clockwork-timeline: the scenarios both commands accept by
// name — the catalogue, the scenarios made for exploration, and the two examples the timeline's
// docs and browser test draw — so that a name one lists, the other runs.
//
//   const auto s = clockwork::commands::find_known_scenario("example.same_instant_race");
//   if (!s) throw std::invalid_argument(clockwork::commands::no_such_scenario("example.same_instant_race"));
//
// Thread safety: every call builds fresh descriptions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clockwork/testing/scenario.hpp"

namespace clockwork::commands {

// The catalogue (clockwork::scenarios::catalogue()), then explore.daily_log and
// explore.daily_log_planted_bug, then example.same_instant_race and example.hostile_names: the
// order clockwork-replay --list prints. The default run and --all run the catalogue alone.
std::vector<testing::scenario> known_scenarios();
std::optional<testing::scenario> find_known_scenario(std::string_view name);
// "no scenario named 'X'; the catalogue has:" and every known name, one a line.
std::string no_such_scenario(std::string_view name);

// The examples (examples.cpp). same_instant_race: a reader due at the writer's instant, fine in
// arm order and faulted on the seeds that run the reader first. hostile_names: a service named
// <script>alert(1)</script> that logs markup, which every page must show as text.
testing::scenario same_instant_race();
testing::scenario hostile_names();

}  // namespace clockwork::commands
