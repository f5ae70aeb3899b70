// The HTML timeline (testing/timeline_html.hpp): a well-formed page, escaped names and messages,
// the lanes and verdict of a known run, what went wrong and the table of runs and attempts, the
// exploration table's links and the case shown on top of it, a bounded size. What the page's
// script draws is checked in a real browser by tools/browser/ (ctest label "browser").
#include "clockwork/testing/timeline_html.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "clockwork/hosting/background_service.hpp"
#include "clockwork/runtime/runtime.hpp"
#include "clockwork/time/time_format.hpp"
#include "shared_test_helpers.hpp"

namespace {

using namespace std::chrono_literals;
using clockwork::trace_record;
using clockwork::testing::exploration_row;
using clockwork::testing::render_exploration_html;
using clockwork::testing::render_timeline_html;
using clockwork::testing::timeline_run;
using ::testing::HasSubstr;
using ::testing::Not;

// Counts the occurrences of needle.
std::size_t count(const std::string& text, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

// Checks that every element the page opens is closed, in order. Script and style bodies are raw
// text (skipped to their end tag); void elements have no end tag. Returns "" or what is wrong.
std::string check_balanced(const std::string& page) {
  static const std::set<std::string> void_elements{"meta", "br", "input", "img", "hr", "link", "wbr"};
  std::vector<std::string> open;
  std::size_t at = 0;
  while ((at = page.find('<', at)) != std::string::npos) {
    if (page.compare(at, 4, "<!--") == 0) {
      const auto end = page.find("-->", at);
      if (end == std::string::npos) return "unterminated comment";
      at = end + 3;
      continue;
    }
    if (page.compare(at, 2, "<!") == 0) {  // the doctype
      at = page.find('>', at);
      continue;
    }
    const auto end = page.find('>', at);
    if (end == std::string::npos) return "unterminated tag at " + std::to_string(at);
    const bool closing = page[at + 1] == '/';
    const auto name_start = at + (closing ? 2 : 1);
    auto name_end = page.find_first_of(" \t\n>/", name_start);
    const std::string name = page.substr(name_start, name_end - name_start);
    if (name.empty()) return "empty tag name at " + std::to_string(at);
    for (const char c : name) {
      if (!std::isalnum(static_cast<unsigned char>(c))) return "odd tag name '" + name + "'";
    }
    if (closing) {
      if (open.empty() || open.back() != name) {
        return "</" + name + "> closes " + (open.empty() ? std::string("nothing") : "<" + open.back() + ">");
      }
      open.pop_back();
      at = end + 1;
      continue;
    }
    at = end + 1;
    if (void_elements.count(name) > 0 || page[end - 1] == '/') continue;
    if (name == "script" || name == "style") {  // raw text up to the first end tag
      const auto close = page.find("</" + name + ">", at);
      if (close == std::string::npos) return "<" + name + "> never closed";
      at = close + name.size() + 3;
      continue;
    }
    open.push_back(name);
  }
  if (!open.empty()) return "<" + open.back() + "> never closed";
  return "";
}

// The JSON the page embeds for its script.
nlohmann::json page_data(const std::string& page) {
  const std::string start = "<script type=\"application/json\" id=\"clockwork-timeline-data\">";
  const auto from = page.find(start);
  if (from == std::string::npos) return nullptr;
  const auto to = page.find("</script>", from);
  return nlohmann::json::parse(page.substr(from + start.size(), to - from - start.size()));
}

std::vector<std::string> lane_names(const nlohmann::json& run) {
  std::vector<std::string> out;
  for (const auto& lane : run["lanes"]) out.push_back(lane["name"].get<std::string>());
  return out;
}

using clockwork::test_support::rec;

// The deaf service of Mistake 2: sleeps an hour without the stopping token.
class deaf_hourly final : public clockwork::background_service {
 public:
  clockwork::task<> execute(std::stop_token stopping) override {
    while (!stopping.stop_requested()) {
      note_run();
      co_await rt().delay(std::chrono::hours(1));
    }
  }
};

clockwork::testing::scenario deaf_scenario() {
  clockwork::testing::scenario s;
  s.name = "test.delay_without_token";
  s.summary = "delay(1 h) without the token";
  s.span = 30min;
  s.drain_after_stop = 1h;
  s.setup = [](clockwork::testing::scenario_world& w) { w.builder().add_hosted_service<deaf_hourly>("deaf"); };
  s.expected.finding(clockwork::finding_kind::cancellation_ignored, "deaf")
      .failure("deaf", clockwork::failure_kind::abandoned);
  return s;
}

TEST(TimelineHtml, AKnownScenarioShowsItsLanesAndVerdict) {
  const auto s = deaf_scenario();
  clockwork::testing::run_options seeded;
  seeded.seed = 3;
  const auto run = clockwork::testing::run_scenario(s, seeded);
  ASSERT_TRUE(run.matched()) << run.report();
  ASSERT_FALSE(run.records.empty());
  const auto t = clockwork::testing::timeline_of(s, run, seeded);
  EXPECT_EQ(t.replay_command, "clockwork-replay --scenario test.delay_without_token --seed 3");
  EXPECT_EQ(t.shutdown_timeout, std::chrono::nanoseconds(30s));
  const std::string page = render_timeline_html(t);

  EXPECT_EQ(check_balanced(page), "");
  EXPECT_THAT(page, HasSubstr("<section class=\"run matched\" id=\"run\">"));
  EXPECT_THAT(page, HasSubstr("verdict as expected"));
  EXPECT_THAT(page, HasSubstr("cancellation_ignored(deaf), abandoned(deaf)"));
  EXPECT_THAT(page, HasSubstr("<td>finding cancellation_ignored deaf</td><td>finding cancellation_ignored deaf</td>"));
  EXPECT_THAT(page, HasSubstr("<code>clockwork-replay --scenario test.delay_without_token --seed 3</code>"));
  EXPECT_THAT(page, HasSubstr("<div class=\"timeline\" data-run=\"0\">"));

  const auto data = page_data(page);
  ASSERT_TRUE(data.is_object());
  ASSERT_EQ(data["runs"].size(), 1u);
  const auto& r = data["runs"][0];
  // The host first; the service's hooks ("deaf (starting hook)") fold into its lane.
  EXPECT_THAT(lane_names(r), ::testing::ElementsAre("host", "deaf"));
  EXPECT_EQ(r["lanes"][1]["role"], "service");
  EXPECT_EQ(r["t"].size(), run.records.size());
  EXPECT_EQ(r["shutdown_timeout_us"], 30'000'000);
  // Every record's time comes back from the delta-coded column.
  std::int64_t at = 0;
  std::size_t stops = 0;
  for (std::size_t i = 0; i < run.records.size(); ++i) {
    at += r["t"][i].get<std::int64_t>() * r["unit_us"].get<std::int64_t>();
    EXPECT_EQ(at, std::chrono::duration_cast<std::chrono::microseconds>(run.records[i].steady - run.origin).count());
    if (r["kinds"][r["kind"][i].get<std::size_t>()] == "stop_requested") ++stops;
  }
  EXPECT_EQ(stops, 2u);  // the scenario's request and the host's

  // What went wrong, readable without hovering: the finding's full message under the verdict.
  EXPECT_THAT(page, HasSubstr("<li class=\"finding\"><span class=\"time\">+00:30:30.000</span> <span "
                              "class=\"source\">deaf</span> <span class=\"kind\">cancellation_ignored</span> <span "
                              "class=\"message\">ignored cancellation: still running 00:00:30.000 after stop was "
                              "requested (shutdown_timeout); abandoned</span></li>"));
  EXPECT_LT(page.find("<ol class=\"findings\">"), page.find("<div class=\"timeline\""));
  // The service's one run (it then sleeps past the stop request), in the table under the lanes.
  EXPECT_THAT(page, HasSubstr("<summary>Runs <span class=\"count\">1</span></summary>"));
  EXPECT_THAT(page, HasSubstr("<tr class=\"ran\"><td>deaf</td><td></td><td>\u2014</td><td>+00:00:00.000</td><td>"
                              "\u2014</td><td>ran</td><td>\u2014</td><td></td></tr>"));
  EXPECT_LT(page.find("<div class=\"timeline\""), page.find("<table class=\"runs\">"));
}

// The rows a job's attempts make: claimed, then how the attempt ended; the retry's attempt due
// when the retry said; a recurring job's retry starting its next attempt after the delay.
TEST(TimelineHtml, TheRunsTableShowsEachAttemptAndHowItEnded) {
  timeline_run t;
  t.records = {
      rec(1, 0s, "store", "job.enqueued", {{"job", "7"}, {"due", "2026-01-01T00:00:00.000Z"}}),
      rec(2, 1s, "w1", "job.claimed", {{"job", "7"}, {"epoch", "1"}, {"attempt", "1"}}),
      rec(3, 4s, "w1", "job.retrying",
          {{"job", "7"},
           {"epoch", "1"},
           {"attempt", "1"},
           {"due", "2026-01-01T00:01:00.000Z"},
           {"error", "smtp down"}}),
      rec(4, 60s, "w2", "job.claimed", {{"job", "7"}, {"epoch", "2"}, {"attempt", "2"}}),
      rec(5, 62500ms, "w2", "job.succeeded", {{"job", "7"}, {"epoch", "2"}}),
      rec(6, 70s, "nightly", "run", {{"scheduled", "2026-01-01T00:01:10.000Z"}}),
      rec(7, 71s, "nightly", "job_retry",
          {{"scheduled", "2026-01-01T00:01:10.000Z"}, {"attempt", "2"}, {"delay", "00:00:05.000"}, {"error", "busy"}}),
      rec(8, 80s, "nightly", "job_failed",
          {{"scheduled", "2026-01-01T00:01:10.000Z"},
           {"attempts", "2"},
           {"error", "busy"},
           {"why", "attempts exhausted"}}),
      rec(9, 90s, "w1", "job.claimed", {{"job", "8"}, {"epoch", "1"}, {"attempt", "1"}}),
  };
  const std::string page = render_timeline_html(t);
  EXPECT_EQ(check_balanced(page), "");
  EXPECT_THAT(page, HasSubstr("<summary>Runs <span class=\"count\">5</span></summary>"));
  const auto row = [](std::string outcome, std::string source, std::string what, std::string scheduled,
                      std::string started, std::string duration, std::string attempt, std::string error) {
    return "<tr class=\"" + outcome + "\"><td>" + source + "</td><td>" + what + "</td><td>" + scheduled + "</td><td>" +
           started + "</td><td>" + duration + "</td><td>" + outcome + "</td><td>" + attempt + "</td><td>" + error +
           "</td></tr>\n";
  };
  const std::string expected =
      row("retrying", "w1", "job 7", "2026-01-01T00:00:00.000Z", "+00:00:01.000", "00:00:03.000", "1", "smtp down") +
      row("succeeded", "w2", "job 7", "2026-01-01T00:01:00.000Z", "+00:01:00.000", "00:00:02.500", "2", "") +
      row("retrying", "nightly", "", "2026-01-01T00:01:10.000Z", "+00:01:10.000", "00:00:01.000", "1", "busy") +
      row("failed", "nightly", "", "2026-01-01T00:01:10.000Z", "+00:01:16.000", "00:00:04.000", "2",
          "busy (attempts exhausted)") +
      row("unfinished", "w1", "job 8", "\u2014", "+00:01:30.000", "\u2014", "1", "");
  EXPECT_THAT(page, HasSubstr("<tbody>\n" + expected + "</tbody>"));
  // The failures are listed under the verdict too, with their full messages.
  EXPECT_THAT(page, HasSubstr("<span class=\"kind\">job_failed</span> <span class=\"message\">busy (attempts "
                              "exhausted)</span>"));

  // A busy trace: the first rows, and how many more there were.
  timeline_run busy;
  for (std::uint64_t i = 0; i < 300; ++i) busy.records.push_back(rec(i + 1, std::chrono::seconds(i), "a", "run"));
  const std::string busy_page = render_timeline_html(busy);
  EXPECT_EQ(count(busy_page, "<tr class=\"ran\">"), 200u);
  EXPECT_THAT(busy_page, HasSubstr("<p class=\"more\">and 100 more (the timeline shows every one)</p>"));
  // No runs, no table.
  EXPECT_THAT(render_timeline_html(timeline_run{}), Not(HasSubstr("<table class=\"runs\">")));
}

TEST(TimelineHtml, AMismatchAndARealHostRunSayWhatWentWrong) {
  timeline_run t;
  t.title = "p3.while_delay.wrong";
  t.expected.finding(clockwork::finding_kind::drift, "poller").count("runs", 12);
  t.actual.count("runs", 11);
  t.matched = false;
  t.real_host = clockwork::testing::timeline_real_host{90.0, 3ms, 15s, false};
  t.error = "deadlock";
  const std::string page = render_timeline_html(t);
  EXPECT_EQ(check_balanced(page), "");
  EXPECT_THAT(page, HasSubstr("<section class=\"run mismatch\""));
  EXPECT_THAT(page, HasSubstr("verdict MISMATCH"));
  EXPECT_THAT(
      page,
      HasSubstr("<tr class=\"differs\"><td class=\"mark\">\u2717</td><td>count runs 12</td><td>\u2014</td></tr>"));
  EXPECT_THAT(page, HasSubstr("<td>finding drift poller</td><td>\u2014</td>"));
  EXPECT_THAT(page,
              HasSubstr("<span class=\"label\">real host</span> time scale \u00d790 (1 real second = 90 simulated"));
  EXPECT_THAT(page,
              HasSubstr("distortion 00:00:00.003 of simulated time against a resolution of 00:00:15.000: conclusive"));
  EXPECT_THAT(page, HasSubstr("ended early</span> deadlock"));
  // No records: still a page, with an empty timeline.
  EXPECT_EQ(page_data(page)["runs"][0]["t"].size(), 0u);
}

TEST(TimelineHtml, HostileNamesAndMessagesAreText) {
  const std::string evil = "<script>alert(1)</script>";
  timeline_run t;
  t.title = evil + "\" onmouseover=\"alert(2)";
  t.summary = "</script><img src=x onerror=alert(3)>";
  t.replay_command = "clockwork-replay --scenario '" + evil + "'";
  t.actual.finding(clockwork::finding_kind::silent_death, evil);
  t.records = {
      rec(1, 0s, evil, "service_started"),
      rec(2, 1s, evil + " (stopping hook)", "task_spawned", {{"id", "2"}}),
      rec(3, 2s, "host", "log", {{"level", "warning"}, {"message", "</script><script>alert(4)</script><!--"}}),
      rec(4, 3s, evil, "finding", {{"finding", "silent_death"}, {"message", "ended & </SCRIPT >gone"}}),
      rec(5, 4s, "\xff\xfe broken utf-8", "run"),
      rec(6, 5s, evil, "job.claimed", {{"job", evil}, {"epoch", "1"}, {"attempt", "<b>1</b>"}}),
      rec(7, 6s, evil, "job.failed", {{"job", evil}, {"epoch", "1"}, {"error", "</td></tr></table><script>x()"}}),
  };
  const std::string page = render_timeline_html(t);

  EXPECT_EQ(check_balanced(page), "");
  // The page's own two scripts (data and code) and nothing else.
  EXPECT_EQ(count(page, "<script"), 2u);
  EXPECT_EQ(count(page, "</script>"), 2u);
  EXPECT_THAT(page, Not(HasSubstr("<script>alert")));
  EXPECT_THAT(page, Not(HasSubstr("<img")));
  EXPECT_THAT(page, Not(HasSubstr("</SCRIPT")));
  EXPECT_THAT(page, Not(HasSubstr("<!--")));
  // Outside the data (where a quote is JSON's \"), no value ends an attribute.
  const auto data_at = page.find("id=\"clockwork-timeline-data\"");
  EXPECT_THAT(page.substr(0, data_at), Not(HasSubstr("\" onmouseover")));
  EXPECT_THAT(
      page,
      HasSubstr("<h1 class=\"run-title\">&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;alert(2)</h1>"));
  EXPECT_THAT(page, HasSubstr("<title>clockwork timeline \u2014 &lt;script&gt;"));
  EXPECT_THAT(page, HasSubstr("silent_death(&lt;script&gt;alert(1)&lt;/script&gt;)"));
  EXPECT_THAT(page, HasSubstr("\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"));
  // The runs table and the list of what went wrong: names, attempts and errors as text.
  EXPECT_THAT(page, HasSubstr("<td>job &lt;script&gt;alert(1)&lt;/script&gt;</td>"));
  EXPECT_THAT(page, HasSubstr("<td>&lt;b&gt;1&lt;/b&gt;</td>"));
  EXPECT_THAT(page, HasSubstr("<td>&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;script&gt;x()</td>"));
  EXPECT_THAT(page, HasSubstr("<span class=\"message\">ended &amp; &lt;/SCRIPT &gt;gone</span>"));
  EXPECT_THAT(page, Not(HasSubstr("<b>1</b>")));

  // The data still says exactly what happened once the page's script parses it.
  const auto data = page_data(page);
  ASSERT_TRUE(data.is_object());
  const auto& r = data["runs"][0];
  EXPECT_THAT(lane_names(r), ::testing::ElementsAre("host", evil, "\xEF\xBF\xBD\xEF\xBF\xBD broken utf-8"));
  EXPECT_EQ(r["title"], t.title);
  const auto& values = r["values"];
  EXPECT_NE(std::find(values.begin(), values.end(), "</script><script>alert(4)</script><!--"), values.end());
}

TEST(TimelineHtml, ExplorationLinksEachFailingSeedToItsTimeline) {
  std::vector<exploration_row> rows;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    exploration_row row;
    row.seed = seed;
    row.passed = seed % 3 != 0;
    row.deterministic = seed != 5;
    row.note = row.passed ? "nothing" : "service_faulted(<reader>)";
    row.replay_command = "clockwork-replay --scenario race --seed " + std::to_string(seed);
    if (!row.passed) {
      timeline_run t;
      t.title = "race, seed " + std::to_string(seed);
      t.replay_command = row.replay_command;
      t.records = {rec(1, 0s, "reader", "service_started"), rec(2, 1min, "reader", "service_faulted")};
      t.actual.failure("reader", clockwork::failure_kind::faulted);
      row.run = t;
    }
    rows.push_back(row);
  }
  const std::string page = render_exploration_html("race <explored>", rows);
  EXPECT_EQ(check_balanced(page), "");
  EXPECT_THAT(page, HasSubstr("<h1>race &lt;explored&gt;</h1>"));
  EXPECT_THAT(page, HasSubstr("6 seeds: <span class=\"pass\">4 passed</span>, <span class=\"fail\">2 failed</span>, "
                              "<span class=\"nondet\">1 not deterministic</span>"));
  for (const std::uint64_t seed : {3, 6}) {
    const std::string s = std::to_string(seed);
    EXPECT_THAT(page, HasSubstr("<a href=\"#seed-" + s + "\">timeline</a>"));
    EXPECT_THAT(page, HasSubstr("<section class=\"run mismatch\" id=\"seed-" + s + "\">"));
    EXPECT_THAT(page, HasSubstr("<code>clockwork-replay --scenario race --seed " + s + "</code>"));
  }
  EXPECT_EQ(count(page, "href=\"#seed-"), 5u)
      << "each failing seed, from its row and from its failure's group, and the lowest on top";
  EXPECT_EQ(count(page, "<div class=\"timeline\""), 2u);
  EXPECT_THAT(page, HasSubstr("<div class=\"timeline\" data-run=\"1\">"));
  EXPECT_THAT(page, HasSubstr("<tr class=\"pass nondet\" data-seed=\"5\" id=\"row-5\">"));
  EXPECT_THAT(page, HasSubstr("not deterministic</span>"));
  EXPECT_THAT(page, HasSubstr("service_faulted(&lt;reader&gt;)"));
  EXPECT_EQ(page_data(page)["runs"].size(), 2u);
}

TEST(TimelineHtml, ExplorationGroupsFailingSeedsByTheirFailureWithNumbersBlanked) {
  std::vector<exploration_row> rows;
  const auto add = [&](std::uint64_t seed, bool passed, std::string note, bool with_run) {
    exploration_row row;
    row.seed = seed;
    row.passed = passed;
    row.note = std::move(note);
    if (with_run) row.run = timeline_run{};
    rows.push_back(std::move(row));
  };
  add(1, true, "holds", false);
  add(2, false, "found 3 drift(poller) at +00:12:00.000", true);
  add(3, false, "found missed_run(<b>reader</b>)", true);
  add(4, false, "found 5 drift(poller) at +01:40:00.000", false);
  add(5, true, "holds", false);
  add(6, false, "found 12 drift(poller) at +02:00:30.500", true);
  const std::string page = render_exploration_html("groups", rows);
  EXPECT_EQ(check_balanced(page), "");
  EXPECT_THAT(page, HasSubstr("<h2>Failures, grouped</h2>"));
  // The drift group (three seeds) first, then the missed run; every seed linked, to its timeline
  // when it has one and to its row otherwise.
  EXPECT_THAT(page, HasSubstr("<tr><td class=\"count\">3</td><td class=\"failure\">found N drift(poller) at "
                              "+N:N:N.N</td><td class=\"which\"><a href=\"#seed-2\">2</a>, <a href=\"#row-4\">4</a>, "
                              "<a href=\"#seed-6\">6</a></td></tr>"));
  EXPECT_THAT(page,
              HasSubstr("<td class=\"count\">1</td><td class=\"failure\">found missed_run(&lt;b&gt;reader&lt;/b&gt;)"));
  EXPECT_LT(page.find("found N drift"), page.find("found missed_run(&lt;b&gt;"));
  EXPECT_THAT(page, HasSubstr("<input type=\"checkbox\" id=\"failed-only\"> failed only"));

  std::vector<exploration_row> all_pass(rows.begin(), rows.begin() + 1);
  const std::string quiet = render_exploration_html("quiet", all_pass);
  EXPECT_THAT(quiet, Not(HasSubstr("Failures, grouped")));
  EXPECT_THAT(quiet, Not(HasSubstr("id=\"failed-only\"")));

  std::vector<exploration_row> many;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    exploration_row row;
    row.seed = seed;
    row.note = "found " + std::to_string(seed) + " drift";
    many.push_back(std::move(row));
  }
  EXPECT_THAT(render_exploration_html("many", many), HasSubstr("<a href=\"#row-12\">12</a> and 8 more</td>"));
}

