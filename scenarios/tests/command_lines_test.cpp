// clockwork-replay and clockwork-timeline end to end, as a script or a CI job runs them: the
// exit codes they share, nothing left behind by a refused command, output folders made, the
// JUnit report as Jenkins, GitLab and GoogleTest's own XML have it (parsed with pugixml), and
// the progress of an exploration on a pseudo-terminal and on a pipe.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

// The programs built with this test; the environment may name others (an installed copy, or an
// older build to compare with).
const char* program(const char* variable, const char* built) {
  const char* given = std::getenv(variable);
  return given != nullptr && *given != '\0' ? given : built;
}
const char* const replay = program("CLOCKWORK_REPLAY", CLOCKWORK_REPLAY);
const char* const timeline = program("CLOCKWORK_TIMELINE", CLOCKWORK_TIMELINE);

// A fresh, empty working folder for the programs, removed after the test.
class scratch_folder {
 public:
  scratch_folder() {
    std::string pattern = (fs::temp_directory_path() / "clockwork-command-lines-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~scratch_folder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  std::set<std::string> contents() const {
    std::set<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(path_)) out.insert(fs::relative(e.path(), path_).string());
    return out;
  }

 private:
  fs::path path_;
};

struct result {
  int status = -1;
  std::string out;  // on a pseudo-terminal: standard output and error together
  std::string err;
};

[[noreturn]] void exec_in(const fs::path& cwd, const char* program, const std::vector<std::string>& args) {
  if (::chdir(cwd.c_str()) != 0) std::_Exit(126);
  std::vector<char*> argv{const_cast<char*>(program)};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv(program, argv.data());
  std::_Exit(127);
}

