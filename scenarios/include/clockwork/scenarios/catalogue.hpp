// The scenario catalogue: every pattern and mistake of the background-services patterns
// document as a runnable scenario — the wrong and the right variant wherever the document shows
// both — each with the verdict it must come to (clockwork::testing::scenario).
//
// clockwork-replay lists and runs them (--list, --scenario NAME, --all, --real); ctest runs each
// in virtual time against its declared verdict and its golden trace (scenarios/golden/), and
// cross-checks those with a resolution on the real host.
//
//   for (const auto& s : clockwork::scenarios::catalogue()) {
//     const auto run = clockwork::testing::run_scenario(s);                 // virtual time
//     std::cout << (run.matched() ? "✓ " : "✗ ") << s.name << ": " << run.actual.headline() << "\n";
//   }
//   // the real host: clockwork::testing::run_scenario(s, {.real = true}) when s.resolution is set
//
// Thread safety: catalogue() builds fresh descriptions on every call.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "clockwork/testing/scenario.hpp"

namespace clockwork::scenarios {

// Every scenario, in the order of the patterns document.
std::vector<testing::scenario> catalogue();
// The scenario with that name, if there is one.
std::optional<testing::scenario> find_scenario(std::string_view name);

}  // namespace clockwork::scenarios
