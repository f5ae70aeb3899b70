// The real thing, killed: three `clockwork-jobs work` processes share one SQLite file; 3,000
// example.fenced_increment jobs over four counters are enqueued; every 200 ms one worker, chosen
// at random, gets SIGKILL and is started again. At the end every job has succeeded once, each
// counter equals its jobs — nothing lost, nothing twice — and the figures are printed (jobs,
// kills, rescues, lease_lost refusals, wall time).
//
// And paused: the same, but the chosen worker is stopped (SIGSTOP) for longer than its lease and
// then continued (SIGCONT) — a GC pause, a VM migration — so that the others rescue its jobs while
// it sleeps, perhaps in the middle of a write. Its late writes must change nothing: every effect
// still exactly once.
//
// Nothing waits by sleeping for a condition: the store's state is polled against a generous
// deadline; the pauses between disruptions only pace them.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "clockwork/jobs/sqlite_job_store.hpp"
#include "clockwork/runtime/real_runtime.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using clockwork::jobs::job_state;

constexpr int jobs_per_counter = 750;
const std::array<std::string, 4> counters{"apples", "bread", "cheese", "dates"};
constexpr int workers = 3;
constexpr auto kill_every = 200ms;
constexpr auto pause_for = 3s;  // the workers' lease is 2 s
constexpr auto deadline = 240s;

// Starts the program with these arguments, its output appended to `log`.
pid_t start(const std::vector<std::string>& args, const fs::path& log) {
  std::vector<std::string> all{CLOCKWORK_JOBS_PROGRAM};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&files, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &files, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&files);
  if (rc != 0) return -1;
  return pid;
}

int finish(pid_t pid) {
  int status = -1;
  if (pid <= 0) return status;
  ::waitpid(pid, &status, 0);
  return status;
}

bool contains(const fs::path& file, const std::string& text) {
  std::ifstream in(file);
  const std::string all{std::istreambuf_iterator<char>(in), {}};
  return all.find(text) != std::string::npos;
}