int exit_status(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Runs the program in cwd with standard output and error on two pipes.
result run(const char* program, const std::vector<std::string>& args, const fs::path& cwd) {
  int out_pipe[2];
  int err_pipe[2];
  if (::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::dup2(err_pipe[1], STDERR_FILENO);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    exec_in(cwd, program, args);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  result r;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* into[2] = {&r.out, &r.err};
  int open = 2;
  while (open > 0) {
    if (::poll(fds, 2, -1) < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[4096];
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        into[i]->append(buf, static_cast<std::size_t>(n));
      } else {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open;
      }
    }
  }
  r.status = exit_status(pid);
  return r;
}

// Runs the program in cwd on a pseudo-terminal, as a person at a terminal would.
result run_on_a_terminal(const char* program, const std::vector<std::string>& args, const fs::path& cwd) {
  int master = -1;
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) throw std::runtime_error("forkpty failed");
  if (pid == 0) exec_in(cwd, program, args);
  result r;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(master, buf, sizeof buf);
    if (n <= 0) break;  // EIO once the program closed the terminal
    r.out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(master);
  r.status = exit_status(pid);
  return r;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// ---- refused: exit code 2, a message, nothing written ------------------------------------------

TEST(CommandLines, ARefusedCommandLeavesNoFileAndNoFolderBehind) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> refused = {
      {{"--junit", "a.xml", "--json", "a.json", "--trace", "missing/", "--scenario", "nope"},
       "no scenario named 'nope'"},
      {{"--junit", "a.xml", "--json", "a.json", "--trace", "missing/", "--span", "3 parsecs"}, "--span 3 parsecs:"},
      {{"--scenario", "explore.daily_log", "--explore", "3", "--chaos-set", "bogus=1", "--html", "out.html"},
       "no option named 'bogus'"},
      {{"--scenario", "explore.daily_log", "--explore", "3", "--determinism-check", "2", "--html", "new/out.html"},
       "must be a fraction in [0, 1], got 2"},
      {{"--scenario", "s1.simple_loop", "--span", "3 parsecs", "--html", "new/out.html"}, "--span 3 parsecs:"},
      {{"--scenario", "p4.utc_midnight_month", "--span", "90000d", "--junit", "reports/r.xml", "--trace", "t/"},
       "--span 90000d: p4.utc_midnight_month would run past the end of the clock's range (2262-04-11)"},
      {{"--scenario", "explore.daily_log", "--seed", "3", "--chaos", "--span", "90000d", "--html", "h/x.html"},
       "would run past the end of the clock's range (2262-04-11)"},
      {{"--scenario", "s1.simple_loop", "--strict-real", "--junit", "r/x.xml"}, "--strict-real applies"},
      {{"--demo", "daily_log", "--trace", "traces/t.txt", "--users", "0"}, "--users"},
      {{"--demo", "daily_log", "--trace", "traces/t.jsonl"}, "give the text file's path"},
      {{"--chrome-trace", "perf/run.json", "--scenario", "s1.simple_loop", "--scenario", "p1.captive_scope.wrong"},
       "--chrome-trace exports one scenario's run"},
      {{"--chrome-trace", "perf/run.json", "--scenario", "explore.daily_log", "--explore", "3"},
       "--chrome-trace exports one run"},
      // Making the second file's folder fails: the first one's folder and file are removed again.
      {{"--junit", "made/a.xml", "--json", "/proc/clockwork-no-such-folder/a.json"}, "cannot make the folder"},
  };
  for (const auto& [args, message] : refused) {
    scratch_folder dir;
    const auto r = run(replay, args, dir.path());
    EXPECT_EQ(r.status, 2) << message << "\n" << r.err;
    EXPECT_THAT(r.err, HasSubstr(message));
    EXPECT_EQ(dir.contents(), std::set<std::string>{}) << message;
  }
  const std::vector<std::pair<std::vector<std::string>, std::string>> timeline_refused = {
      {{"--scenario", "nope", "-o", "new/x.html"}, "no scenario named 'nope'; the catalogue has:"},
      {{"--scenario", "s1.simple_loop", "--real", "--explore", "2", "-o", "new/x.html"}, "--real does not apply"},
      {{"--scenario", "p4.utc_midnight_month", "--real", "-o", "new/x.html"}, "runs in virtual time only"},
      {{"--scenario", "s1.simple_loop", "--strict-real", "-o", "x.html"}, "--strict-real applies only with --real"},
      {{"--showcase", "--synthetic", "10", "-o", "x.html"}, "give one of"},
      {{"--showcase"}, "-o"},
      {{"--showcase", "--seed", "3", "-o", "x.html"}, "--seed applies to --scenario only"},
      {{"--synthetic", "10", "--explore", "3", "-o", "x.html"}, "--explore applies to --scenario only"},
      {{"--scenario", "s1.simple_loop", "--explore", "0", "-o", "x.html"}, "--explore"},
  };
  for (const auto& [args, message] : timeline_refused) {
    scratch_folder dir;
    const auto r = run(timeline, args, dir.path());
    EXPECT_EQ(r.status, 2) << message << "\n" << r.err;
    EXPECT_THAT(r.err, HasSubstr(message));
    EXPECT_EQ(dir.contents(), std::set<std::string>{}) << message;
  }
}

TEST(CommandLines, OutputFoldersAreMadeAndEachWrittenFileIsNamed) {
  scratch_folder dir;
  const auto r =
      run(replay,
          {"--scenario", "s1.simple_loop", "--junit", "ci/reports/r.xml", "--json", "ci/r.json", "--trace", "traces/"},
          dir.path());
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("wrote the JUnit report: ci/reports/r.xml\n"));
  EXPECT_THAT(r.out, HasSubstr("wrote the JSON report: ci/r.json\n"));
  EXPECT_THAT(r.out, HasSubstr("wrote 1 trace(s) in: traces/\n"));
  EXPECT_GT(fs::file_size(dir.path() / "ci/reports/r.xml"), 0u);
  EXPECT_GT(fs::file_size(dir.path() / "ci/r.json"), 0u);
  EXPECT_GT(fs::file_size(dir.path() / "traces/s1.simple_loop.txt"), 0u);

  // The command that used to be refused, leaving an empty a.xml and a.json behind.
  scratch_folder issue;
  const auto made =
      run(replay, {"--scenario", "s1.simple_loop", "--junit", "a.xml", "--json", "a.json", "--trace", "missing/"},
          issue.path());
  EXPECT_EQ(made.status, 0) << made.err;
  EXPECT_EQ(issue.contents(), (std::set<std::string>{"a.json", "a.xml", "missing", "missing/s1.simple_loop.txt"}));
  EXPECT_GT(fs::file_size(issue.path() / "a.xml"), 0u);

  const auto t = run(timeline, {"--scenario", "s1.simple_loop", "-o", "pages/s1.html"}, dir.path());
  EXPECT_EQ(t.status, 0) << t.err;
  EXPECT_THAT(t.out, HasSubstr("wrote the timeline: pages/s1.html\n"));
  EXPECT_GT(fs::file_size(dir.path() / "pages/s1.html"), 0u);
}

