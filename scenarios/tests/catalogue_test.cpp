// Every scenario of the catalogue in virtual time: the declared verdict, the golden trace
// (scenarios/golden/<name>.txt; CLOCKWORK_UPDATE_GOLDEN=1 rewrites it), and the same trace twice.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <set>
#include <string>

#include "clockwork/diagnostics/chrome_trace.hpp"
#include "clockwork/scenarios/catalogue.hpp"
#include "clockwork/testing/golden_assertions.hpp"
#include "clockwork/testing/timeline_html.hpp"

namespace {}  // namespace

namespace clockwork::testing {
// How GoogleTest names a scenario in its messages.
void PrintTo(const scenario& s, std::ostream* out) {
  *out << s.name;
}
}  // namespace clockwork::testing

namespace {

const std::filesystem::path golden_dir = std::filesystem::path(CLOCKWORK_SCENARIOS_GOLDEN_DIR);

std::string test_name(std::string name) {
  std::replace(name.begin(), name.end(), '.', '_');
  return name;
}

class Catalogue : public ::testing::TestWithParam<clockwork::testing::scenario> {};

TEST_P(Catalogue, ComesToItsVerdictWithTheGoldenTraceEveryTime) {
  const auto& s = GetParam();
  const auto first = clockwork::testing::run_scenario(s);
  EXPECT_TRUE(first.matched()) << first.report();
  const std::string golden = s.golden_digest ? clockwork::testing::digest_of(first.trace_text) : first.trace_text;
  EXPECT_TRUE(clockwork::testing::matches_golden(golden, golden_dir / (s.name + ".txt")));
  const auto second = clockwork::testing::run_scenario(s);
  EXPECT_EQ(first.trace_text, second.trace_text) << "the same scenario gave two different traces";
}

std::string param_name(const ::testing::TestParamInfo<clockwork::testing::scenario>& param) {
  return test_name(param.param.name);
}

INSTANTIATE_TEST_SUITE_P(Scenarios, Catalogue, ::testing::ValuesIn(clockwork::scenarios::catalogue()), param_name);

// The Chrome trace export of a scenario whose story is in its spans: a paused worker's attempt
// that ends in a refused write, its rescue's attempt that succeeds, the tasks and services around
// them (scenarios/golden/chrome/<name>.trace.json).
TEST(CatalogueChromeTrace, AFencedJobScenarioExportsTheGoldenChromeTrace) {
  const auto s = *clockwork::scenarios::find_scenario("jobs.pause_past_lease.fenced.right");
  const auto run = clockwork::testing::run_scenario(s);
  const auto t = clockwork::testing::timeline_of(s, run);
  const std::string exported = clockwork::to_chrome_trace(t.records, t.origin, {s.name});
  EXPECT_TRUE(clockwork::testing::matches_golden(exported, golden_dir / "chrome" / (s.name + ".trace.json")));
}

TEST(CatalogueShape, NamesAreUniqueAndEveryScenarioSaysWhatItReplays) {
  std::set<std::string> names;
  for (const auto& s : clockwork::scenarios::catalogue()) {
    EXPECT_TRUE(names.insert(s.name).second) << "duplicate name " << s.name;
    EXPECT_FALSE(s.section.empty()) << s.name;
    EXPECT_FALSE(s.summary.empty()) << s.name;
    EXPECT_TRUE(s.variant.empty() || s.variant == "wrong" || s.variant == "right") << s.name;
    EXPECT_TRUE(s.resolution.has_value() || !s.virtual_only_reason.empty())
        << s.name << ": a virtual-only scenario says why";
  }
}

}  // namespace
