// The dashboard's JSON API over a real SQLite store, through real HTTP (cpp-httplib's client):
// the shapes of clockwork-jobs' JSON, paging and filters, a job's history; and the attacks: no
// token, a wrong one, a foreign Origin, actions switched off, a body too large, a non-loopback
// address without a token. The runtime's loop runs on a thread of the test; every store call of
// the server goes through it.
//
// Real time: nothing is timed; each request waits for its answer.
#include "clockwork/dashboard/dashboard.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "clockwork/dashboard/dashboard_service.hpp"
#include "clockwork/diagnostics/timeline_html.hpp"
#include "clockwork/hosting/host.hpp"
#include "clockwork/hosting/host_builder.hpp"
#include "clockwork/jobs/sqlite_job_store.hpp"

namespace clockwork::dashboard {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

jobs::new_job a_job(std::string kind, json payload = json::object()) {
  jobs::new_job j;
  j.kind = std::move(kind);
  j.payload = std::move(payload);
  return j;
}

class dashboard_api_test : public ::testing::Test {
 protected:
  void SetUp() override {
    folder = fs::temp_directory_path() / ("cw-dashboard-" + std::to_string(::getpid()) + "-" +
                                          ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(folder);
    fs::create_directories(folder);
    jobs::sqlite_job_store::migrate(folder / "jobs.db");
    store = std::make_shared<jobs::sqlite_job_store>(rt, folder / "jobs.db");
    // Made before the loop runs, on this thread, as a host builds its services.
    std::vector<jobs::new_job> some{a_job("email.send", {{"to", "ana@example.com"}}),
                                    a_job("<img src=x onerror=alert(1)>", {{"q", "</script>\"'"}}),
                                    a_job("report.build")};
    ids = rt.block_on(store->enqueue(some));
  }
  void TearDown() override {
    server.reset();
    if (loop.joinable()) {
      rt.request_stop();
      loop.join();
    }
    store.reset();
    fs::remove_all(folder);
  }
  // Starts the server and the runtime's loop (on a thread of its own).
  dashboard_server& serve(dashboard_options options = {}) {
    server = std::make_unique<dashboard_server>(rt, store, std::move(options));
    server->start();
    loop = std::thread([this] { rt.run(); });
    return *server;
  }
  httplib::Client client() {
    httplib::Client c("127.0.0.1", server->port());
    c.set_read_timeout(30, 0);
    return c;
  }

  real_runtime rt;
  fs::path folder;
  std::shared_ptr<jobs::sqlite_job_store> store;
  std::vector<jobs::enqueue_result> ids;
  std::unique_ptr<dashboard_server> server;
  std::thread loop;
};

TEST_F(dashboard_api_test, StatsHaveTheShapeOfClockworkJobsStats) {
  serve();
  auto c = client();
  const auto r = c.Get("/api/stats");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  const auto s = json::parse(r->body);
  for (const char* state : {"scheduled", "available", "running", "retrying", "succeeded", "failed", "cancelled"}) {
    EXPECT_TRUE(s["states"].contains(state)) << state;
  }
  EXPECT_EQ(s["states"]["available"], 3);
  EXPECT_TRUE(s.contains("counters") && s.contains("store") && s.contains("queues"));
}

TEST_F(dashboard_api_test, JobsArePagedAndFilteredAndAJobComesWithItsHistory) {
  dashboard_options o;
  o.page_size = 2;
  serve(o);
  auto c = client();
  const auto first = c.Get("/api/jobs?state=available");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->get_header_value("X-Total-Count"), "3");
  EXPECT_EQ(json::parse(first->body).size(), 2u);
  const auto second = c.Get("/api/jobs?state=available&page=1");
  ASSERT_TRUE(second);
  EXPECT_EQ(json::parse(second->body).size(), 1u);
  EXPECT_EQ(json::parse(c.Get("/api/jobs?kind=report.build")->body).size(), 1u);
  EXPECT_EQ(c.Get("/api/jobs?state=sleeping")->status, 400);
  EXPECT_EQ(c.Get("/api/jobs?page=-1")->status, 400);

