// clockwork-replay: the verdicts as JUnit XML (for CI dashboards) and as JSON (for tools).
//
// The JUnit report carries what Jenkins, GitLab and GoogleTest's own XML carry: on <testsuites>
// and each <testsuite> the counts (tests, failures, errors, skipped), time and timestamp; on each
// <testcase> classname, name and time; on a <failure> or <error> its message and type; and the
// case's replay command and trace in <system-out>. The times are real seconds and the timestamp
// the real clock's: read by the program, never by a run, so no trace or verdict holds them.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "clockwork/testing/explore_summary.hpp"
#include "clockwork/time/time_format.hpp"
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
      default:
        // XML 1.0 has no place for the other control characters, even escaped.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') {
          out += '?';
        } else {
          out += c;
        }
        break;
    }
  }
  return out;
}

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

// One run as a JUnit case: what it found, and how to see it again.
struct junit_case {
  std::string classname;
  std::string name;
  double time = 0;
  enum class result { passed, failed, error, skipped } outcome = result::passed;
  std::string message;  // failure/error/skipped
  std::string type;
  std::string details;  // the failure's text
  std::string system_out;
};

junit_case case_of(const scenario_outcome& o, const testing::scenario_run& run, bool real) {
  junit_case c;
  c.classname = junit_classname(o.scenario.section);
  c.name = real ? o.scenario.name + " on the real host" : o.scenario.name;
  c.time = real ? o.real_seconds : o.virtual_seconds;
  c.system_out = "replay: " + (real ? o.real_replay_command : o.replay_command) + "\n";
  if (!real && !o.trace_file.empty()) c.system_out += "trace: " + o.trace_file + "\n";
  if (run.inconclusive) {
    c.outcome = junit_case::result::skipped;
    c.message = "inconclusive: the machine distorted the run by " + format_duration(run.distortion) +
                ", more than its resolution allows";
  } else if (!run.error.empty()) {
    c.outcome = junit_case::result::error;
    c.message = "the run ended early: " + run.error;
    c.type = "run_ended_early";
    c.details = run.report();
  } else if (!run.matched()) {
    c.outcome = junit_case::result::failed;
    c.message = "expected " + run.expected.headline() + ", found " + run.actual.headline();
    c.type = "verdict_mismatch";
    c.details = run.report();
  }
  return c;
}

struct junit_suite {
  std::string name;
  std::vector<junit_case> cases;
  std::size_t count(junit_case::result r) const {
    std::size_t n = 0;
    for (const auto& c : cases) n += c.outcome == r ? 1 : 0;
    return n;
  }
  double time() const {
    double t = 0;
    for (const auto& c : cases) t += c.time;
    return t;
  }
};

// tests="…" failures="…" errors="…" skipped="…" time="…" timestamp="…"
std::string counts(std::size_t tests, std::size_t failures, std::size_t errors, std::size_t skipped, double time,
                   const std::string& timestamp) {
  return "tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(failures) + "\" errors=\"" +
         std::to_string(errors) + "\" skipped=\"" + std::to_string(skipped) + "\" time=\"" + seconds(time) +
         "\" timestamp=\"" + xml_escaped(timestamp) + "\"";
}

