// Shared plumbing for clockwork's benchmark programs: smoke mode, the min/max statistics that
// the report quotes as spread, percentiles, sample dumps for the charts, and the few OS reads
// (RSS, CPU time, timer slack) the measurements need.
//
// Nothing here is measured itself. Every contender of a comparison uses the same helpers, so
// none of them pays for plumbing the others do not.
#pragma once

#include <benchmark/benchmark.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace clockwork_bench {

using nanos = std::chrono::nanoseconds;

// Smoke mode: tiny sizes, one quick pass; only proves that a program runs (ctest label
// bench-smoke). Turned on by --smoke on the command line or CLOCKWORK_BENCH_SMOKE=1.
inline bool& smoke_flag() {
  static bool on = [] {
    const char* env = std::getenv("CLOCKWORK_BENCH_SMOKE");
    return env != nullptr && *env != '\0' && std::string_view(env) != "0";
  }();
  return on;
}
inline bool smoke() {
  return smoke_flag();
}

// Where raw samples go for the report's charts (CLOCKWORK_BENCH_DUMP_DIR); none when unset.
inline std::optional<std::filesystem::path> dump_dir() {
  const char* env = std::getenv("CLOCKWORK_BENCH_DUMP_DIR");
  if (env == nullptr || *env == '\0') return std::nullopt;
  std::filesystem::path dir{env};
  std::filesystem::create_directories(dir);
  return dir;
}

// Appends one line per value to <dump dir>/<file>; every repetition adds its samples, so the
// charts show the pooled distribution of all repetitions.
template <class Range>
void dump_values(const std::string& file, const Range& values) {
  const auto dir = dump_dir();
  if (!dir) return;
  std::ofstream out(*dir / file, std::ios::app);
  for (const auto& v : values) out << v << '\n';
}

// min and max across repetitions, next to Google Benchmark's mean/median/stddev: the report
// quotes the median with the min–max spread.
inline double stat_min(const std::vector<double>& v) {
  return v.empty() ? 0.0 : *std::min_element(v.begin(), v.end());
}
inline double stat_max(const std::vector<double>& v) {
  return v.empty() ? 0.0 : *std::max_element(v.begin(), v.end());
}
inline benchmark::internal::Benchmark* with_spread(benchmark::internal::Benchmark* b) {
  return b->ComputeStatistics("min", stat_min)->ComputeStatistics("max", stat_max);
}

// Nearest-rank percentile of an already sorted sample.
inline double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0.0;
  const double rank = p / 100.0 * static_cast<double>(sorted.size() - 1);
  return sorted[static_cast<std::size_t>(rank + 0.5)];
}

inline std::int64_t mono_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

inline std::int64_t process_cpu_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Busy work: spins on the monotonic clock for d. Every contender of the drift benchmark does
// exactly this, so the work never differs between them (and never sleeps).
inline void busy_for(nanos d) {
  const std::int64_t end = mono_ns() + d.count();
  while (mono_ns() < end) {
  }
}

// Resident set size now, from /proc/self/statm (second field, in pages).
inline std::int64_t rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  long long size_pages = 0;
  long long resident_pages = 0;
  statm >> size_pages >> resident_pages;
  return resident_pages * static_cast<std::int64_t>(::sysconf(_SC_PAGESIZE));
}

// The calling thread's timer slack. The process starts with the kernel default (50 µs);
// benchmarks that change it put it back, so that no contender inherits another's setting.
inline unsigned long timer_slack() {
  return static_cast<unsigned long>(::prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0));
}
inline void set_timer_slack(unsigned long ns) {
  if (::prctl(PR_SET_TIMERSLACK, ns, 0, 0, 0) != 0) throw std::runtime_error("prctl(PR_SET_TIMERSLACK) failed");
}
inline unsigned long initial_timer_slack() {
  static const unsigned long slack = timer_slack();
  return slack;
}
struct default_slack_scope {
  default_slack_scope() { set_timer_slack(initial_timer_slack()); }
  ~default_slack_scope() { set_timer_slack(initial_timer_slack()); }
  default_slack_scope(const default_slack_scope&) = delete;
  default_slack_scope& operator=(const default_slack_scope&) = delete;
};

// The main() of every program: strips --smoke, then hands over to Google Benchmark.
template <class Register>
int run_main(int argc, char** argv, Register register_all) {
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--smoke") == 0) {
      smoke_flag() = true;
    } else {
      args.push_back(argv[i]);
    }
  }
  int count = static_cast<int>(args.size());
  (void)initial_timer_slack();  // remember the default before anything changes it
  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 1;
  benchmark::AddCustomContext("clockwork.smoke", smoke() ? "true" : "false");
  register_all();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace clockwork_bench