TEST(CommandLines, ASavedTraceIsDrawnAgainFromItsJsonLines) {
  scratch_folder dir;
  const auto demo =
      run(replay, {"--demo", "daily_log", "--days", "2", "--users", "3", "--trace", "run/t.txt"}, dir.path());
  ASSERT_EQ(demo.status, 0) << demo.out << demo.err;
  ASSERT_TRUE(fs::exists(dir.path() / "run/t.jsonl"));
  const auto t = run(timeline, {"--from-trace", "run/t.jsonl", "-o", "pages/saved.html"}, dir.path());
  EXPECT_EQ(t.status, 0) << t.out << t.err;
  EXPECT_THAT(t.out, HasSubstr("wrote the timeline: pages/saved.html\n"));
  std::ifstream page(dir.path() / "pages/saved.html");
  const std::string html{std::istreambuf_iterator<char>(page), std::istreambuf_iterator<char>()};
  EXPECT_THAT(html, HasSubstr("nothing was expected of it, so no verdict"));
  EXPECT_THAT(html, HasSubstr("t.jsonl"));
  EXPECT_THAT(html, Not(HasSubstr("verdict MISMATCH")));

  // A file that is not a trace is refused before anything is written, naming the line.
  {
    std::ofstream bad(dir.path() / "bad.jsonl");
    std::ifstream good(dir.path() / "run/t.jsonl");
    std::string first;
    std::getline(good, first);
    bad << first << "\n"
        << "<html>not a trace</html>\n";
  }
  const auto refused = run(timeline, {"--from-trace", "bad.jsonl", "-o", "new/bad.html"}, dir.path());
  EXPECT_EQ(refused.status, 2);
  EXPECT_THAT(refused.err, AllOf(HasSubstr("bad.jsonl"), HasSubstr("line 2")));
  EXPECT_FALSE(fs::exists(dir.path() / "new"));
  const auto missing = run(timeline, {"--from-trace", "nowhere.jsonl", "-o", "x.html"}, dir.path());
  EXPECT_EQ(missing.status, 2);
  EXPECT_THAT(missing.err, HasSubstr("cannot read nowhere.jsonl"));
}

TEST(CommandLines, AScenarioOrAChaosSeedExportsAChromeTrace) {
  scratch_folder dir;
  const auto r = run(replay, {"--scenario", "s1.simple_loop", "--chrome-trace", "perf/s1.trace.json"}, dir.path());
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("wrote the Chrome trace: perf/s1.trace.json\n"));
  std::ifstream in(dir.path() / "perf/s1.trace.json");
  const auto doc = nlohmann::json::parse(in);
  ASSERT_TRUE(doc.contains("traceEvents"));
  EXPECT_EQ(doc["traceEvents"][0]["args"]["name"], "s1.simple_loop") << "the process is named after the scenario";
  EXPECT_GT(doc["traceEvents"].size(), 10u);

  const auto chaos =
      run(replay, {"--scenario", "explore.daily_log", "--seed", "3", "--chaos", "--chrome-trace", "seed3.json"},
          dir.path());
  EXPECT_EQ(chaos.status, 0) << chaos.out << chaos.err;
  std::ifstream seed3(dir.path() / "seed3.json");
  EXPECT_TRUE(nlohmann::json::parse(seed3).contains("traceEvents"));
}

