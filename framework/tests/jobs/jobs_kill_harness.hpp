// The harness of the kill tests: real `clockwork-jobs work` processes on one store, disrupted
// for real while they work through example.fenced_increment jobs over four counters; at the end
// every job has succeeded once and each counter equals its jobs — nothing lost, nothing twice.
//
// A test says which store (its --store address and how to open an observer: a store object of the
// driver's own, reading as any other process would), how many workers and jobs, and what one disruption
// is (kill a worker and start it again, pause it past its lease, or something the store itself
// allows: cut a connection, stop the server). The harness starts the workers, calls the
// disruption at a fixed pace until every job has ended, stops the workers gracefully, checks
// the store and prints the figures.
//
// Nothing waits by sleeping for a condition: the store's state is polled against a generous
// deadline; the pauses between disruptions only pace them.
#pragma once
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "clockwork/jobs/job_store.hpp"
#include "clockwork/runtime/real_runtime.hpp"

extern char** environ;

namespace clockwork::jobs::kill_test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

inline const std::array<std::string, 4> counters{"apples", "bread", "cheese", "dates"};

// Starts the program with these arguments, its output appended to `log`.
inline pid_t start(const std::vector<std::string>& args, const fs::path& log) {
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

inline int finish(pid_t pid) {
  int status = -1;
  if (pid <= 0) return status;
  ::waitpid(pid, &status, 0);
  return status;
}

// How many times `text` occurs in the file.
inline int occurrences(const fs::path& file, const std::string& text) {
  std::ifstream in(file);
  const std::string all{std::istreambuf_iterator<char>(in), {}};
  int n = 0;
  for (auto at = all.find(text); at != std::string::npos; at = all.find(text, at + text.size())) ++n;
  return n;
}

inline int run_to_end(const std::vector<std::string>& args, const fs::path& log) {
  const int status = finish(start(args, log));
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct setup {
  std::string name;   // of the test's folder (under the temporary directory)
  std::string store;  // the workers' --store
  int workers = 3;
  int jobs_per_counter = 750;
  int job_ms = 5;       // how long each job works
  int concurrency = 8;  // per worker
  std::chrono::milliseconds disrupt_every = 200ms;
  std::chrono::seconds deadline = 240s;
};

// The workers while the test runs, for the disruption to act on.
class fleet {
 public:
  fleet(const setup& s, fs::path folder)
      : setup_(s), folder_(std::move(folder)), running_(s.workers), logs_(s.workers) {}
  fleet(const fleet&) = delete;
  fleet& operator=(const fleet&) = delete;
  // A failed assertion leaves early: no worker process may outlive the test (nor stay stopped).
  ~fleet() {
    for (pid_t& pid : running_) {
      if (pid <= 0) continue;
      ::kill(pid, SIGKILL);
      finish(pid);
    }
  }

  int size() const { return setup_.workers; }
  // One at random.
  int pick() { return static_cast<int>(random_() % static_cast<unsigned>(setup_.workers)); }
  std::mt19937& random() { return random_; }

  void start_worker(int i) {
    // Each worker process logs to a file of its own: the last ones are stopped only once they
    // have started (a SIGTERM before the program watches for it would end it like a SIGKILL).
    logs_[i] = folder_ / ("worker-" + std::to_string(++started_) + ".log");
    all_logs_.push_back(logs_[i]);
    running_[i] = start({"work", "--store", setup_.store, "--instance", "w" + std::to_string(i), "--lease", "2s",
                         "--concurrency", std::to_string(setup_.concurrency)},
                        logs_[i]);
    ASSERT_GT(running_[i], 0) << "could not start " << CLOCKWORK_JOBS_PROGRAM;
  }
  void kill_and_restart(int i) {
    ::kill(running_[i], SIGKILL);
    finish(running_[i]);
    start_worker(i);
  }
  // Stopped for `how_long` (longer than the lease: the others rescue its jobs while it sleeps),
  // then continued: a GC pause, a VM migration.
  void pause(int i, std::chrono::milliseconds how_long) {
    ::kill(running_[i], SIGSTOP);
    std::this_thread::sleep_for(how_long);  // the pause itself
    ::kill(running_[i], SIGCONT);
  }

  // SIGTERM to each once it has started; every one must stop gracefully.
  void stop_all(std::chrono::steady_clock::time_point deadline) {
    for (const fs::path& its_log : logs_) {
      while (occurrences(its_log, "starting on") == 0) {
        ASSERT_LT(std::chrono::steady_clock::now(), deadline) << its_log << " never started";
        std::this_thread::sleep_for(20ms);  // the polling interval
      }
    }
    for (const pid_t pid : running_) ::kill(pid, SIGTERM);
    for (pid_t& pid : running_) {
      const int status = finish(pid);
      pid = -1;
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a worker did not stop gracefully: " << status;
    }
  }

  // Every worker process's log, in the order they started.
  const std::vector<fs::path>& all_logs() const { return all_logs_; }
  // The logs of the processes running now (or last).
  const std::vector<fs::path>& current_logs() const { return logs_; }

 private:
  const setup& setup_;
  fs::path folder_;
  std::vector<pid_t> running_;
  std::vector<fs::path> logs_;
  std::vector<fs::path> all_logs_;
  int started_ = 0;
  std::mt19937 random_{20260601};
};

// Reads the store, again until the deadline when it does not answer (a test may have stopped
// the server the observer talks to).
template <class Call>
auto observe(real_runtime& rt, std::chrono::steady_clock::time_point deadline, Call call) {
  for (;;) {
    try {
      return rt.block_on(call());
    } catch (const store_unavailable&) {
      if (std::chrono::steady_clock::now() >= deadline) throw;
    }
    std::this_thread::sleep_for(50ms);  // the polling interval while the store is away
  }
}

// Runs the whole test: migrate, enqueue, open the observer, start the workers, `disrupt` every disrupt_every until
// every job has ended, stop, check. `disrupted`, called once the workers have stopped, may check
// their logs and says what the disruptions were (for the figures). A failed run keeps its folder
// (the programs' logs) and says where.
inline void run(const setup& s, const std::function<job_store&()>& open_observer, real_runtime& rt,
                const std::function<void(fleet&)>& disrupt, const std::function<std::string(const fleet&)>& disrupted) {
  const fs::path folder = fs::temp_directory_path() / ("clockwork-jobs-" + s.name + "-" + std::to_string(::getpid()));
  fs::create_directories(folder);
  const fs::path log = folder / "programs.log";
  const auto began = std::chrono::steady_clock::now();
  const auto deadline = began + s.deadline;

  ASSERT_EQ(run_to_end({"migrate", "--store", s.store}, log), 0) << "see " << log;
  for (const std::string& counter : counters) {
    ASSERT_EQ(run_to_end({"enqueue", "--store", s.store, "example.fenced_increment", "--payload",
                          R"({"counter": ")" + counter + R"(", "ms": )" + std::to_string(s.job_ms) + "}", "--count",
                          std::to_string(s.jobs_per_counter)},
                         log),
              0)
        << "see " << log;
  }
  const auto jobs = static_cast<std::uint64_t>(s.jobs_per_counter) * counters.size();
  job_store& observer = open_observer();

  fleet workers{s, folder};
  for (int i = 0; i < s.workers; ++i) {
    workers.start_worker(i);
    if (::testing::Test::HasFatalFailure()) return;
  }

  store_stats st;
  for (;;) {
    st = observe(rt, deadline, [&] { return observer.stats(); });
    if (st.count(job_state::succeeded) + st.count(job_state::failed) + st.count(job_state::cancelled) == jobs) break;
    ASSERT_LT(std::chrono::steady_clock::now(), deadline)
        << "not done in time: " << st.count(job_state::succeeded) << " of " << jobs << " succeeded; logs in " << folder;
    std::this_thread::sleep_for(s.disrupt_every);  // pacing the disruptions, not waiting for anything
    disrupt(workers);
    if (::testing::Test::HasFatalFailure()) return;
  }
  workers.stop_all(deadline);
  if (::testing::Test::HasFatalFailure()) return;
  const std::string what_happened = disrupted(workers);
  const auto wall = std::chrono::steady_clock::now() - began;

  st = observe(rt, deadline, [&] { return observer.stats(); });
  EXPECT_EQ(st.count(job_state::succeeded), jobs) << "every job succeeded";
  EXPECT_EQ(st.count(job_state::failed), 0u);
  EXPECT_EQ(st.succeeded, jobs) << "each completion applied once";
  std::int64_t total = 0;
  for (const std::string& counter : counters) {
    EXPECT_EQ(st.counters[counter], s.jobs_per_counter) << "counter " << counter << ": each job's effect exactly once";
    total += st.counters[counter];
  }
  EXPECT_EQ(total, static_cast<std::int64_t>(jobs));
  // Per job: one success in its history, at its last epoch.
  job_query all;
  all.page_size = static_cast<std::size_t>(jobs);
  const auto page = observe(rt, deadline, [&] { return observer.list(all); });
  ASSERT_EQ(page.jobs.size(), jobs);
  int twice = 0;
  int refusals_shown = 0;
  for (const auto& j : page.jobs) {
    int successes = 0;
    for (const auto& e : observe(rt, deadline, [&] { return observer.history(j.id); })) {
      if (e.event == job_event::lease_lost && refusals_shown++ < 3) {
        std::printf("jobs_kill: job %lld: a stale write refused (by %s): %s\n", static_cast<long long>(j.id),
                    e.instance.c_str(), e.detail.c_str());
      }
      if (e.event == job_event::succeeded) {
        ++successes;
        EXPECT_EQ(e.epoch, j.epoch) << "job " << j.id;
      }
    }
    if (successes != 1) ++twice;
  }
  EXPECT_EQ(twice, 0) << "jobs without exactly one success";

  std::printf(
      "jobs_kill: %llu jobs, %d workers × %d, on %s: %s; %llu rescued, %llu lease_lost refusals, %llu claims, wall "
      "time %.1f s\n",
      static_cast<unsigned long long>(jobs), s.workers, s.concurrency, s.store.c_str(), what_happened.c_str(),
      static_cast<unsigned long long>(st.rescued), static_cast<unsigned long long>(st.lease_lost),
      static_cast<unsigned long long>(st.claimed), std::chrono::duration<double>(wall).count());
  if (!::testing::Test::HasFailure()) {
    std::error_code ec;
    fs::remove_all(folder, ec);
  } else {
    std::printf("jobs_kill: the store's logs and the programs' are kept in %s\n", folder.c_str());
  }
}

}  // namespace clockwork::jobs::kill_test
