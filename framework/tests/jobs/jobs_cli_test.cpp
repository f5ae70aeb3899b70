// The clockwork-jobs command: each subcommand's output and exit status, in-process through
// run_jobs_cli (store calls on a virtual runtime where instants are asserted), and a worker run
// through the real program.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "clockwork/runtime/virtual_runtime.hpp"
#include "jobs_cli.hpp"
#include "jobs_output.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

struct result {
  int status;
  std::string out;
  std::string err;
};

class jobs_cli_test : public ::testing::Test {
 protected:
  jobs_cli_test() {
    static std::atomic<int> made{0};
    folder =
        fs::temp_directory_path() / ("clockwork-jobs-cli-" + std::to_string(::getpid()) + "-" + std::to_string(++made));
    fs::create_directories(folder);
    store = "sqlite:" + (folder / "jobs.db").string();
  }
  ~jobs_cli_test() override {
    std::error_code ec;
    fs::remove_all(folder, ec);
  }
  // Runs the command with store calls on the test's virtual runtime.
  result run(std::vector<std::string> args) {
    std::ostringstream out, err;
    clockwork::cli::jobs_cli_context context;
    context.rt = &rt;
    context.watch_signals = false;
    const int status = clockwork::cli::run_jobs_cli(args, out, err, context);
    return {status, out.str(), err.str()};
  }
  result migrated_run(std::vector<std::string> args) {
    const result m = run({"migrate", "--store", store});
    EXPECT_EQ(m.status, 0) << m.err;
    return run(std::move(args));
  }
  static std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
  // Exit 2, one line on stderr containing `what`, nothing on stdout.
  void expect_usage_error(const result& r, const std::string& what) {
    EXPECT_EQ(r.status, 2) << r.out << r.err;
    EXPECT_THAT(r.err, AllOf(StartsWith("clockwork-jobs: "), HasSubstr(what)));
    EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
    EXPECT_EQ(r.out, "");
  }

  fs::path folder;
  std::string store;
  clockwork::virtual_runtime rt;
};

// ---- migrate and --store -------------------------------------------------------------------------

TEST_F(jobs_cli_test, MigrateCreatesTheStoreThenFindsItCurrent) {
  const result first = run({"migrate", "--store", store});
  EXPECT_EQ(first.status, 0) << first.err;
  EXPECT_EQ(first.out, store + ": schema created (version 1)\n");
  const result again = run({"migrate", "--store", store});
  EXPECT_EQ(again.out, store + ": schema already at version 1\n");
  // The URL form names the same file.
  const result url_form = run({"migrate", "--store", "sqlite://" + (folder / "jobs.db").string()});
  EXPECT_EQ(url_form.out, store + ": schema already at version 1\n");
}

TEST_F(jobs_cli_test, AStoreUrlOfAnotherSchemeIsRefusedNamingTheKnownOnes) {
  expect_usage_error(run({"stats", "--store", "mysql://localhost/jobs"}),
                     "scheme 'mysql' is not one this build knows (known: sqlite:PATH");
  expect_usage_error(run({"stats", "--store", "jobs.db"}), "no scheme is not one this build knows");
  expect_usage_error(run({"stats", "--store", "sqlite:"}), "no location after 'sqlite:'");
}

TEST_F(jobs_cli_test, ListenStoreIsOnlyForPostgresAndNeverRepeatsAnAddress) {
  expect_usage_error(run({"work", "--store", store, "--listen-store", "postgresql://u:secret@db/jobs"}),
                     "--listen-store: only a PostgreSQL store listens");
  const auto r = run({"work", "--store", store, "--listen-store", "postgresql://u:secret@db/jobs"});
  EXPECT_EQ(r.err.find("secret"), std::string::npos) << r.err;
}

TEST_F(jobs_cli_test, AStoreThatCannotBeOpenedIsBadInputNamingThePathAndWhy) {
  expect_usage_error(run({"stats", "--store", "sqlite:" + (folder / "nowhere" / "jobs.db").string()}),
                     "nowhere does not exist");
  expect_usage_error(run({"list", "--store", store}), "clockwork-jobs migrate --store " + store);
}

TEST_F(jobs_cli_test, UnknownSubcommandsAndMissingStoreAreBadInput) {
  expect_usage_error(run({"frobnicate"}), "see clockwork-jobs --help");
  expect_usage_error(run({"stats"}), "--store is required");
  EXPECT_EQ(run({"--help"}).status, 0);
}

// ---- enqueue ------------------------------------------------------------------------------------