void write_case(std::ofstream& out, const junit_case& c) {
  out << "    <testcase classname=\"" << xml_escaped(c.classname) << "\" name=\"" << xml_escaped(c.name) << "\" time=\""
      << seconds(c.time) << "\">\n";
  switch (c.outcome) {
    case junit_case::result::passed: break;
    case junit_case::result::skipped: out << "      <skipped message=\"" << xml_escaped(c.message) << "\"/>\n"; break;
    case junit_case::result::failed:
    case junit_case::result::error: {
      const char* tag = c.outcome == junit_case::result::failed ? "failure" : "error";
      out << "      <" << tag << " message=\"" << xml_escaped(c.message) << "\" type=\"" << xml_escaped(c.type) << "\">"
          << xml_escaped(c.details) << "</" << tag << ">\n";
      break;
    }
  }
  out << "      <system-out>" << xml_escaped(c.system_out) << "</system-out>\n";
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

std::string junit_classname(const std::string& section) {
  // Jenkins splits a classname at its last dot into package and class: keep the section whole.
  std::string out;
  for (std::size_t i = 0; i < section.size(); ++i) {
    if (section[i] != '.') {
      out += section[i];
    } else if (i + 1 < section.size() && section[i + 1] != ' ') {
      out += '_';  // "a.b" -> "a_b"; "3. DailyLog" -> "3 DailyLog"
    }
  }
  return out.empty() ? "scenario" : out;
}

std::string junit_timestamp(utc_time now) {
  return format_utc(std::chrono::floor<std::chrono::seconds>(now)).substr(0, 19);
}

namespace {

void write_suites(const std::vector<junit_suite>& suites, const run_times& times, const std::filesystem::path& file) {
  std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  for (const auto& s : suites) {
    tests += s.cases.size();
    failures += s.count(junit_case::result::failed);
    errors += s.count(junit_case::result::error);
    skipped += s.count(junit_case::result::skipped);
  }
  std::ofstream out(file);
  if (!out) throw std::runtime_error("cannot write " + file.string());
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"clockwork-replay\" "
      << counts(tests, failures, errors, skipped, times.seconds, times.timestamp) << ">\n";
  for (const auto& s : suites) {
    out << "  <testsuite name=\"" << xml_escaped(s.name) << "\" "
        << counts(s.cases.size(), s.count(junit_case::result::failed), s.count(junit_case::result::error),
                  s.count(junit_case::result::skipped), s.time(), times.timestamp)
        << ">\n";
    for (const auto& c : s.cases) write_case(out, c);
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

// Enough cases to see what failed; a million failing seeds would make a report no CI page shows.
constexpr std::size_t junit_seed_cases = 100;

}  // namespace

void write_exploration_junit(const std::vector<testing::exploration_summary>& explored, const run_times& times,
                             const std::filesystem::path& file) {
  std::vector<junit_suite> suites;
  for (const auto& e : explored) {
    junit_suite suite{"explore " + e.scenario, {}};
    const std::string classname = junit_classname("explore " + e.scenario);
    junit_case all;
    all.classname = classname;
    const auto first = e.first_seed + e.block.offset;
    all.name = e.block.count == 0
                   ? "no seed (an empty shard)"
                   : "seeds " + std::to_string(first) + " to " + std::to_string(first + e.block.count - 1);
    all.time = explored.size() == 1 ? times.seconds : 0.0;
    all.system_out = std::to_string(e.seeds_run) + " seed(s) run, " + std::to_string(e.failed) + " failed, " +
                     std::to_string(e.checked_twice) + " run twice, " + std::to_string(e.not_deterministic) +
                     " not deterministic\n";
    if (e.shrunk) all.system_out += "shrunk: " + e.shrunk->failure + "\nreplay: " + e.shrunk->command + "\n";
    if (!e.ok()) {
      all.outcome = junit_case::result::failed;
      all.type = "exploration_failed";
      all.message =
          std::to_string(e.failed) + " seed(s) failed, " + std::to_string(e.not_deterministic) + " not deterministic";
      all.details = testing::report(e);
    }
    suite.cases.push_back(std::move(all));
    std::size_t listed = 0;
    for (const auto& n : e.notable) {
      if (listed++ == junit_seed_cases) break;
      junit_case c;
      c.classname = classname;
      c.name = "seed " + std::to_string(n.seed);
      c.outcome = junit_case::result::failed;
      c.type = n.passed ? "not_deterministic" : "seed_failed";
      c.message = n.passed ? "not deterministic" : n.failure;
      c.details = n.passed ? n.divergence : n.failure + " (" + std::to_string(n.faults) + " fault(s), " + n.kinds + ")";
      if (!n.deterministic && !n.passed) c.details += "\nnot deterministic: " + n.divergence;
      c.system_out = "replay: " + e.replay(n.seed) + "\n";
      suite.cases.push_back(std::move(c));
    }
    suites.push_back(std::move(suite));
  }
  write_suites(suites, times, file);
}

void write_junit(const std::vector<scenario_outcome>& outcomes, const run_times& times,
                 const std::filesystem::path& file) {
  junit_suite virtual_suite{"virtual time", {}};
  junit_suite real_suite{"real host", {}};
  for (const auto& o : outcomes) {
    virtual_suite.cases.push_back(case_of(o, o.virtual_run, false));
    if (o.real_run) {
      real_suite.cases.push_back(case_of(o, *o.real_run, true));
    } else if (!o.real_skipped.empty()) {
      // Asked for (--real) but not possible: a skipped case saying why.
      junit_case c;
      c.classname = junit_classname(o.scenario.section);
      c.name = o.scenario.name + " on the real host";
      c.outcome = junit_case::result::skipped;
      c.message = o.real_skipped;
      c.system_out = "replay: " + o.replay_command + "\n";
      real_suite.cases.push_back(std::move(c));
    }
  }
  std::vector<junit_suite> suites{std::move(virtual_suite)};
  if (!real_suite.cases.empty()) suites.push_back(std::move(real_suite));
  write_suites(suites, times, file);
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
