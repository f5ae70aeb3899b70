// clockwork-replay: which shard this process is, the files a shard writes, and --merge.
#include "shards.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "../commands/exit_codes.hpp"
#include "../commands/known_scenarios.hpp"
#include "../commands/output_files.hpp"
#include "clockwork/testing/explore_summary.hpp"
#include "clockwork/testing/timeline_html.hpp"
#include "clockwork/time/clock.hpp"
#include "replay.hpp"

namespace clockwork::replay {
namespace {

// A whole number of digits only: "08" is 8, "-1", "+1", "1.0" and "" are not numbers.
std::optional<std::uint64_t> whole(const std::string& text) {
  if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoull(text);
}

shard_spec checked(std::uint64_t index, std::uint64_t total, std::string source) {
  if (total == 0) throw std::invalid_argument("--shard " + source + ": the number of shards must be at least 1");
  if (index >= total) {
    throw std::invalid_argument("--shard " + source + ": shard " + std::to_string(index) + " of " +
                                std::to_string(total) + " does not exist (shards are numbered from 0 to " +
                                std::to_string(total - 1) + ")");
  }
  return shard_spec{index, total, std::move(source)};
}

const char* variable(const char* name) {
  const char* v = std::getenv(name);  // read only when --shard asks for it
  return v != nullptr && *v != '\0' ? v : nullptr;
}

shard_spec from_gtest_environment() {
  const char* index = variable("GTEST_SHARD_INDEX");
  const char* total = variable("GTEST_TOTAL_SHARDS");
  // The runner's way to learn that the program shards: it creates the file if asked to.
  if (const char* status = variable("GTEST_SHARD_STATUS_FILE")) {
    std::ofstream touch(status, std::ios::app);
    if (!touch) throw std::invalid_argument(std::string("--shard env: cannot touch GTEST_SHARD_STATUS_FILE ") + status);
  }
  if (index == nullptr && total == nullptr) return shard_spec{0, 1, "env (not sharded: GTEST_TOTAL_SHARDS unset)"};
  if (index == nullptr || total == nullptr) {
    throw std::invalid_argument(
        std::string("--shard env: ") + (index == nullptr ? "GTEST_SHARD_INDEX" : "GTEST_TOTAL_SHARDS") +
        " is not set, but " + (index == nullptr ? "GTEST_TOTAL_SHARDS" : "GTEST_SHARD_INDEX") + " is: both or neither");
  }
  const auto i = whole(index);
  const auto n = whole(total);
  if (!i)
    throw std::invalid_argument(std::string("--shard env: GTEST_SHARD_INDEX=") + index + " is not a whole number");
  if (!n)
    throw std::invalid_argument(std::string("--shard env: GTEST_TOTAL_SHARDS=") + total + " is not a whole number");
  return checked(*i, *n, std::string("env (GTEST_SHARD_INDEX=") + index + ", GTEST_TOTAL_SHARDS=" + total + ")");
}

shard_spec from_kubernetes(const std::string& value, const std::string& total_text) {
  const auto n = whole(total_text);
  if (!n)
    throw std::invalid_argument("--shard " + value + ": " + total_text +
                                " is not a whole number (k8s/N: N completions)");
  const char* index = variable("JOB_COMPLETION_INDEX");
  if (index == nullptr) {
    throw std::invalid_argument("--shard " + value +
                                ": JOB_COMPLETION_INDEX is not set (Kubernetes sets it in each pod of an Indexed Job)");
  }
  const auto i = whole(index);
  if (!i)
    throw std::invalid_argument("--shard " + value + ": JOB_COMPLETION_INDEX=" + index + " is not a whole number");
  return checked(*i, *n, value + " (JOB_COMPLETION_INDEX=" + index + ")");
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument("--merge " + path + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string range(const testing::exploration_summary& s) {
  return "seeds " + std::to_string(s.first_seed) + " to " + std::to_string(s.first_seed + s.seeds_asked - 1);
}

// The rows of the merged page: every seed the shards named, the first failing ones drawn again.
constexpr std::size_t drawn_per_scenario = 20;

void add_rows(const testing::exploration_summary& whole, std::vector<testing::exploration_row>& rows,
              std::vector<testing::exploration_reproduction>& reproductions, bool several) {
  const auto s = commands::find_known_scenario(whole.scenario);
  if (!s) {
    throw std::invalid_argument("--html: the shards explored " + whole.scenario +
                                ", which this clockwork-replay does not know (built from other code?)");
  }
  std::size_t drawn = 0;
  for (const auto& n : whole.notable) {
    testing::exploration_row row;
    row.seed = n.seed;
    row.passed = n.passed;
    row.deterministic = n.deterministic;
    row.note = n.passed ? std::to_string(n.faults) + " fault(s), kinds: " + n.kinds : n.failure;
    if (!n.deterministic) row.note += "; not deterministic: " + n.divergence;
    if (several) row.note = whole.scenario + ": " + row.note;
    row.replay_command = whole.replay(n.seed);
    if (!n.passed && drawn < drawn_per_scenario) {
      ++drawn;
      testing::run_options o;
      o.seed = n.seed;
      o.chaos = whole.chaos;
      o.render_trace = true;
      auto t = testing::timeline_of(*s, testing::run_scenario(*s, o), o);
      t.title = whole.scenario + ", seed " + std::to_string(n.seed);
      t.replay_command = row.replay_command;
      row.run = std::move(t);
    }
    rows.push_back(std::move(row));
  }
  if (whole.shrunk) {
    testing::exploration e;  // reproduction_of reads the scenario's name and the shrunk case only
    e.scenario = whole.scenario;
    e.shrunk = whole.shrunk;
    if (auto r = testing::reproduction_of(e)) reproductions.push_back(std::move(*r));
  }
}

}  // namespace

std::string shard_spec::file_suffix() const {
  return std::to_string(index) + "-of-" + std::to_string(total);
}

shard_spec parse_shard(const std::string& value) {
  if (value == "env") return from_gtest_environment();
  if (value.rfind("k8s/", 0) == 0) return from_kubernetes(value, value.substr(4));
  const auto slash = value.find('/');
  if (slash == std::string::npos) {
    throw std::invalid_argument("--shard " + value + ": give I/N (0-based: 0/4 to 3/4), env or k8s/N");
  }
  const auto i = whole(value.substr(0, slash));
  const auto n = whole(value.substr(slash + 1));
  if (!i || !n) throw std::invalid_argument("--shard " + value + ": I/N takes two whole numbers (0-based: 0/4 to 3/4)");
  return checked(*i, *n, value);
}

std::filesystem::path failing_seeds_file(const std::filesystem::path& dir, const shard_spec& shard) {
  return dir / ("failing-seeds-" + shard.file_suffix() + ".jsonl");
}

std::filesystem::path shard_junit_file(const std::filesystem::path& dir, const shard_spec& shard) {
  return dir / ("junit-" + shard.file_suffix() + ".xml");
}

int run_merge(const merge_args& args) {
  std::vector<testing::exploration_summary> shards;
  for (const auto& file : args.files) {
    try {
      for (auto& s : testing::parse_summaries(read_file(file))) shards.push_back(std::move(s));
    } catch (const std::invalid_argument& e) {
      const std::string what = e.what();
      if (what.rfind("--merge", 0) == 0) throw;
      throw std::invalid_argument("--merge " + file + ": not a shard's failing-seeds file: " + what);
    }
  }
  if (shards.empty()) throw std::invalid_argument("--merge: the files hold no shard");
  std::vector<testing::exploration_summary> joined;
  try {
    joined = testing::join_shards(std::move(shards));
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("--merge: ") + e.what());
  }
  commands::output_files outputs{"clockwork-replay"};
  if (!args.junit_path.empty()) outputs.add_file("--junit", args.junit_path);
  if (!args.html_path.empty()) {
    outputs.add_file("--html", args.html_path);
    for (const auto& whole : joined) {
      if (!commands::find_known_scenario(whole.scenario)) {
        throw std::invalid_argument("--html: the shards explored " + whole.scenario +
                                    ", which this clockwork-replay does not know (built from other code?)");
      }
    }
  }
  outputs.create();

  const real_clock wall;  // the JUnit report's timestamp, nothing else
  std::size_t failing = 0;
  for (const auto& whole : joined) {
    if (!whole.ok()) ++failing;
    std::printf("%s", testing::report(whole).c_str());
    std::printf("joined from %zu shard(s): %s\n\n", whole.shards, range(whole).c_str());
  }
  if (!args.junit_path.empty()) {
    write_exploration_junit(joined, run_times{junit_timestamp(wall.utc_now()), 0.0}, args.junit_path);
    say_wrote("the JUnit report", args.junit_path);
  }
  if (!args.html_path.empty()) {
    std::vector<testing::exploration_row> rows;
    std::vector<testing::exploration_reproduction> reproductions;
    for (const auto& whole : joined) add_rows(whole, rows, reproductions, joined.size() > 1);
    std::uint64_t seeds = 0;
    for (const auto& whole : joined) seeds += whole.seeds_run;
    const std::string title =
        (joined.size() == 1 ? joined.front().scenario : std::to_string(joined.size()) + " scenarios") + ": " +
        std::to_string(seeds) + " seed(s) in " + std::to_string(joined.front().shards) +
        " shard(s), the seeds that failed or were not deterministic";
    testing::write_html(testing::render_exploration_html(title, rows, reproductions), args.html_path);
    say_wrote("the timeline", args.html_path);
  }
  return failing > 0 ? commands::exit_mismatch : commands::exit_matched;
}

}  // namespace clockwork::replay
