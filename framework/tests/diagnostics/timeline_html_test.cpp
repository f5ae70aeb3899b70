// The HTML timeline as production code links it (diagnostics/timeline_html.hpp): this test links
// clockwork::framework only, no clockwork::testing. A judged run shows its verdict lines, a trace
// drawn as it is shows none, and the runs table and the list of what went wrong come from the
// records alone. The scenario runs, escaping and explorations are covered through the testing
// adapter by tests/testing/timeline_html_test.cpp.
#include "clockwork/diagnostics/timeline_html.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "shared_test_helpers.hpp"

namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

using clockwork::test_support::rec;

TEST(TimelineHtmlProduction, AJudgedRunShowsItsVerdictLinesSideBySide) {
  clockwork::timeline_run t;
  t.title = "nightly import";
  t.judgement = clockwork::timeline_judgement{false, "drift(importer)", {"count runs 3"}, {"count runs 2", "x"}};
  const std::string page = clockwork::render_timeline_html(t);
  EXPECT_THAT(page, HasSubstr("<section class=\"run mismatch\" id=\"run\">"));
  EXPECT_THAT(page, HasSubstr("<span class=\"label\">found</span> drift(importer)</p>"));
  EXPECT_THAT(page,
              HasSubstr("<tr class=\"differs\"><td class=\"mark\">\u2717</td><td>count runs 3</td><td>\u2014</td>"));
  EXPECT_THAT(page,
              HasSubstr("<tr class=\"differs\"><td class=\"mark\">\u2717</td><td>\u2014</td><td>count runs 2</td>"));
}

TEST(TimelineHtmlProduction, ATraceOfYourOwnNeedsNoVerdict) {
  clockwork::timeline_run t;
  t.title = "worker a";
  t.records = {
      rec(1, 0s, "a", "job.claimed", {{"job", "1"}, {"epoch", "1"}, {"attempt", "1"}}),
      rec(2, 3s, "a", "job.failed", {{"job", "1"}, {"epoch", "1"}, {"attempt", "1"}, {"error", "disk full"}}),
  };
  const std::string page = clockwork::render_timeline_html(t);
  EXPECT_THAT(page, HasSubstr("<section class=\"run saved\" id=\"run\">"));
  EXPECT_THAT(page, HasSubstr("2 records; nothing was expected of it, so no verdict"));
  EXPECT_THAT(page, Not(HasSubstr("<table class=\"verdicts\">")));
  EXPECT_THAT(page, HasSubstr("<tr class=\"failed\"><td>a</td><td>job 1</td><td>\u2014</td><td>+00:00:00.000</td>"
                              "<td>00:00:03.000</td><td>failed</td><td>1</td><td>disk full</td></tr>"));
  EXPECT_THAT(page,
              HasSubstr("<span class=\"kind\">job.failed</span> <span class=\"message\">job 1: disk full</span>"));
}

// For a server that forbids inline code: the stylesheet and script linked, the data still inline
// (a JSON block runs nothing), and the linked files are the embedded ones.
TEST(TimelineHtmlProduction, LinkedAssetsLeaveNoInlineCode) {
  clockwork::timeline_run t;
  t.title = "recent";
  t.records = {rec(1, 0s, "a", "run")};
  const std::string inline_page = clockwork::render_timeline_html(t);
  EXPECT_THAT(inline_page, HasSubstr("<style>"));
  EXPECT_THAT(inline_page, HasSubstr("<script>\n"));
  t.assets_url = "/static";
  const std::string page = clockwork::render_timeline_html(t);
  EXPECT_THAT(page, Not(HasSubstr("<style")));
  EXPECT_THAT(page, Not(HasSubstr("<script>")));
  EXPECT_THAT(page, HasSubstr("<link rel=\"stylesheet\" href=\"/static/timeline.css\">"));
  EXPECT_THAT(page, HasSubstr("<script src=\"/static/timeline.js\"></script>"));
  EXPECT_THAT(page, HasSubstr("<script type=\"application/json\" id=\"clockwork-timeline-data\">"));
  EXPECT_THAT(page, HasSubstr("script-src 'self'"));
  EXPECT_THAT(inline_page, HasSubstr(std::string(clockwork::timeline_stylesheet()).substr(0, 200)));
  EXPECT_THAT(inline_page, HasSubstr(std::string(clockwork::timeline_script()).substr(0, 200)));
  t.assets_url = "/x\"><script>alert(1)</script>";
  EXPECT_THAT(clockwork::render_timeline_html(t), Not(HasSubstr("<script>alert(1)")));
}

}  // namespace
