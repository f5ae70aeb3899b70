// The parts clockwork-replay and clockwork-timeline share (src/commands/): output files made
// only once every option passed and removed again when making them fails; the progress line,
// in place on a terminal and a line every few seconds elsewhere; the scenarios both accept.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>

#include "../src/commands/exit_codes.hpp"
#include "../src/commands/known_scenarios.hpp"
#include "../src/commands/output_files.hpp"
#include "../src/commands/progress.hpp"
#include "clockwork/scenarios/catalogue.hpp"

namespace {

namespace fs = std::filesystem;
using clockwork::commands::output_files;
using clockwork::commands::progress_line;
using ::testing::HasSubstr;
using ::testing::Not;

// A fresh, empty folder for one test, removed after it.
class scratch_folder {
 public:
  scratch_folder() {
    std::string pattern = (fs::temp_directory_path() / "clockwork-commands-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~scratch_folder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  // Every file and folder inside, relative.
  std::set<std::string> contents() const {
    std::set<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(path_)) out.insert(fs::relative(e.path(), path_).string());
    return out;
  }

 private:
  fs::path path_;
};

TEST(OutputFiles, MakesMissingFoldersThenTheFilesOnlyWhenAsked) {
  scratch_folder dir;
  output_files outputs{"test"};
  outputs.add_file("--junit", dir.path() / "reports/ci/a.xml");
  outputs.add_file("--json", dir.path() / "a.json");
  outputs.add_folder("--trace", dir.path() / "traces/");
  EXPECT_TRUE(dir.contents().empty()) << "checking creates nothing";
  outputs.create();
  EXPECT_EQ(dir.contents(), (std::set<std::string>{"a.json", "reports", "reports/ci", "reports/ci/a.xml", "traces"}));
  ASSERT_EQ(outputs.made_folders().size(), 2u);
  EXPECT_EQ(outputs.made_folders()[0], dir.path() / "reports");
}

TEST(OutputFiles, RefusesWithoutCreatingAnything) {
  scratch_folder dir;
  { std::ofstream(dir.path() / "plain.txt") << "x"; }
  const auto refused = [&](auto add, const char* message) {
    output_files outputs{"test"};
    try {
      add(outputs);
      FAIL() << "accepted; expected: " << message;
    } catch (const std::invalid_argument& e) {
      EXPECT_THAT(e.what(), HasSubstr(message));
    }
    EXPECT_EQ(dir.contents(), std::set<std::string>{"plain.txt"}) << message;
  };
  refused([&](output_files& o) { o.add_file("--junit", dir.path() / "plain.txt/a.xml"); }, "is a file, not a folder");
  refused([&](output_files& o) { o.add_file("--junit", dir.path()); }, "is a folder; give a file name");
  refused([&](output_files& o) { o.add_file("--junit", dir.path() / "new/"); }, "is a folder; give a file name");
  refused([&](output_files& o) { o.add_file("--junit", ""); }, "--junit: give a file name");
  refused([&](output_files& o) { o.add_folder("--trace", dir.path() / "plain.txt/deeper"); },
          "is a file, not a folder");
  refused(
      [&](output_files& o) {
        o.add_file("--junit", dir.path() / "r.xml");
        o.add_file("--json", dir.path() / "./r.xml");
      },
      "the same file as --junit");
}

TEST(OutputFiles, WhenMakingOneFailsWhatWasMadeIsRemoved) {
  scratch_folder dir;
  output_files outputs{"test"};
  outputs.add_file("--junit", dir.path() / "made/deeper/a.xml");
  outputs.add_file("--json", dir.path() / "b.json");
  // No folder can be made under /proc, even as root.
  outputs.add_file("--html", "/proc/clockwork-no-such-folder/t.html");
  EXPECT_THROW(outputs.create(), std::invalid_argument);
  EXPECT_TRUE(dir.contents().empty()) << "made/, made/deeper/, a.xml and b.json removed again";
}

TEST(OutputFiles, AFileThatExistedIsKeptWhenCreateFails) {
  scratch_folder dir;
  { std::ofstream(dir.path() / "kept.xml") << "old"; }
  output_files outputs{"test"};
  outputs.add_file("--junit", dir.path() / "kept.xml");
  outputs.add_file("--html", "/proc/clockwork-no-such-folder/t.html");
  EXPECT_THROW(outputs.create(), std::invalid_argument);
  EXPECT_EQ(dir.contents(), std::set<std::string>{"kept.xml"});
  std::ifstream in(dir.path() / "kept.xml");
  std::string text;
  in >> text;
  EXPECT_EQ(text, "old");
}

// ---- progress --------------------------------------------------------------------------------

// A progress line writing into a memory buffer, on a clock the test moves.
struct progress_fixture {
  std::chrono::steady_clock::time_point now{};
  char* buffer = nullptr;
  std::size_t size = 0;
  std::FILE* out = ::open_memstream(&buffer, &size);
  ~progress_fixture() {
    if (out != nullptr) std::fclose(out);
    std::free(buffer);
  }
  progress_line::options options(bool terminal) {
    progress_line::options o;
    o.to = out;
    o.terminal = terminal;
    o.now = [this] { return now; };
    return o;
  }
  std::string text() {
    std::fflush(out);
    return std::string(buffer, size);
  }
};

TEST(Progress, OnAPipeALineWhenWorkStartsEveryFewSecondsAndAtTheEnd) {
  progress_fixture f;
  {
    progress_line p{"explore.daily_log", 1000, f.options(false)};
    for (int seed = 1; seed <= 1000; ++seed) {
      f.now += std::chrono::milliseconds(10);  // 100 seeds/s: 10 s in all
      p.update(static_cast<std::uint64_t>(seed), seed >= 500 ? 1 : 0);
    }
    p.finish();
  }
  EXPECT_EQ(f.text(),
            "explore.daily_log: 1/1000 seeds, 0 failed, 100 seeds/s, 10 s left\n"
            "explore.daily_log: 501/1000 seeds, 1 failed, 100 seeds/s, 5 s left\n"
            "explore.daily_log: 1000/1000 seeds, 1 failed, 100 seeds/s\n");
}

TEST(Progress, OnATerminalOneLineRewrittenInPlaceTenTimesASecondAtMost) {
  progress_fixture f;
  {
    progress_line p{"explore.daily_log", 40, f.options(true)};
    for (int seed = 1; seed <= 40; ++seed) {
      f.now += std::chrono::milliseconds(30);
      p.update(static_cast<std::uint64_t>(seed), 0);
    }
    p.finish();
  }
  const std::string text = f.text();
  EXPECT_THAT(text, Not(HasSubstr("\n")));
  EXPECT_THAT(text, ::testing::StartsWith("\r\033[Kexplore.daily_log: 1/40 seeds, 0 failed, 33 seeds/s, 1 s left"));
  EXPECT_THAT(text, HasSubstr("\r\033[Kexplore.daily_log: 5/40 seeds"));  // 120 ms after the first
  EXPECT_THAT(text, Not(HasSubstr("2/40 seeds")));
  EXPECT_THAT(text, HasSubstr("\r\033[Kexplore.daily_log: 40/40 seeds, 0 failed, 33 seeds/s\r\033[K"));
  EXPECT_THAT(text, ::testing::EndsWith("\r\033[K")) << "finish() clears the line";
}

TEST(Progress, ShrinkingIsShownAfterTheSeeds) {
  progress_fixture f;
  progress_line p{"x", 10, f.options(false)};
  clockwork::testing::explore_progress e;
  e.seeds_total = 10;
  e.seeds_done = 3;
  e.failed = 1;
  f.now += std::chrono::seconds(1);
  p.update(e);
  e.shrinking = true;
  e.shrink_runs = 7;
  f.now += std::chrono::seconds(6);
  p.update(e);
  EXPECT_EQ(f.text(),
            "x: 3/10 seeds, 1 failed, 3.0 seeds/s, 2 s left\n"
            "x: 3/10 seeds, 1 failed; shrinking the first failure (7 run(s))\n");
}

TEST(Progress, TimeLeftReadsInSecondsMinutesOrHours) {
  using namespace std::chrono_literals;
  EXPECT_EQ(clockwork::commands::rough_duration(59s), "59 s");
  EXPECT_EQ(clockwork::commands::rough_duration(130s), "2 min 10 s");
  EXPECT_EQ(clockwork::commands::rough_duration(3h + 5min + 9s), "3 h 05 min");
}

// ---- the scenarios both programs accept ----------------------------------------------------------

TEST(KnownScenarios, TheCatalogueTheExplorationScenariosAndTheExamplesOnceEach) {
  std::set<std::string> names;
  for (const auto& s : clockwork::commands::known_scenarios()) EXPECT_TRUE(names.insert(s.name).second) << s.name;
  EXPECT_EQ(names.size(), clockwork::scenarios::catalogue().size() + 4);
  for (const char* name : {"explore.daily_log", "explore.daily_log_planted_bug", "example.same_instant_race",
                           "example.hostile_names", "s1.simple_loop"}) {
    EXPECT_TRUE(names.contains(name)) << name;
    EXPECT_TRUE(clockwork::commands::find_known_scenario(name)) << name;
  }
  EXPECT_FALSE(clockwork::commands::find_known_scenario("nope"));
  EXPECT_THAT(clockwork::commands::no_such_scenario("nope"),
              HasSubstr("no scenario named 'nope'; the catalogue has:\n  s1.simple_loop"));
}

TEST(ExitCodes, AnInconclusiveRealRunCountsOnlyWhenAskedTo) {
  using clockwork::commands::exit_code_for;
  EXPECT_EQ(exit_code_for(0, 0, false), 0);
  EXPECT_EQ(exit_code_for(0, 3, false), 0);
  EXPECT_EQ(exit_code_for(0, 3, true), 77);
  EXPECT_EQ(exit_code_for(1, 3, true), 1);
  EXPECT_EQ(exit_code_for(2, 0, false), 1);
}

}  // namespace