// ---- exit codes: 0 matched, 1 a mismatch or a failing seed, 2 bad input --------------------------

TEST(CommandLines, ExitCodesAreTheSameAcrossCommands) {
  scratch_folder dir;
  EXPECT_EQ(run(replay, {"--scenario", "s1.simple_loop"}, dir.path()).status, 0);
  const auto mismatch = run(replay, {"--scenario", "s1.simple_loop", "--span", "30min"}, dir.path());
  EXPECT_EQ(mismatch.status, 1) << "a shorter span: fewer runs than the verdict expects";
  EXPECT_THAT(mismatch.out, HasSubstr("✗ s1.simple_loop"));
  EXPECT_EQ(run(replay,
                {"--scenario", "explore.daily_log_planted_bug", "--seed", "1", "--chaos", "--chaos-set", "clock_step=0",
                 "--chaos-budget", "4", "--span", "7d12h45min"},
                dir.path())
                .status,
            1)
      << "a failing seed";
  EXPECT_EQ(run(replay, {"--bogus"}, dir.path()).status, 2);
  EXPECT_EQ(run(replay, {"--scenario", "nope"}, dir.path()).status, 2);

  // clockwork-timeline: the same codes (it used to exit 0 with failing seeds, and CLI11's own
  // codes, 105 or 106, for bad input).
  const auto race =
      run(timeline, {"--scenario", "example.same_instant_race", "--explore", "8", "-o", "race.html"}, dir.path());
  EXPECT_EQ(race.status, 1) << "some seeds run the reader first and fail\n" << race.out;
  EXPECT_THAT(race.out, HasSubstr("failed or not deterministic"));
  EXPECT_GT(fs::file_size(dir.path() / "race.html"), 0u) << "the page is written all the same";
  EXPECT_EQ(run(timeline, {"--scenario", "example.same_instant_race", "-o", "one.html"}, dir.path()).status, 0);
  EXPECT_EQ(run(timeline, {"--scenario", "s1.simple_loop"}, dir.path()).status, 2);
  EXPECT_EQ(run(timeline, {"--scenario", "s1.simple_loop", "--explore", "0", "-o", "x.html"}, dir.path()).status, 2);
}

// ---- the JUnit report ---------------------------------------------------------------------------

double number(const pugi::xml_node& n, const char* attribute) {
  const auto a = n.attribute(attribute);
  EXPECT_TRUE(a) << n.name() << " has no " << attribute;
  return a.as_double(-1);
}