// On top of an exploration: the case to start from, with its replay command on one line.
TEST(TimelineHtml, ExplorationShowsTheLowestFailingSeedFirstWhenNothingWasShrunk) {
  std::vector<exploration_row> rows;
  for (const std::uint64_t seed : {4, 6, 3, 5}) {
    exploration_row row;
    row.seed = seed;
    row.passed = seed == 4 || seed == 5;
    row.note = row.passed ? "holds" : "found drift(poller) at seed " + std::to_string(seed);
    row.replay_command = "clockwork-replay --scenario p --seed " + std::to_string(seed);
    if (seed == 6) row.run = timeline_run{};
    rows.push_back(std::move(row));
  }
  const std::string page = render_exploration_html("p", rows);
  EXPECT_EQ(check_balanced(page), "");
  EXPECT_THAT(page, HasSubstr("<div class=\"reproduction\">\n<h2>Lowest failing seed</h2>\n<p class=\"failure\"><span "
                              "class=\"label\">seed</span> <a href=\"#row-3\">3</a> \u2014 found drift(poller) at "
                              "seed 3</p>\n<p class=\"replay\"><span class=\"label\">replay</span> <code "
                              "class=\"command\">clockwork-replay --scenario p --seed 3</code></p>"));
  EXPECT_LT(page.find("<div class=\"reproduction\">"), page.find("<table class=\"seeds\">"));
  EXPECT_EQ(count(page, "<div class=\"reproduction\">"), 1u);

  rows.erase(rows.begin() + 1, rows.begin() + 3);  // only passing seeds left
  EXPECT_THAT(render_exploration_html("p", rows), Not(HasSubstr("class=\"reproduction\"")));
}