TEST_F(jobs_cli_test, EnqueuePrintsTheNewIdsOneALine) {
  const result r =
      migrated_run({"enqueue", "--store", store, "example.sleep", "--payload", R"({"ms": 5})", "--count", "3"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "1\n2\n3\n");
  EXPECT_EQ(run({"enqueue", "--store", store, "example.sleep"}).out, "4\n");
}

TEST_F(jobs_cli_test, EnqueueInAndAtScheduleOnTheStoresClock) {
  const clockwork::utc_time now = rt.clock().utc_now();
  ASSERT_EQ(migrated_run({"enqueue", "--store", store, "example.sleep", "--in", "1h30min"}).status, 0);
  ASSERT_EQ(run({"enqueue", "--store", store, "example.sleep", "--at", "2030-01-02T03:04:05.5+02:00"}).status, 0);
  const auto jobs = nlohmann::json::parse(run({"list", "--store", store, "--json"}).out);
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[1]["scheduled_at"], clockwork::jobs::format_utc_micros(now + std::chrono::minutes(90)));
  EXPECT_EQ(jobs[1]["state"], "scheduled");
  EXPECT_EQ(jobs[0]["scheduled_at"], "2030-01-02T01:04:05.500000Z");
}

TEST_F(jobs_cli_test, EnqueueRefusesBadInputAndWritesNothing) {
  ASSERT_EQ(run({"migrate", "--store", store}).status, 0);
  expect_usage_error(run({"enqueue", "--store", store, "example.sleep", "--payload", "{ms: 5}"}),
                     "--payload is not JSON");
  expect_usage_error(run({"enqueue", "--store", store, "example.sleep", "--in", "5 minutes"}), "--in:");
  expect_usage_error(run({"enqueue", "--store", store, "example.sleep", "--at", "2030-01-02T03:04:05"}), "--at:");
  expect_usage_error(run({"enqueue", "--store", store, "example.sleep", "--in", "5s", "--at", "2030-01-02T03:04:05Z"}),
                     "excludes");
  expect_usage_error(run({"enqueue", "--store", store, "example.sleep", "--unique", "k", "--count", "2"}),
                     "--count cannot be used with --unique");
  expect_usage_error(run({"enqueue", "--store", store, "example.sleep", "--count", "0"}), "--count must be between 1");
  expect_usage_error(run({"enqueue", "--store", store, ""}), "kind must not be empty");
  EXPECT_EQ(run({"list", "--store", store}).out, "id  state  kind  queue  attempt  epoch  scheduled_at\n(no jobs)\n");
}

TEST_F(jobs_cli_test, AUniqueKeyAnswersTheExistingJob) {
  EXPECT_EQ(migrated_run({"enqueue", "--store", store, "example.sleep", "--unique", "nightly"}).out, "1\n");
  const result twin = run({"enqueue", "--store", store, "example.sleep", "--unique", "nightly"});
  EXPECT_EQ(twin.status, 0);
  EXPECT_EQ(twin.out, "1\n");
  EXPECT_THAT(twin.err, HasSubstr("job 1 with unique key 'nightly' exists already"));
}

// ---- list and stats -----------------------------------------------------------------------------