  const auto id = std::to_string(ids[0].id);
  const auto detail = c.Get(("/api/jobs/" + id).c_str());
  ASSERT_TRUE(detail);
  EXPECT_EQ(detail->status, 200);
  const auto d = json::parse(detail->body);
  EXPECT_EQ(d["job"]["kind"], "email.send");
  EXPECT_EQ(d["job"]["payload"]["to"], "ana@example.com");
  ASSERT_FALSE(d["history"].empty());
  EXPECT_EQ(d["history"][0]["event"], "enqueued");
  EXPECT_EQ(c.Get("/api/jobs/999999")->status, 404);
}

TEST_F(dashboard_api_test, CountsPerMinuteCoverTheMinutesAskedFor) {
  serve();
  auto c = client();
  const auto hour = c.Get("/api/per_minute");
  ASSERT_TRUE(hour);
  EXPECT_EQ(hour->status, 200);
  const auto minutes = json::parse(hour->body);
  ASSERT_EQ(minutes.size(), 60u);
  EXPECT_TRUE(minutes[0].contains("minute") && minutes[0].contains("succeeded") && minutes[0].contains("failed"));
  EXPECT_EQ(json::parse(c.Get("/api/per_minute?minutes=1440")->body).size(), 1440u);
  EXPECT_EQ(c.Get("/api/per_minute?minutes=0")->status, 400);
  EXPECT_EQ(c.Get("/api/per_minute?minutes=1441")->status, 400);
}

TEST_F(dashboard_api_test, HostileNamesAndPayloadsComeBackAsJsonStrings) {
  serve();
  auto c = client();
  const auto r = c.Get(("/api/jobs/" + std::to_string(ids[1].id)).c_str());
  ASSERT_TRUE(r);
  const auto d = json::parse(r->body);  // valid JSON: every value escaped
  EXPECT_EQ(d["job"]["kind"], "<img src=x onerror=alert(1)>");
  EXPECT_EQ(d["job"]["payload"]["q"], "</script>\"'");
  EXPECT_THAT(r->get_header_value("Content-Security-Policy"), HasSubstr("script-src 'self'"));
  EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff");
}

TEST_F(dashboard_api_test, WithATokenEveryRequestNeedsIt) {
  dashboard_options o;
  o.token = "s3cret-token-of-the-test";
  serve(o);
  auto c = client();
  EXPECT_EQ(c.Get("/api/stats")->status, 401);
  EXPECT_EQ(c.Get("/api/stats", {{"Authorization", "Bearer wrong"}})->status, 401);
  EXPECT_EQ(c.Get("/api/stats", {{"Authorization", "Bearer s3cret-token-of-the-tes"}})->status, 401);
  EXPECT_EQ(c.Get("/api/stats", {{"Authorization", "Bearer s3cret-token-of-the-test"}})->status, 200);
  EXPECT_EQ(c.Get("/api/stats", {{"Cookie", "other=1; cw_dashboard_token=s3cret-token-of-the-test"}})->status, 200);
  const auto refused = c.Get("/api/stats");
  EXPECT_THAT(refused->body, ::testing::Not(HasSubstr("s3cret")));
}

TEST_F(dashboard_api_test, ActionsAreOffUnlessEnabled) {
  serve();
  auto c = client();
  const auto off = c.Post(("/api/jobs/" + std::to_string(ids[0].id) + "/cancel").c_str());
  ASSERT_TRUE(off);
  EXPECT_EQ(off->status, 403);
  EXPECT_THAT(off->body, HasSubstr("actions are off"));
}

TEST_F(dashboard_api_test, AnActionNeedsTheTokenFromTheDashboardsOwnOrigin) {
  dashboard_options o;
  o.token = "t0ken";
  o.actions = true;
  auto& d = serve(o);
  auto c = client();
  const std::string cancel = "/api/jobs/" + std::to_string(ids[0].id) + "/cancel";
  EXPECT_EQ(c.Post(cancel.c_str())->status, 401) << "no token: not even read";
  EXPECT_EQ(
      c.Post(cancel.c_str(), {{"Authorization", "Bearer t0ken"}, {"Origin", "https://evil.example"}}, "", "text/plain")
          ->status,
      403);
  EXPECT_EQ(c.Get("/api/jobs?state=cancelled", {{"Authorization", "Bearer t0ken"}})->get_header_value("X-Total-Count"),
            "0")
      << "the refused action changed nothing";
  const auto done = c.Post(cancel.c_str(), {{"Authorization", "Bearer t0ken"}, {"Origin", d.url()}}, "", "text/plain");
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 200);
  EXPECT_EQ(json::parse(done->body)["outcome"], "applied");
  EXPECT_EQ(c.Get("/api/jobs?state=cancelled", {{"Authorization", "Bearer t0ken"}})->get_header_value("X-Total-Count"),
            "1");
  EXPECT_EQ(c.Post(cancel.c_str(), {{"Authorization", "Bearer t0ken"}}, "", "text/plain")->status, 409)
      << "a cancelled job cannot be cancelled again";
  EXPECT_EQ(c.Get(cancel.c_str(), {{"Authorization", "Bearer t0ken"}})->status, 404) << "actions by POST only";
}

