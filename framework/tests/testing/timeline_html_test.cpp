// The HTML timeline (testing/timeline_html.hpp): a well-formed page, escaped names and messages,
// the lanes and verdict of a known run, the exploration table's links, a bounded size. What the
// page's script draws is checked in a real browser by tools/browser/ (ctest label "browser").
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

trace_record rec(std::uint64_t seq, std::chrono::nanoseconds at, std::string source, std::string kind,
                 clockwork::trace_fields fields = {}) {
  trace_record r;
  r.seq = seq;
  r.steady = clockwork::steady_time{} + at;
  r.utc = clockwork::utc_time{std::chrono::seconds(1767225600)} + at;
  r.source = std::move(source);
  r.kind = std::move(kind);
  r.fields = std::move(fields);
  return r;
}

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
  EXPECT_EQ(count(page, "href=\"#seed-"), 4u) << "each failing seed, from its row and from its failure's group";
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
