// clockwork-replay: the verdicts as JUnit XML (for CI dashboards) and as JSON (for tools).
#include <nlohmann/json.hpp>

#include <fstream>
#include <stdexcept>

#include "replay.hpp"

namespace clockwork::replay {
namespace {

std::string xml_escaped(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c; break;
    }
  }
  return out;
}

void write_case(std::ofstream& out, const std::string& suite, const testing::scenario_run& run) {
  out << "    <testcase classname=\"" << xml_escaped(suite) << "\" name=\"" << xml_escaped(run.name) << "\">\n";
  if (run.inconclusive) {
    out << "      <skipped message=\"inconclusive: the machine distorted the run\"/>\n";
  } else if (!run.matched()) {
    out << "      <failure message=\"the verdict differs from the expected one\">" << xml_escaped(run.report())
        << "</failure>\n";
  }
  out << "    </testcase>\n";
}

nlohmann::ordered_json run_json(const testing::scenario_run& run) {
  nlohmann::ordered_json j;
  j["matched"] = run.matched();
  j["inconclusive"] = run.inconclusive;
  j["expected"] = nlohmann::ordered_json::parse(run.expected.to_json());
  j["actual"] = nlohmann::ordered_json::parse(run.actual.to_json());
  if (run.real) {
    j["time_scale"] = run.time_scale;
    j["distortion_ns"] = run.distortion.count();
  }
  if (!run.error.empty()) j["error"] = run.error;
  return j;
}

}  // namespace

void write_junit(const std::vector<scenario_outcome>& outcomes, const std::filesystem::path& file) {
  std::ofstream out(file);
  if (!out) throw std::runtime_error("cannot write " + file.string());
  std::size_t tests = 0;
  std::size_t failures = 0;
  std::size_t skipped = 0;
  for (const auto& o : outcomes) {
    for (const auto* run : {&o.virtual_run, o.real_run ? &*o.real_run : nullptr}) {
      if (run == nullptr) continue;
      ++tests;
      if (run->inconclusive) {
        ++skipped;
      } else if (!run->matched()) {
        ++failures;
      }
    }
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"clockwork-replay\" tests=\"" << tests << "\" failures=\"" << failures << "\" skipped=\""
      << skipped << "\">\n";
  out << "  <testsuite name=\"catalogue\" tests=\"" << tests << "\" failures=\"" << failures << "\" skipped=\""
      << skipped << "\">\n";
  for (const auto& o : outcomes) {
    write_case(out, "virtual", o.virtual_run);
    if (o.real_run) write_case(out, "real", *o.real_run);
  }
  out << "  </testsuite>\n</testsuites>\n";
}

void write_json(const std::vector<scenario_outcome>& outcomes, const std::filesystem::path& file) {
  std::ofstream out(file);
  if (!out) throw std::runtime_error("cannot write " + file.string());
  nlohmann::ordered_json all = nlohmann::ordered_json::array();
  for (const auto& o : outcomes) {
    nlohmann::ordered_json j;
    j["name"] = o.scenario.name;
    j["section"] = o.scenario.section;
    j["variant"] = o.scenario.variant;
    j["summary"] = o.scenario.summary;
    j["virtual"] = run_json(o.virtual_run);
    if (o.real_run) {
      j["real"] = run_json(*o.real_run);
    } else if (!o.real_skipped.empty()) {
      j["real"] = {{"skipped", o.real_skipped}};
    }
    all.push_back(std::move(j));
  }
  out << all.dump(2) << "\n";
}

}  // namespace clockwork::replay