// "Run now" makes a job that waits (scheduled, or retrying) available at once; a job's page offers
// the actions its state allows, and only those.
TEST_F(dashboard_api_test, RunNowAndTheButtonsAJobsStateAllows) {
  jobs::new_job later = a_job("report.build");
  later.delay = std::chrono::hours(1);
  const jobs::job_id waiting = rt.block_on(store->enqueue({later}))[0].id;
  dashboard_options o;
  o.token = "t";
  o.actions = true;
  auto& d = serve(o);
  auto c = client();
  const httplib::Headers act{{"Authorization", "Bearer t"}, {"Origin", d.url()}};
  const auto buttons = [&](jobs::job_id id) {
    const std::string page = c.Get(("/jobs/" + std::to_string(id)).c_str(), act)->body;
    std::vector<std::string> found;
    const std::regex button(R"re(data-action="([a-z_]+)")re");
    for (auto it = std::sregex_iterator(page.begin(), page.end(), button); it != std::sregex_iterator(); ++it) {
      found.push_back((*it)[1]);
    }
    return found;
  };
  EXPECT_THAT(buttons(waiting), ::testing::ElementsAre("run_now", "cancel"));
  EXPECT_THAT(buttons(ids[0].id), ::testing::ElementsAre("cancel")) << "available: nothing to run sooner";
  const std::string run_now = "/api/jobs/" + std::to_string(waiting) + "/run_now";
  EXPECT_EQ(
      c.Post(run_now.c_str(), {{"Authorization", "Bearer t"}, {"Origin", "https://evil.example"}}, "", "text/plain")
          ->status,
      403);
  const auto done = c.Post(run_now.c_str(), act, "", "text/plain");
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 200) << done->body;
  const json now = json::parse(c.Get(("/api/jobs/" + std::to_string(waiting)).c_str(), act)->body);
  EXPECT_EQ(now["job"]["state"], "available");
  EXPECT_EQ(now["history"].back()["event"], "requeued");
  EXPECT_EQ(c.Post(run_now.c_str(), act, "", "text/plain")->status, 409) << "available already";
  ASSERT_EQ(c.Post(("/api/jobs/" + std::to_string(waiting) + "/cancel").c_str(), act, "", "text/plain")->status, 200);
  EXPECT_THAT(buttons(waiting), ::testing::ElementsAre("retry", "delete"));
}