// Every attribute Jenkins' JUnit plugin, GitLab's unit test reports and GoogleTest's own XML
// carry, each count equal to what its cases say.
void expect_complete_junit(const pugi::xml_document& doc) {
  const std::regex timestamp(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)");
  const auto root = doc.child("testsuites");
  ASSERT_TRUE(root);
  for (const char* a : {"name", "tests", "failures", "errors", "skipped", "time", "timestamp"})
    EXPECT_TRUE(root.attribute(a)) << "testsuites@" << a;
  double all_tests = 0;
  for (const auto& suite : root.children("testsuite")) {
    for (const char* a : {"name", "tests", "failures", "errors", "skipped", "time", "timestamp"})
      EXPECT_TRUE(suite.attribute(a)) << "testsuite@" << a;
    EXPECT_TRUE(std::regex_match(suite.attribute("timestamp").value(), timestamp))
        << suite.attribute("timestamp").value();
    double tests = 0, failures = 0, errors = 0, skipped = 0;
    for (const auto& c : suite.children("testcase")) {
      ++tests;
      for (const char* a : {"classname", "name", "time"}) EXPECT_TRUE(c.attribute(a)) << "testcase@" << a;
      const std::string classname = c.attribute("classname").value();
      EXPECT_EQ(classname.find('.'), std::string::npos) << classname << ": Jenkins would split it at the dot";
      EXPECT_NE(classname, "virtual");
      EXPECT_NE(classname, "real");
      EXPECT_GE(number(c, "time"), 0.0);
      if (const auto f = c.child("failure")) {
        ++failures;
        EXPECT_TRUE(f.attribute("message")) << c.attribute("name").value();
        EXPECT_TRUE(f.attribute("type")) << c.attribute("name").value();
      }
      if (const auto e = c.child("error")) {
        ++errors;
        EXPECT_TRUE(e.attribute("message"));
        EXPECT_TRUE(e.attribute("type"));
      }
      if (c.child("skipped")) ++skipped;
      EXPECT_THAT(c.child_value("system-out"), HasSubstr("replay: clockwork-replay --scenario "));
    }
    EXPECT_EQ(number(suite, "tests"), tests);
    EXPECT_EQ(number(suite, "failures"), failures);
    EXPECT_EQ(number(suite, "errors"), errors);
    EXPECT_EQ(number(suite, "skipped"), skipped);
    EXPECT_GE(number(suite, "time"), 0.0);
    all_tests += tests;
  }
  EXPECT_EQ(number(root, "tests"), all_tests);
  EXPECT_GT(all_tests, 0);
}

TEST(CommandLines, TheJunitReportCarriesWhatJenkinsGitlabAndGoogleTestRead) {
  scratch_folder dir;
  const auto passing = run(replay,
                           {"--scenario", "s1.simple_loop", "--scenario", "dailylog.stop_mid_run", "--scenario",
                            "p3.while_delay.wrong", "--junit", "pass.xml", "--trace", "traces"},
                           dir.path());
  ASSERT_EQ(passing.status, 0) << passing.out;
  pugi::xml_document pass;
  ASSERT_TRUE(pass.load_file((dir.path() / "pass.xml").c_str()));
  expect_complete_junit(pass);
  const auto suite = pass.child("testsuites").child("testsuite");
  EXPECT_STREQ(suite.attribute("name").value(), "virtual time");
  std::vector<std::string> classnames;
  for (const auto& c : suite.children("testcase")) classnames.push_back(c.attribute("classname").value());
  EXPECT_EQ(classnames, (std::vector<std::string>{"1 Basic Implementation", "3 Your DailyLog Use Case",
                                                  "Pattern 3: PeriodicTimer"}))
      << "the catalogue's sections, without the dots";
  const auto first = suite.child("testcase");
  EXPECT_STREQ(first.attribute("name").value(), "s1.simple_loop");
  EXPECT_EQ(std::string(first.child_value("system-out")),
            "replay: clockwork-replay --scenario s1.simple_loop\ntrace: traces/s1.simple_loop.txt\n");

  const auto failing =
      run(replay, {"--scenario", "s1.simple_loop", "--span", "30min", "--junit", "fail.xml"}, dir.path());
  ASSERT_EQ(failing.status, 1);
  pugi::xml_document fail;
  ASSERT_TRUE(fail.load_file((dir.path() / "fail.xml").c_str()));
  expect_complete_junit(fail);
  EXPECT_STREQ(fail.child("testsuites").attribute("failures").value(), "1");
  const auto failure = fail.select_node("//testcase/failure").node();
  ASSERT_TRUE(failure);
  EXPECT_STREQ(failure.attribute("type").value(), "verdict_mismatch");
  EXPECT_THAT(failure.attribute("message").value(), HasSubstr("expected "));
  EXPECT_THAT(failure.parent().child_value("system-out"),
              HasSubstr("replay: clockwork-replay --scenario s1.simple_loop --span 30min\n"));
}