TEST(TimelineHtml, ExplorationShowsItsShrunkReproductionFirst) {
  clockwork::testing::exploration e;
  e.scenario = "jobs.<race>";
  clockwork::testing::reproduction shrunk;
  shrunk.seed = 17;
  shrunk.fault_budget = 1;
  shrunk.span = 10min;
  shrunk.failure = "a job ran twice & <b>nobody</b> noticed";
  shrunk.command = "clockwork-replay --scenario 'jobs.<race>' --seed 17 --chaos-budget 1 --span 10min";
  e.shrunk = shrunk;
  const auto r = clockwork::testing::reproduction_of(e);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->shrunk);
  EXPECT_EQ(r->seed, 17u);
  EXPECT_EQ(r->details, std::vector<std::string>{"1 fault(s) over 00:10:00.000"});
  EXPECT_FALSE(clockwork::testing::reproduction_of(clockwork::testing::exploration{}).has_value());

  exploration_row failing;
  failing.seed = 2;
  failing.note = "a job ran twice";
  failing.replay_command = "clockwork-replay --scenario 'jobs.<race>' --seed 2";
  const std::string page = render_exploration_html("race", {failing}, {*r});
  EXPECT_EQ(check_balanced(page), "");
  // The shrunk case replaces the lowest failing seed, and every text in it is escaped.
  EXPECT_THAT(page, Not(HasSubstr("Lowest failing seed")));
  EXPECT_THAT(page, HasSubstr("<h2>Smallest reproduction: jobs.&lt;race&gt;</h2>\n<p class=\"failure\"><span "
                              "class=\"label\">seed</span> 17 \u2014 a job ran twice &amp; &lt;b&gt;nobody&lt;/b&gt; "
                              "noticed</p>\n<p class=\"detail\">1 fault(s) over 00:10:00.000</p>"));
  EXPECT_THAT(page, HasSubstr("<code class=\"command\">clockwork-replay --scenario &#39;jobs.&lt;race&gt;&#39; --seed "
                              "17 --chaos-budget 1 --span 10min</code>"));
  EXPECT_LT(page.find("Smallest reproduction"), page.find("<table class=\"seeds\">"));
}