int run_to_end(const std::vector<std::string>& args, const fs::path& log) {
  const int status = finish(start(args, log));
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// How a worker is disrupted: killed and started again, or stopped past its lease and continued.
enum class disruption { kill, pause };

void run_three_workers(disruption how) {
  const std::string what = how == disruption::kill ? "kill" : "pause";
  const fs::path folder = fs::temp_directory_path() / ("clockwork-jobs-" + what + "-" + std::to_string(::getpid()));
  fs::create_directories(folder);
  const fs::path file = folder / "jobs.db";
  const std::string store = "sqlite:" + file.string();
  const fs::path log = folder / "programs.log";
  const auto began = std::chrono::steady_clock::now();

  ASSERT_EQ(run_to_end({"migrate", "--store", store}, log), 0);
  for (const std::string& counter : counters) {
    ASSERT_EQ(run_to_end({"enqueue", "--store", store, "example.fenced_increment", "--payload",
                          R"({"counter": ")" + counter + R"(", "ms": 5})", "--count", std::to_string(jobs_per_counter)},
                         log),
              0);
  }
  const int jobs = jobs_per_counter * static_cast<int>(counters.size());

  const auto worker_args = [&](int i) {
    return std::vector<std::string>{"work",    "--store", store,           "--instance", "w" + std::to_string(i),
                                    "--lease", "2s",      "--concurrency", "8"};
  };
  // Each worker process logs to a file of its own: the last ones are stopped only once they have
  // started (a SIGTERM before the program watches for it would end it like a SIGKILL).
  int started = 0;
  const auto start_worker = [&](int i, fs::path& its_log) {
    its_log = folder / ("worker-" + std::to_string(++started) + ".log");
    return start(worker_args(i), its_log);
  };
  std::vector<pid_t> running(workers);
  std::vector<fs::path> logs(workers);
  // A failed assertion leaves early: no worker process may outlive the test (nor stay stopped).
  struct reaper {
    std::vector<pid_t>& pids;
    ~reaper() {
      for (pid_t& pid : pids) {
        if (pid <= 0) continue;
        ::kill(pid, SIGKILL);
        finish(pid);
      }
    }
  } reap{running};
  for (int i = 0; i < workers; ++i) {
    running[i] = start_worker(i, logs[i]);
    ASSERT_GT(running[i], 0) << "could not start " << CLOCKWORK_JOBS_PROGRAM;
  }

  // The driver reads the store as any other process would.
  clockwork::real_runtime rt;
  clockwork::jobs::sqlite_store_options reader;
  reader.name = "kill-test";
  clockwork::jobs::sqlite_job_store observer{rt, file, reader};

  std::mt19937 pick{20260601};
  int kills = 0;
  clockwork::jobs::store_stats s;
  for (;;) {
    s = rt.block_on(observer.stats());
    if (s.count(job_state::succeeded) + s.count(job_state::failed) + s.count(job_state::cancelled) ==
        static_cast<std::uint64_t>(jobs)) {
      break;
    }
    ASSERT_LT(std::chrono::steady_clock::now() - began, deadline)
        << "not done in time: " << s.count(job_state::succeeded) << " of " << jobs << " succeeded";
    std::this_thread::sleep_for(kill_every);  // pacing the disruptions, not waiting for anything
    const auto victim = static_cast<std::size_t>(pick() % workers);
    ++kills;
    if (how == disruption::kill) {
      ::kill(running[victim], SIGKILL);
      finish(running[victim]);
      running[victim] = start_worker(static_cast<int>(victim), logs[victim]);
      ASSERT_GT(running[victim], 0) << "could not start " << CLOCKWORK_JOBS_PROGRAM;
    } else {
      ::kill(running[victim], SIGSTOP);
      std::this_thread::sleep_for(pause_for);  // the pause itself: longer than the lease
      ::kill(running[victim], SIGCONT);
    }
  }
  for (const fs::path& its_log : logs) {
    while (!contains(its_log, "starting on")) {
      ASSERT_LT(std::chrono::steady_clock::now() - began, deadline) << its_log << " never started";
      std::this_thread::sleep_for(20ms);  // the polling interval
    }
  }
  for (const pid_t pid : running) ::kill(pid, SIGTERM);
  for (pid_t& pid : running) {
    const int status = finish(pid);
    pid = -1;
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a worker did not stop gracefully: " << status;
  }
  const auto wall = std::chrono::steady_clock::now() - began;

  s = rt.block_on(observer.stats());
  EXPECT_EQ(s.count(job_state::succeeded), static_cast<std::uint64_t>(jobs)) << "every job succeeded";
  EXPECT_EQ(s.count(job_state::failed), 0u);
  EXPECT_EQ(s.succeeded, static_cast<std::uint64_t>(jobs)) << "each completion applied once";
  std::int64_t total = 0;
  for (const std::string& counter : counters) {
    EXPECT_EQ(s.counters[counter], jobs_per_counter) << "counter " << counter << ": each job's effect exactly once";
    total += s.counters[counter];
  }
  EXPECT_EQ(total, jobs);
  // Per job: one success in its history, at its last epoch.
  clockwork::jobs::job_query all;
  all.page_size = static_cast<std::size_t>(jobs);
  const auto page = rt.block_on(observer.list(all));
  ASSERT_EQ(page.jobs.size(), static_cast<std::size_t>(jobs));
  int twice = 0;
  int refusals_shown = 0;
  for (const auto& j : page.jobs) {
    int successes = 0;
    for (const auto& e : rt.block_on(observer.history(j.id))) {
      if (e.event == clockwork::jobs::job_event::lease_lost && refusals_shown++ < 5) {
        std::printf("jobs_kill: job %lld: a stale write refused (by %s): %s\n", static_cast<long long>(j.id),
                    e.instance.c_str(), e.detail.c_str());
      }
      if (e.event == clockwork::jobs::job_event::succeeded) {
        ++successes;
        EXPECT_EQ(e.epoch, j.epoch) << "job " << j.id;
      }
    }
    if (successes != 1) ++twice;
  }
  EXPECT_EQ(twice, 0) << "jobs without exactly one success";

  const std::string disrupted = how == disruption::kill
                                    ? std::to_string(kills) + " kill(s), 200 ms apart"
                                    : std::to_string(kills) + " pause(s) of 3 s, past the 2 s lease, 200 ms apart";
  std::printf(
      "jobs_kill: %d jobs, %d workers, %s, %llu rescued, %llu lease_lost refusals, %llu claims, wall time %.1f s\n",
      jobs, workers, disrupted.c_str(), static_cast<unsigned long long>(s.rescued),
      static_cast<unsigned long long>(s.lease_lost), static_cast<unsigned long long>(s.claimed),
      std::chrono::duration<double>(wall).count());
  if (!::testing::Test::HasFailure()) {
    std::error_code ec;
    fs::remove_all(folder, ec);
  } else {
    std::printf("jobs_kill: the store and the programs' logs are kept in %s\n", folder.c_str());
  }
}

TEST(jobs_kill, ThreeWorkersOnOneFileOneKilledAtATimeEveryEffectOnce) {
  run_three_workers(disruption::kill);
}

TEST(jobs_kill, ThreeWorkersOnOneFileOnePausedPastItsLeaseAtATimeEveryEffectOnce) {
  run_three_workers(disruption::pause);
}

}  // namespace