TEST_F(jobs_cli_test, ListJsonHasTheFieldsScriptsReadWithMicrosecondUtcInstants) {
  migrated_run({"enqueue", "--store", store, "example.fail", "--payload", R"({"times": 2})", "--queue", "mail"});
  const result r = run({"list", "--store", store, "--json"});
  EXPECT_EQ(r.status, 0) << r.err;
  const auto jobs = nlohmann::json::parse(r.out);
  ASSERT_TRUE(jobs.is_array());
  ASSERT_EQ(jobs.size(), 1u);
  const auto& j = jobs[0];
  EXPECT_TRUE(j["id"].is_number_integer());
  EXPECT_EQ(j["id"], 1);
  EXPECT_EQ(j["kind"], "example.fail");
  EXPECT_EQ(j["queue"], "mail");
  EXPECT_EQ(j["state"], "available");
  EXPECT_EQ(j["attempt"], 0);
  EXPECT_EQ(j["epoch"], 0);
  EXPECT_EQ(j["payload"], (nlohmann::json{{"times", 2}}));
  EXPECT_TRUE(
      std::regex_match(j["scheduled_at"].get<std::string>(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)")))
      << j["scheduled_at"];
}

TEST_F(jobs_cli_test, ListByStateAndItsTextForm) {
  migrated_run({"enqueue", "--store", store, "example.sleep", "--count", "2"});
  run({"enqueue", "--store", store, "example.sleep", "--in", "1h"});
  EXPECT_EQ(nlohmann::json::parse(run({"list", "--store", store, "--state", "available", "--json"}).out).size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(run({"list", "--store", store, "--state", "scheduled", "--json"}).out).size(), 1u);
  const auto text = lines(run({"list", "--store", store}).out);
  ASSERT_EQ(text.size(), 4u);
  EXPECT_THAT(text[0], StartsWith("id  state"));
  EXPECT_THAT(text[1], StartsWith("3   scheduled  example.sleep  default  0/10"));
  expect_usage_error(run({"list", "--store", store, "--state", "done"}),
                     "--state 'done' is not a state (one of scheduled, available, running, retrying, succeeded, "
                     "failed, cancelled)");
}

TEST_F(jobs_cli_test, StatsJsonNamesEveryStateAndTheStoreTotals) {
  migrated_run({"enqueue", "--store", store, "example.sleep", "--count", "2"});
  const result r = run({"stats", "--store", store, "--json"});
  EXPECT_EQ(r.status, 0) << r.err;
  const auto s = nlohmann::json::parse(r.out);
  EXPECT_EQ(s["states"], (nlohmann::json{{"scheduled", 0},
                                         {"available", 2},
                                         {"running", 0},
                                         {"retrying", 0},
                                         {"succeeded", 0},
                                         {"failed", 0},
                                         {"cancelled", 0}}));
  EXPECT_EQ(s["counters"], nlohmann::json::object());
  EXPECT_EQ(s["store"]["enqueued"], 2);
  EXPECT_EQ(s["store"]["rescued"], 0);
  EXPECT_EQ(s["store"]["lease_lost"], 0);
  EXPECT_THAT(run({"stats", "--store", store}).out, HasSubstr("states: scheduled 0, available 2, running 0"));
}

// ---- retry and cancel ---------------------------------------------------------------------------

TEST_F(jobs_cli_test, CancelAndRetryAnswerForTheJobsState) {
  migrated_run({"enqueue", "--store", store, "example.sleep"});
  const result unknown = run({"cancel", "--store", store, "42"});
  EXPECT_EQ(unknown.status, 1);
  EXPECT_EQ(unknown.err, "clockwork-jobs: no job 42\n");
  const result early = run({"retry", "--store", store, "1"});
  EXPECT_EQ(early.status, 1);
  EXPECT_EQ(early.err,
            "clockwork-jobs: job 1 is available: only a succeeded, failed or cancelled job can be retried\n");
  const result cancelled = run({"cancel", "--store", store, "1"});
  EXPECT_EQ(cancelled.status, 0) << cancelled.err;
  EXPECT_EQ(cancelled.out, "job 1: cancelled\n");
  const result twice = run({"cancel", "--store", store, "1"});
  EXPECT_EQ(twice.status, 1);
  EXPECT_EQ(twice.err, "clockwork-jobs: job 1 is cancelled: a finished job cannot be cancelled\n");
  EXPECT_EQ(run({"retry", "--store", store, "1"}).status, 0);
  EXPECT_EQ(nlohmann::json::parse(run({"list", "--store", store, "--json"}).out)[0]["state"], "available");
  expect_usage_error(run({"retry", "--store", store, "one"}), "'one' is not a job id");
  expect_usage_error(run({"cancel", "--store", store, "-3"}), "is not a job id");
}

// ---- recurring ----------------------------------------------------------------------------------

TEST_F(jobs_cli_test, RecurringJobsAreAddedListedTriggeredAndRemoved) {
  const result added = migrated_run({"recurring", "add", "--store", store, "digest", "--cron", "*/5 * * * *", "--kind",
                                     "example.sleep", "--payload", R"({"ms": 1})", "--zone", "Europe/Berlin"});
  ASSERT_EQ(added.status, 0) << added.err;
  EXPECT_EQ(added.out, "digest: every 5th minute, in Europe/Berlin (misfire policy relaxed)\n");
  const auto all = nlohmann::json::parse(run({"recurring", "list", "--store", store, "--json"}).out);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]["name"], "digest");
  EXPECT_EQ(all[0]["expression"], "*/5 * * * *");
  EXPECT_EQ(all[0]["zone"], "Europe/Berlin");
  EXPECT_THAT(run({"recurring", "list", "--store", store}).out, HasSubstr("digest  */5 * * * * (cronos5"));

  EXPECT_EQ(run({"recurring", "trigger", "--store", store, "digest"}).out, "1\n");
  const auto jobs = nlohmann::json::parse(run({"list", "--store", store, "--json"}).out);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0]["kind"], "example.sleep");
  EXPECT_EQ(jobs[0]["payload"]["ms"], 1);

  EXPECT_EQ(run({"recurring", "remove", "--store", store, "digest"}).out, "digest: removed\n");
  const result again = run({"recurring", "remove", "--store", store, "digest"});
  EXPECT_EQ(again.status, 1);
  EXPECT_THAT(again.err, HasSubstr("no recurring job named 'digest'"));
  EXPECT_EQ(run({"recurring", "trigger", "--store", store, "digest"}).status, 1);
  EXPECT_EQ(run({"recurring", "list", "--store", store}).out, "no recurring job is stored\n");
}