TEST(TimelineHtml, TimesKeepTheirPrecisionAndUtcFollowsClockSteps) {
  timeline_run t;
  t.records = {rec(1, 0ms, "a", "run"), rec(2, 1500us, "a", "run"), rec(3, 2s, "clock", "clock_changed"),
               rec(9, 3s, "a", "run")};
  t.records[2].utc += 5min;  // the wall clock jumped
  t.records[3].utc += 5min;
  const auto r = page_data(render_timeline_html(t))["runs"][0];
  EXPECT_EQ(r["unit_us"], 1);
  EXPECT_EQ(r["t"], nlohmann::json({0, 1500, 1998500, 1000000}));
  EXPECT_EQ(r["seq"], nlohmann::json({1, 1, 1, 6}));
  const std::int64_t start_us = 1767225600LL * 1'000'000;
  EXPECT_EQ(r["skew"], nlohmann::json({0, start_us, 2, start_us + 300'000'000}));
  EXPECT_THAT(lane_names(r), ::testing::ElementsAre("clock", "a"));

  t.records = {rec(1, 1s, "a", "run"), rec(2, 3s, "a", "run")};
  const auto whole = page_data(render_timeline_html(t))["runs"][0];
  EXPECT_EQ(whole["unit_us"], 1'000'000);
  EXPECT_EQ(whole["t"], nlohmann::json({1, 2}));
}