TEST(CommandLines, AnInconclusiveRealRunIsReportedButChangesTheExitCodeOnlyWithStrictReal) {
  scratch_folder dir;
  // At ten million simulated seconds a real second, the scenario's 1 s resolution lasts 0.1 µs
  // of real time: no machine wakes a timer that punctually, so the cross-check is inconclusive.
  // p4.ntp_step_back.wrong runs in virtual time only: its real-host case is skipped, saying why.
  const std::vector<std::string> args{"--scenario", "m1.async_all_the_way.right",
                                      "--scenario", "p4.ntp_step_back.wrong",
                                      "--real",     "--time-scale",
                                      "1e7",        "--junit",
                                      "r.xml"};
  const auto r = run(replay, args, dir.path());
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("real ? inconclusive"));
  EXPECT_THAT(r.out, HasSubstr("1 inconclusive"));
  EXPECT_THAT(r.out, HasSubstr("does not change the exit code; --strict-real makes it exit 77"));
  pugi::xml_document junit;
  ASSERT_TRUE(junit.load_file((dir.path() / "r.xml").c_str()));
  expect_complete_junit(junit);
  const auto real = junit.select_node("/testsuites/testsuite[@name='real host']").node();
  ASSERT_TRUE(real);
  EXPECT_STREQ(real.attribute("skipped").value(), "2");
  EXPECT_STREQ(real.attribute("failures").value(), "0");
  const auto skipped_because = [&](const std::string& name) {
    return std::string(real.select_node(("testcase[@name='" + name + " on the real host']/skipped").c_str())
                           .node()
                           .attribute("message")
                           .value());
  };
  EXPECT_THAT(skipped_because("m1.async_all_the_way.right"), HasSubstr("inconclusive"));
  EXPECT_THAT(skipped_because("p4.ntp_step_back.wrong"), HasSubstr("virtual time only"));

  auto strict = args;
  strict.push_back("--strict-real");
  EXPECT_EQ(run(replay, strict, dir.path()).status, 77);
}

// Removes every time and timestamp attribute: what is left must not depend on the real clock.
std::string without_real_time(const fs::path& junit) {
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_file(junit.c_str()));
  for (const auto& n : doc.select_nodes("//*[@time or @timestamp]")) {
    n.node().remove_attribute("time");
    n.node().remove_attribute("timestamp");
  }
  std::ostringstream out;
  doc.save(out);
  return out.str();
}

TEST(CommandLines, RealTimeReachesTheJunitTimesOnlyNeverATraceOrAVerdict) {
  scratch_folder dir;
  for (const char* round : {"1", "2"}) {
    const std::string r = round;
    ASSERT_EQ(run(replay,
                  {"--scenario", "p3.while_delay.wrong", "--scenario", "p4.ntp_step_back.wrong", "--junit",
                   "junit-" + r + ".xml", "--json", "verdicts-" + r + ".json", "--trace", "traces-" + r},
                  dir.path())
                  .status,
              0);
  }
  EXPECT_EQ(read_file(dir.path() / "verdicts-1.json"), read_file(dir.path() / "verdicts-2.json"));
  for (const char* name : {"p3.while_delay.wrong.txt", "p4.ntp_step_back.wrong.txt"}) {
    EXPECT_EQ(read_file(dir.path() / "traces-1" / name), read_file(dir.path() / "traces-2" / name)) << name;
    EXPECT_THAT(read_file(dir.path() / "traces-1" / name), Not(HasSubstr("timestamp")));
  }
  auto first = without_real_time(dir.path() / "junit-1.xml");
  auto second = without_real_time(dir.path() / "junit-2.xml");
  // (The traces' folders differ by name, as asked.)
  second = std::regex_replace(second, std::regex("traces-2/"), "traces-1/");
  EXPECT_EQ(first, second);
}

// ---- progress ----------------------------------------------------------------------------------