TEST_F(jobs_cli_test, RecurringAddRefusesBadInputAndWritesNothing) {
  ASSERT_EQ(run({"migrate", "--store", store}).status, 0);
  const std::vector<std::string> add{"recurring", "add", "--store", store, "r", "--kind", "example.sleep"};
  const auto with = [&add](std::vector<std::string> more) {
    std::vector<std::string> args = add;
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  expect_usage_error(run(with({"--cron", "61 * * * *"})), "minute");
  expect_usage_error(run(with({"--cron", "* * * * *", "--zone", "Mars/Olympus"})), "Mars/Olympus");
  expect_usage_error(run(with({"--cron", "* * * * *", "--dialect", "vixie"})), "--dialect vixie");
  expect_usage_error(run(with({"--cron", "* * * * *", "--misfire", "sometimes"})), "--misfire sometimes");
  expect_usage_error(run(with({"--cron", "* * * * *", "--payload", "{ms: 1}"})), "--payload is not JSON");
  expect_usage_error(run({"recurring", "add", "--store", store, "r", "--cron", "* * * * *"}), "--kind is required");
  expect_usage_error(run({"recurring", "--store", store}), "");
  EXPECT_EQ(run({"recurring", "list", "--store", store}).out, "no recurring job is stored\n");
}

// ---- work ---------------------------------------------------------------------------------------

TEST_F(jobs_cli_test, WorkUntilEmptyRunsTheExampleKindsAndExits) {
  migrated_run({"enqueue", "--store", store, "example.fenced_increment", "--payload", R"({"counter": "c", "ms": 1})",
                "--count", "5"});
  run({"enqueue", "--store", store, "example.fail", "--payload", R"({"times": 1})"});
  run({"enqueue", "--store", store, "example.sleep", "--payload", R"({"ms": 1})"});
  const result worked = run({"work", "--store", store, "--instance", "t", "--lease", "2s", "--until-empty"});
  EXPECT_EQ(worked.status, 0) << worked.err;
  EXPECT_THAT(worked.out, AllOf(StartsWith("worker t-"), HasSubstr("succeeded 7"), HasSubstr("failed 1")));
  const auto s = nlohmann::json::parse(run({"stats", "--store", store, "--json"}).out);
  EXPECT_EQ(s["counters"]["c"], 5);
  EXPECT_EQ(s["states"]["succeeded"], 7);
  EXPECT_EQ(s["store"]["retried"], 1);
}

TEST_F(jobs_cli_test, WorkRefusesABadLease) {
  ASSERT_EQ(run({"migrate", "--store", store}).status, 0);
  expect_usage_error(run({"work", "--store", store, "--lease", "forever"}), "--lease:");
  expect_usage_error(run({"work", "--store", store, "--lease", "10ms"}), "--lease must be at least 100ms");
  expect_usage_error(run({"work", "--store", store, "--concurrency", "0"}), "concurrency must be at least 1");
}

// ---- the real program ---------------------------------------------------------------------------

// Runs the installed program; returns its exit status and standard output.
std::pair<int, std::string> program(const std::string& arguments) {
  const std::string command = std::string(CLOCKWORK_JOBS_PROGRAM) + " " + arguments + " 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string out;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST_F(jobs_cli_test, TheProgramMigratesEnqueuesWorksAndCounts) {
  EXPECT_EQ(program("migrate --store " + store).first, 0);
  const auto enqueued = program("enqueue --store " + store +
                                " example.fenced_increment --payload '{\"counter\":\"n\",\"ms\":0}' --count 20");
  EXPECT_EQ(enqueued.first, 0);
  EXPECT_EQ(lines(enqueued.second).size(), 20u);
  EXPECT_EQ(program("work --store " + store + " --concurrency 4 --until-empty").first, 0);
  const auto stats = program("stats --json --store " + store);
  ASSERT_EQ(stats.first, 0);
  const auto s = nlohmann::json::parse(stats.second);
  EXPECT_EQ(s["counters"]["n"], 20);
  EXPECT_EQ(s["states"]["succeeded"], 20);
  EXPECT_EQ(program("cancel --store " + store + " 999").first, 1);
  EXPECT_EQ(program("list --store " + store + " --state nonsense").first, 2);
}

}  // namespace