TEST(TimelineHtml, ABusyYearStaysSmall) {
  timeline_run t;
  t.title = "busy";
  const char* services[] = {"importer", "mailer", "reporter", "cleanup"};
  for (std::uint64_t i = 0; i < 100'000; ++i) {
    const auto at = std::chrono::minutes(5) * static_cast<std::int64_t>(i / 4) + std::chrono::seconds(i % 4);
    const char* svc = services[i % 4];
    if (i % 1000 == 7) {
      t.records.push_back(rec(i + 1, at, svc, "log", {{"level", "warning"}, {"message", "slow store: retrying"}}));
    } else if (i % 2 == 0) {
      t.records.push_back(
          rec(i + 1, at, svc, "tick",
              {{"due", clockwork::format_offset(clockwork::steady_time{} + at, {})}, {"coalesced", "0"}}));
    } else {
      t.records.push_back(rec(i + 1, at, svc, "run"));
    }
  }
  const std::string page = render_timeline_html(t);
  // A few dozen bytes a record, whatever the span.
  EXPECT_LT(page.size(), 100'000u * 30) << page.size();
  EXPECT_EQ(page_data(page)["runs"][0]["t"].size(), 100'000u);
}

TEST(TimelineHtml, WriteHtmlNamesAPathItCannotWrite) {
  EXPECT_THROW(clockwork::testing::write_html("<p>x</p>", "/no/such/folder/page.html"), std::runtime_error);
  const auto path = std::filesystem::temp_directory_path() / "clockwork_timeline_html_test.html";
  clockwork::testing::write_html("<p>x</p>", path);
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "<p>x</p>");
  std::filesystem::remove(path);
}

}  // namespace