TEST(CommandLines, AnExplorationShowsItsProgressInPlaceOnATerminal) {
  scratch_folder dir;
  const auto r = run_on_a_terminal(replay, {"--scenario", "explore.daily_log", "--explore", "20"}, dir.path());
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("\r\033[Kexplore.daily_log: 1/20 seeds, 0 failed, "));
  EXPECT_THAT(r.out, HasSubstr(" seeds/s, "));
  EXPECT_THAT(r.out, HasSubstr(" s left"));
  EXPECT_THAT(r.out, HasSubstr("\r\033[Kexplore.daily_log: 20/20 seeds, 0 failed, "));
  EXPECT_THAT(r.out, HasSubstr("explore.daily_log: 20 seed(s), 0 failed"));  // the report itself

  const auto t = run_on_a_terminal(
      timeline, {"--scenario", "example.same_instant_race", "--explore", "6", "-o", "race.html"}, dir.path());
  EXPECT_EQ(t.status, 1);
  EXPECT_THAT(t.out, HasSubstr("\r\033[Kexample.same_instant_race: 1/6 seeds, "));
  EXPECT_THAT(t.out, HasSubstr("\r\033[Kexample.same_instant_race: 6/6 seeds, "));
}

TEST(CommandLines, AnExplorationWritesWholeProgressLinesToAPipe) {
  scratch_folder dir;
  const auto r = run(replay, {"--scenario", "explore.daily_log", "--explore", "20"}, dir.path());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.err, Not(HasSubstr("\r")));
  EXPECT_THAT(r.err, ::testing::StartsWith("explore.daily_log: 1/20 seeds, 0 failed, "));
  EXPECT_TRUE(std::regex_search(r.err, std::regex("\nexplore\\.daily_log: 20/20 seeds, 0 failed, [0-9.]+ seeds/s\n$")))
      << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("/20 seeds")));  // progress stays on standard error

  const auto t =
      run(timeline, {"--scenario", "example.same_instant_race", "--explore", "6", "-o", "race.html"}, dir.path());
  EXPECT_THAT(t.err, Not(HasSubstr("\r")));
  EXPECT_THAT(t.err, HasSubstr("example.same_instant_race: 6/6 seeds, "));
}

TEST(CommandLines, ATinyDeterminismFractionChecksNoSeed) {
  scratch_folder dir;
  const auto r =
      run(replay, {"--scenario", "explore.daily_log", "--explore", "3", "--determinism-check", "1e-30"}, dir.path());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("explore.daily_log: 3 seed(s), 0 failed, 0 run twice, 0 not deterministic"));
}

// ---- one set of names ----------------------------------------------------------------------------

TEST(CommandLines, BothCommandsAcceptEveryNameTheListShows) {
  scratch_folder dir;
  const auto list = run(replay, {"--list"}, dir.path());
  ASSERT_EQ(list.status, 0);
  std::vector<std::string> names;
  std::istringstream lines(list.out);
  for (std::string line; std::getline(lines, line);) names.push_back(line.substr(0, line.find(' ')));
  for (const char* name : {"example.same_instant_race", "example.hostile_names", "explore.daily_log",
                           "explore.daily_log_planted_bug", "s1.simple_loop"}) {
    EXPECT_THAT(names, ::testing::Contains(name));
  }
  for (const auto& name : names) {
    if (!name.starts_with("example.") && !name.starts_with("explore.")) continue;  // the catalogue's: below
    const auto t = run(timeline, {"--scenario", name, "-o", name + ".html"}, dir.path());
    EXPECT_NE(t.status, 2) << name << ": " << t.err;
    EXPECT_TRUE(fs::exists(dir.path() / (name + ".html"))) << name;
    const auto r = run(replay, {"--scenario", name}, dir.path());
    EXPECT_NE(r.status, 2) << name << ": " << r.err;
  }
  EXPECT_EQ(run(timeline, {"--scenario", "explore.daily_log", "-o", "x.html"}, dir.path()).status, 0);
  EXPECT_EQ(run(replay, {"--scenario", "example.hostile_names"}, dir.path()).status, 0);
  EXPECT_EQ(run(timeline, {"--scenario", "p3.dispose", "-o", "p3.html"}, dir.path()).status, 0);
}

}  // namespace