// A page drawn by the timeline renderer: no inline code but its JSON data block, which runs
// nothing; every script either comes from the dashboard or is that block.
void expect_only_linked_code(const std::string& html) {
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(<script(?![^>]*\s(src=|type="application/json")))")))
      << "an inline script";
  EXPECT_EQ(html.find("<style"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
}

TEST_F(dashboard_api_test, AJobsHistoryIsDrawnAsATimelineWithItsCodeLinked) {
  serve();
  auto c = client();
  const auto page = c.Get(("/jobs/" + std::to_string(ids[1].id) + "/timeline").c_str());
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_THAT(page->body, HasSubstr("<script src=\"/static/timeline.js\"></script>"));
  EXPECT_THAT(page->body, HasSubstr("<link rel=\"stylesheet\" href=\"/static/timeline.css\">"));
  EXPECT_THAT(page->body, HasSubstr("job.enqueued"));
  // The hostile kind, in the title (escaped) and in the data (a JSON string that cannot end the block).
  EXPECT_THAT(page->body, HasSubstr("&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_EQ(page->body.find("<img src=x"), std::string::npos);
  expect_only_linked_code(page->body);
  EXPECT_EQ(c.Get("/jobs/424242/timeline")->status, 404);
  const auto js = c.Get("/static/timeline.js");
  ASSERT_TRUE(js);
  EXPECT_THAT(js->get_header_value("Content-Type"), HasSubstr("javascript"));
  EXPECT_EQ(js->body, std::string(timeline_script()));
  EXPECT_EQ(c.Get("/static/timeline.css")->body, std::string(timeline_stylesheet()));
  // Outside a host there is no recent history to draw.
  EXPECT_EQ(c.Get("/services/timeline")->status, 404);
}

TEST_F(dashboard_api_test, ARequestBodyLargerThanTheLimitIsRefused) {
  dashboard_options o;
  o.token = "t";
  o.actions = true;
  o.max_request_bytes = 1024;
  serve(o);
  auto c = client();
  const auto r =
      c.Post("/api/queues/default/pause", {{"Authorization", "Bearer t"}}, std::string(4096, 'x'), "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

TEST_F(dashboard_api_test, ListeningBeyondLoopbackOrActingNeedsAToken) {
  dashboard_options wide;
  wide.address = "0.0.0.0";
  try {
    dashboard_server d{rt, store, wide};
    ADD_FAILURE() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("needs an access token"));
  }
  dashboard_options acting;
  acting.actions = true;
  EXPECT_THROW((dashboard_server{rt, store, acting}), std::invalid_argument);
  wide.token = "t";
  EXPECT_NO_THROW((dashboard_server{rt, store, wide}));
}

TEST_F(dashboard_api_test, AServerStoppedAsSoonAsItStartedStopsEveryTime) {
  // A stop that reached the HTTP library before its listening thread ran used to be lost: the
  // thread then waited in accept() for good and stop() never returned (a host started and
  // stopped at once on a loaded machine). Each round stops as soon as start() returns.
  for (int round = 0; round < 200; ++round) {
    dashboard_server d{rt, store, dashboard_options{}};
    d.start();
    d.stop();
  }
  SUCCEED();
}

TEST_F(dashboard_api_test, ABrowserSignsInOnceAndGetsAStrictHttpOnlyCookie) {
  dashboard_options o;
  o.token = "t0ken";
  auto& d = serve(o);
  auto c = client();
  const auto page = c.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 303);
  EXPECT_EQ(page->get_header_value("Location"), "/signin");
  const auto form = c.Get("/signin");
  EXPECT_EQ(form->status, 200);
  EXPECT_THAT(form->body, HasSubstr("<form method=\"post\" action=\"/signin\">"));
  EXPECT_EQ(c.Get("/static/dashboard.js")->status, 200) << "the form's own script needs no token";

  const auto wrong = c.Post("/signin", {{"Origin", d.url()}}, "token=nope", "application/x-www-form-urlencoded");
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(wrong->get_header_value("Set-Cookie"), "");
  const auto foreign =
      c.Post("/signin", {{"Origin", "https://evil.example"}}, "token=t0ken", "application/x-www-form-urlencoded");
  EXPECT_EQ(foreign->status, 401) << "no other site may sign a browser in";
  const auto right = c.Post("/signin", {{"Origin", d.url()}}, "token=t0ken", "application/x-www-form-urlencoded");
  EXPECT_EQ(right->status, 303);
  const std::string cookie = right->get_header_value("Set-Cookie");
  EXPECT_THAT(cookie, ::testing::StartsWith("cw_dashboard_token=t0ken;"));
  EXPECT_THAT(cookie, HasSubstr("HttpOnly"));
  EXPECT_THAT(cookie, HasSubstr("SameSite=Strict"));
  EXPECT_EQ(c.Get("/", {{"Cookie", "cw_dashboard_token=t0ken"}})->status, 200);
}

// ---- the pages ----

// No inline script or style, no event-handler attribute: the CSP would block them, and a value
// that escaped its escaping would show up here as markup.
void expect_no_inline_code(const std::string& html) {
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(<script(?![^>]*\ssrc=))"))) << "an inline script";
  // Attribute names only: every value is double-quoted, and a quote inside one is escaped.
  const std::string names_only = std::regex_replace(html, std::regex(R"("[^"]*")"), "\"\"");
  EXPECT_FALSE(std::regex_search(names_only, std::regex(R"(<[^>]*\son[a-z]+\s*=)", std::regex::icase))) << "a handler";
  EXPECT_EQ(html.find("<style"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
}

TEST_F(dashboard_api_test, ThePagesShowTheStoreWithEveryValueEscaped) {
  serve();
  auto c = client();
  const auto overview = c.Get("/");
  ASSERT_TRUE(overview);
  EXPECT_EQ(overview->status, 200);
  EXPECT_THAT(overview->get_header_value("Content-Type"), HasSubstr("text/html"));
  EXPECT_THAT(overview->body, HasSubstr("<td class=\"count\" data-state=\"available\">3</td>"));
  EXPECT_THAT(overview->body, HasSubstr("<a href=\"/jobs?state=available\">available</a>"));
  EXPECT_THAT(overview->body, HasSubstr("<script src=\"/static/dashboard.js\" defer></script>"));
  expect_no_inline_code(overview->body);

  const auto list = c.Get("/jobs?state=available");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 200);
  EXPECT_THAT(list->body, HasSubstr("&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_THAT(list->body, HasSubstr("<a href=\"/jobs/" + std::to_string(ids[0].id) + "\">"));
  expect_no_inline_code(list->body);
  EXPECT_EQ(c.Get("/jobs?state=<script>")->status, 400);

  // Filters: the form keeps them, escaped; the paging links carry them, percent-encoded.
  const auto filtered = c.Get("/jobs?kind=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&queue=default");
  ASSERT_TRUE(filtered);
  EXPECT_EQ(filtered->status, 200);
  EXPECT_THAT(filtered->body, HasSubstr("<input name=\"kind\" value=\"&lt;img src=x onerror=alert(1)&gt;\">"));
  EXPECT_THAT(filtered->body, HasSubstr("<p>1 in all</p>"));
  expect_no_inline_code(filtered->body);
  const auto by_id = c.Get(("/jobs?search=" + std::to_string(ids[2].id)).c_str());
  EXPECT_THAT(by_id->body, HasSubstr("<p>1 in all</p>"));
  EXPECT_THAT(by_id->body, HasSubstr("<td>report.build</td>"));

  const auto detail = c.Get(("/jobs/" + std::to_string(ids[1].id)).c_str());
  ASSERT_TRUE(detail);
  EXPECT_EQ(detail->status, 200);
  EXPECT_THAT(detail->body, HasSubstr("&lt;/script&gt;\\&quot;&#39;"));  // the payload's text, escaped
  EXPECT_THAT(detail->body, HasSubstr("<tr class=\"enqueued\">"));
  expect_no_inline_code(detail->body);
  EXPECT_EQ(c.Get("/jobs/424242")->status, 404);

  const auto js = c.Get("/static/dashboard.js");
  ASSERT_TRUE(js);
  EXPECT_THAT(js->get_header_value("Content-Type"), HasSubstr("javascript"));
  EXPECT_THAT(js->body, HasSubstr("textContent"));
  EXPECT_EQ(js->body.find("innerHTML"), std::string::npos);
}

TEST_F(dashboard_api_test, RecurringJobsAndInstancesAreShownAndTriggeredNow) {
  jobs::recurring_definition r;
  r.name = "digest<script>";
  r.expression = "*/5 * * * *";
  r.kind = "email.digest";
  rt.block_on(store->put_recurring(r));
  jobs::instance_info i;
  i.name = "web-1\"><b>";
  i.host = "host-a";
  i.concurrency = 4;
  i.queues = {"default"};
  i.clock_skew = std::chrono::milliseconds(1500);
  rt.block_on(store->register_instance(i));
  dashboard_options o;
  o.token = "t";
  o.actions = true;
  auto& d = serve(o);
  auto c = client();
  const httplib::Headers auth{{"Authorization", "Bearer t"}};

  const auto recurring = c.Get("/recurring", auth);
  ASSERT_TRUE(recurring);
  EXPECT_EQ(recurring->status, 200);
  EXPECT_THAT(recurring->body, HasSubstr("<td>digest&lt;script&gt;</td><td>every 5th minute</td>"));
  EXPECT_THAT(recurring->body, HasSubstr("data-trigger=\"digest&lt;script&gt;\""));
  expect_no_inline_code(recurring->body);
  // The next occurrence, on the store's clock: a minute divisible by 5, on the page too (which is
  // read between two API reads: across a 5-minute boundary it has one of theirs).
  const auto next_of_api = [&] {
    const json listed = json::parse(c.Get("/api/recurring", auth)->body);
    EXPECT_EQ(listed.size(), 1u);
    EXPECT_TRUE(listed[0]["next"].is_string()) << listed.dump();
    return listed[0]["next"].get<std::string>();
  };
  const std::string before = next_of_api();
  const std::string page = c.Get("/recurring", auth)->body;
  const std::string after = next_of_api();
  EXPECT_EQ(std::stoi(before.substr(14, 2)) % 5, 0) << before;
  EXPECT_EQ(before.substr(17, 2), "00") << before;
  EXPECT_TRUE(page.find("<td>" + before + "</td>") != std::string::npos ||
              page.find("<td>" + after + "</td>") != std::string::npos)
      << "the page's next occurrence is not the API's";
  const auto instances = c.Get("/instances", auth);
  ASSERT_TRUE(instances);
  EXPECT_THAT(instances->body, HasSubstr("<td>web-1&quot;&gt;&lt;b&gt;</td><td>host-a</td>"));
  EXPECT_THAT(instances->body, HasSubstr("00:00:01.500"));
  EXPECT_THAT(instances->body, HasSubstr("<td>yes</td>")) << "its heartbeat was just now: alive";
  EXPECT_EQ(json::parse(c.Get("/api/instances", auth)->body)[0]["alive"], true);
  EXPECT_THAT(c.Get("/", auth)->body, HasSubstr("<span id=\"alive\">1</span> instances alive"));
  expect_no_inline_code(instances->body);

  const auto triggered = c.Post("/api/recurring/digest%3Cscript%3E/trigger",
                                {{"Authorization", "Bearer t"}, {"Origin", d.url()}}, "", "text/plain");
  ASSERT_TRUE(triggered);
  EXPECT_EQ(triggered->status, 200) << triggered->body;
  EXPECT_EQ(json::parse(triggered->body)["recurring"], "digest<script>");
  EXPECT_EQ(json::parse(c.Get("/api/jobs?kind=email.digest", auth)->body).size(), 1u);
  EXPECT_EQ(c.Post("/api/recurring/nope/trigger", {{"Authorization", "Bearer t"}}, "", "text/plain")->status, 404);
}

TEST_F(dashboard_api_test, AddedToAHostItServesWhileTheHostRunsAndStopsWithIt) {
  host_builder builder{rt};
  add_dashboard(builder, store, {});
  host app = builder.build();
  const auto d = std::dynamic_pointer_cast<dashboard_service>(app.service("dashboard"));
  ASSERT_NE(d, nullptr);
  host_result result;
  std::thread running([&] { result = rt.block_on(app.run()); });
  const auto listening = d->listening();
  ASSERT_EQ(listening.wait_for(std::chrono::seconds(60)), std::future_status::ready) << "it never listened";
  const std::string url = listening.get();
  httplib::Client c(url);
  c.set_read_timeout(30, 0);
  const auto r = c.Get("/api/stats");
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->body)["states"]["available"], 3);
  app.lifetime().stop_source().request_stop();  // lifetime(): from any thread
  running.join();
  EXPECT_TRUE(result.ok()) << "exit code " << result.exit_code;
  EXPECT_FALSE(httplib::Client(url).Get("/api/stats")) << "it stopped serving with the host";
}

// A service that crashes at once, and one that waits a moment (so that the crash came first),
// reports one run and says so.
class crasher final : public background_service {
 public:
  task<> execute(std::stop_token) override {
    throw std::runtime_error("disk <full>");
    co_return;
  }
};

class ticker final : public background_service {
 public:
  explicit ticker(std::shared_ptr<std::promise<void>> ran) : ran_(std::move(ran)) {}
  task<> execute(std::stop_token stopping) override {
    co_await rt().try_delay(std::chrono::milliseconds(1), stopping);
    note_run();
    ran_->set_value();
    while (!stopping.stop_requested()) co_await rt().try_delay(std::chrono::hours(1), stopping);
  }

 private:
  std::shared_ptr<std::promise<void>> ran_;
};

TEST_F(dashboard_api_test, InAHostTheServicesPageShowsEachServicesStateRunsAndFailures) {
  host_builder builder{rt};
  builder.options().on_service_exception = service_exception_behavior::ignore;
  add_dashboard(builder, store, {});
  builder.add_hosted_service<crasher>("crasher");
  auto ran = std::make_shared<std::promise<void>>();
  builder.add_hosted_service<ticker>("<b>ticker</b>",
                                     [ran](service_provider&) { return std::make_shared<ticker>(ran); });
  host app = builder.build();
  const auto d = std::dynamic_pointer_cast<dashboard_service>(app.service("dashboard"));
  host_result result;
  std::thread running([&] { result = rt.block_on(app.run()); });
  ASSERT_EQ(d->listening().wait_for(std::chrono::seconds(60)), std::future_status::ready) << "it never listened";
  ASSERT_EQ(ran->get_future().wait_for(std::chrono::seconds(60)), std::future_status::ready) << "it never ran";
  httplib::Client c(d->listening().get());
  c.set_read_timeout(30, 0);

  const auto api = c.Get("/api/services");
  ASSERT_TRUE(api);
  ASSERT_EQ(api->status, 200);
  const json view = json::parse(api->body);
  EXPECT_EQ(view["host"]["phase"], "running");
  ASSERT_EQ(view["services"].size(), 3u);
  EXPECT_EQ(view["services"][0]["name"], "dashboard");
  EXPECT_EQ(view["services"][0]["state"], "running");
  EXPECT_EQ(view["services"][1]["name"], "crasher");
  EXPECT_EQ(view["services"][1]["state"], "faulted");
  EXPECT_THAT(view["services"][1]["last_failure"].get<std::string>(), HasSubstr("disk <full>"));
  EXPECT_EQ(view["services"][1]["findings"], 1);  // service_faulted
  EXPECT_THAT(view["services"][1]["last_finding"].get<std::string>(), HasSubstr("service_faulted"));
  EXPECT_EQ(view["services"][2]["name"], "<b>ticker</b>");
  EXPECT_EQ(view["services"][2]["runs"], 1);
  EXPECT_FALSE(view["services"][2]["last_run"].get<std::string>().empty());
  bool crash_recorded = false;
  for (const auto& r : view["recent"]) crash_recorded |= r["kind"] == "service_faulted" && r["source"] == "crasher";
  EXPECT_TRUE(crash_recorded) << api->body;

  const auto page = c.Get("/services");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_THAT(page->body, HasSubstr("<td>&lt;b&gt;ticker&lt;/b&gt;</td>"));
  EXPECT_THAT(page->body, HasSubstr("disk &lt;full&gt;"));
  EXPECT_THAT(page->body, HasSubstr("<td class=\"state-faulted\">faulted</td>"));
  EXPECT_EQ(page->body.find("<b>ticker"), std::string::npos);
  expect_no_inline_code(page->body);

  // The same recent events as a timeline, by the timeline renderer.
  const auto timeline = c.Get("/services/timeline");
  ASSERT_TRUE(timeline);
  EXPECT_EQ(timeline->status, 200);
  EXPECT_THAT(timeline->body, HasSubstr("service_faulted"));
  EXPECT_THAT(timeline->body, HasSubstr("disk &lt;full&gt;"));  // in the list of what went wrong
  expect_only_linked_code(timeline->body);

  app.lifetime().stop_source().request_stop();
  running.join();
  EXPECT_EQ(result.failures.size(), 1u) << result.summary();
}

TEST_F(dashboard_api_test, OutsideAHostTheServicesPageSaysItHasNoneToShow) {
  serve();
  auto c = client();
  const auto page = c.Get("/services");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_THAT(page->body, HasSubstr("id=\"no-host\""));
  const auto api = c.Get("/api/services");
  ASSERT_TRUE(api);
  EXPECT_TRUE(json::parse(api->body)["host"].is_null());
}

#ifdef CLOCKWORK_JOBS_PROGRAM
// clockwork-jobs dashboard as a process: it says where it listens, serves, and ends on SIGTERM
// with status 0; a wide address without a token is refused with status 2 before anything starts.
struct started_program {
  pid_t pid = -1;
  int output = -1;  // its standard output
};

started_program start(std::vector<std::string> args) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
  std::vector<char*> argv;
  args.insert(args.begin(), CLOCKWORK_JOBS_PROGRAM);
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    ::execv(CLOCKWORK_JOBS_PROGRAM, argv.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  return {pid, pipe_fds[0]};
}

std::string first_line(int fd) {
  std::string line;
  char c = 0;
  while (::read(fd, &c, 1) == 1 && c != '\n') line += c;
  return line;
}

int exit_status(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST_F(dashboard_api_test, TheCommandSaysWhereItListensServesAndStopsOnSigterm) {
  store.reset();  // the command opens the file itself
  const auto program = start({"dashboard", "--store", "sqlite:" + (folder / "jobs.db").string()});
  const std::string line = first_line(program.output);
  ASSERT_THAT(line, ::testing::StartsWith("listening on http://127.0.0.1:"));
  const int port = std::stoi(line.substr(line.rfind(':') + 1));
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(30, 0);
  const auto r = c.Get("/api/stats");
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->body)["states"]["available"], 3);
  ::kill(program.pid, SIGTERM);
  EXPECT_EQ(exit_status(program.pid), 0);
  ::close(program.output);

  const auto wide = start({"dashboard", "--store", "sqlite:" + (folder / "jobs.db").string(), "--listen", "0.0.0.0:0"});
  EXPECT_EQ(first_line(wide.output), "") << "nothing listened";
  EXPECT_EQ(exit_status(wide.pid), 2);
  ::close(wide.output);
}

// A worker with the dashboard inside its host: its services page shows the worker's services.
TEST_F(dashboard_api_test, AWorkerServesTheDashboardOfItsOwnHost) {
  store.reset();
  const std::string url = "sqlite:" + (folder / "jobs.db").string();
  const auto worker = start({"work", "--store", url, "--instance", "w1", "--dashboard", "127.0.0.1:0"});
  const std::string line = first_line(worker.output);
  ASSERT_THAT(line, ::testing::StartsWith("dashboard listening on http://127.0.0.1:"));
  httplib::Client c(line.substr(line.find("http://")));
  c.set_read_timeout(30, 0);
  const auto r = c.Get("/api/services");
  ASSERT_TRUE(r);
  const json view = json::parse(r->body);
  EXPECT_EQ(view["host"]["phase"], "running");
  std::vector<std::string> names;
  for (const auto& s : view["services"]) names.push_back(s["name"].get<std::string>());
  EXPECT_THAT(names, ::testing::ElementsAre("jobs.w1", "recurring.w1", "dashboard"));
  ::kill(worker.pid, SIGTERM);
  EXPECT_EQ(exit_status(worker.pid), 0);
  ::close(worker.output);

  const auto wide = start({"work", "--store", url, "--dashboard", "0.0.0.0:0"});
  EXPECT_EQ(first_line(wide.output), "") << "nothing listened";
  EXPECT_EQ(exit_status(wide.pid), 2);
  ::close(wide.output);
}
#endif

}  // namespace
}  // namespace clockwork::dashboard
