// clockwork-replay's demos: the DailyLog service over a month (or longer, bigger, on the real
// host), and the month demo (a heartbeat and a midnight job). See replay.hpp.
//
//   clockwork-replay --demo daily_log                    the DailyLog demo: 30 days, 100 users,
//                                                        scripted faults, virtual time
//   clockwork-replay --demo daily_log --days 365 --users 1000        longer, bigger
//   clockwork-replay --demo daily_log --real --time-scale 3600000    the same on real_runtime,
//                                                        1 h = 1 ms (an inconclusive run — the
//                                                        machine distorted it past its resolution
//                                                        — exits 77 only with --strict-real)
//   clockwork-replay --demo month                        the month demo (heartbeat + midnight job)
//   clockwork-replay --demo daily_log --trace out/daily_log.txt      the trace as text there (its
//                                                        folder made when missing), JSON lines
//                                                        beside it
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <type_traits>

#include "../commands/exit_codes.hpp"
#include "../commands/output_files.hpp"
#include "replay.hpp"

#include "clockwork/diagnostics/trace.hpp"
#include "clockwork/diagnostics/trace_format.hpp"
#include "clockwork/runtime/real_runtime.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/scenarios/daily_log/daily_log_demo.hpp"
#include "clockwork/scenarios/month_demo.hpp"
#include "clockwork/time/clock.hpp"
#include "clockwork/time/duration.hpp"
#include "clockwork/time/time_format.hpp"
#include "clockwork/time/virtual_clock.hpp"

namespace clockwork::replay {
namespace {

namespace sc = clockwork::scenarios;

// What the DailyLog verdict can tolerate of a real run's distortion: its runs are hours apart.
constexpr std::chrono::nanoseconds real_resolution = std::chrono::hours(1);

double milliseconds(std::chrono::nanoseconds d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

}  // namespace

int run_month(int days) {
  // The program (not the library) measures its own real run time, through the real clock.
  const clockwork::real_clock wall;
  const auto started = wall.steady_now();
  clockwork::virtual_runtime rt;
  const auto summary = sc::run_month_demo(rt, std::chrono::days(days));
  const auto took = wall.steady_now() - started;

  std::printf("clockwork month demo: %d simulated days in virtual time\n\n", days);
  std::printf("  heartbeat (periodic_timer, every 15 min): %llu ticks, %llu missed\n",
              static_cast<unsigned long long>(summary.heartbeats),
              static_cast<unsigned long long>(summary.missed_heartbeats));
  std::printf("  midnight job (delay until next UTC midnight): %zu runs\n", summary.midnight_runs.size());
  for (std::size_t i = 0; i < summary.midnight_runs.size(); ++i) {
    if (i < 3 || i + 2 >= summary.midnight_runs.size()) {
      std::printf("    run %2zu at %s\n", i + 1, clockwork::format_utc(summary.midnight_runs[i]).c_str());
    } else if (i == 3) {
      std::printf("    ...\n");
    }
  }
  std::printf("\n  timers fired: %llu\n", static_cast<unsigned long long>(summary.timers_fired));
  std::printf("  simulated:    %s\n", clockwork::format_duration(summary.simulated).c_str());
  std::printf("  real time:    %.3f ms\n", milliseconds(took));
  const bool ok = summary.midnight_runs.size() == static_cast<std::size_t>(days) &&
                  summary.heartbeats == static_cast<std::uint64_t>(days) * 96;
  return ok ? 0 : 1;
}

std::filesystem::path default_trace_path() {
  return std::filesystem::temp_directory_path() / "clockwork-replay-daily_log.trace.txt";
}

namespace {

// The JSON lines file sits beside the text file: same name, extension .jsonl.
std::filesystem::path json_path_for(const std::filesystem::path& text) {
  std::filesystem::path json = text;
  json.replace_extension(".jsonl");
  return json;
}

void print_daily_log(const daily_log_args& args, const sc::daily_log_options& service,
                     const sc::daily_log_demo_report& r, const clockwork::trace& tr, std::chrono::nanoseconds real_took,
                     const std::string& runtime_name) {
  std::printf("clockwork-replay: DailyLog maintenance (the patterns document's section 3), %d simulated days on %s\n\n",
              args.days, runtime_name.c_str());
  std::printf("  users             %u (%u active, %u inactive)\n", r.users, r.active_users, r.users - r.active_users);
  std::printf("  schedule          first run after %s, then %s after each run, %d days ahead\n",
              clockwork::format_duration(service.startup_delay).c_str(),
              clockwork::format_duration(service.check_interval).c_str(), service.days_to_create);
  const auto recovered = r.stats.failed - r.stats.consecutive_failures;
  std::printf("  runs              %llu: %llu succeeded, %llu failed (%llu recovered by a later run)\n",
              static_cast<unsigned long long>(r.stats.runs), static_cast<unsigned long long>(r.stats.succeeded),
              static_cast<unsigned long long>(r.stats.failed), static_cast<unsigned long long>(recovered));
  std::printf("  logs created      %llu", static_cast<unsigned long long>(r.stats.logs_created));
  if (r.stats.first_today && r.stats.last_today) {
    std::printf(", covering %s .. %s", sc::to_string(*r.stats.first_today).c_str(),
                sc::to_string(sc::add_days(*r.stats.last_today, service.days_to_create - 1)).c_str());
  }
  std::printf("\n");
  std::printf("  repository calls  %llu (get_all_active %llu, exists %llu, add %llu, commit %llu)\n",
              static_cast<unsigned long long>(r.repository_calls),
              static_cast<unsigned long long>(r.get_all_active_calls), static_cast<unsigned long long>(r.exists_calls),
              static_cast<unsigned long long>(r.add_calls), static_cast<unsigned long long>(r.commit_calls));

  std::size_t thrown = 0;
  for (const auto& f : r.faults) thrown += f.effect == clockwork::fakes::fault_effect::thrown ? 1 : 0;
  std::printf("  faults injected   %zu (failures: %zu, latency: %zu)%s\n", r.faults.size(), thrown,
              r.faults.size() - thrown, r.faults.empty() ? "" : ":");
  for (const auto& rec : tr.records()) {
    if (rec.kind != clockwork::trace_kind::fault_injected) continue;
    const auto field = [&rec](std::string_view key) {
      const std::string* v = rec.field(key);
      return v != nullptr ? *v : std::string();
    };
    const std::string what = field("operation") + " #" + field("call");
    const std::string effect = field("effect") == "latency" ? "+" + field("latency") : "throw";
    std::printf("    %s  %-20s %-14s %s\n", clockwork::format_utc(rec.utc).c_str(), what.c_str(), effect.c_str(),
                field("description").c_str());
  }
  std::printf(
      "  units of work     %llu begun: %llu committed, %llu rolled back with staged writes, %llu left uncommitted by "
      "mistake\n",
      static_cast<unsigned long long>(r.units_begun), static_cast<unsigned long long>(r.units_committed),
      static_cast<unsigned long long>(r.units_rolled_back), static_cast<unsigned long long>(r.units_forgotten));
  std::printf("  consistency       %s\n",
              r.consistency_checked ? r.consistency.summary().c_str() : "not checked: no run succeeded");
  if (r.findings.empty()) {
    std::printf("  findings          none\n");
  } else {
    std::printf("  findings          %zu\n", r.findings.size());
    for (const auto& f : r.findings) {
      std::printf("    %s [%s] %s: %s\n", clockwork::format_utc(f.utc).c_str(),
                  std::string(clockwork::to_string(f.kind)).c_str(), f.source.c_str(), f.message.c_str());
    }
  }
  std::printf("  host              %s (exit code %d); stopped %s after the stop request\n",
              r.result.ok() ? "ok" : r.result.summary().c_str(), r.result.exit_code,
              clockwork::format_duration(r.stop_took).c_str());
  std::printf("  simulated time    %s\n", clockwork::format_duration(r.simulated).c_str());
  std::printf("  real time         %.1f ms\n", milliseconds(real_took));
}

// The trace's two files: the text file and, beside it, the JSON lines.
struct trace_files {
  std::filesystem::path text;
  std::filesystem::path json;
};

// Checks --trace with the other options, then makes its folder and files (output_files.hpp).
trace_files prepare_trace_files(const daily_log_args& args) {
  const std::filesystem::path text =
      args.trace_path.empty() ? default_trace_path() : std::filesystem::path(args.trace_path);
  if (text.extension() == ".jsonl") {
    throw std::invalid_argument("--trace " + text.string() +
                                ": give the text file's path; the JSON lines file is written beside it as .jsonl");
  }
  trace_files files{text, json_path_for(text)};
  commands::output_files outputs{"clockwork-replay"};
  outputs.add_file("--trace", files.text);
  outputs.add_file("--trace", files.json);
  outputs.create();
  return files;
}

// Runs the demo on rt, prints the summary and writes the trace while rt (whose clock the trace
// reads) is still alive.
template <class Runtime>
int replay_daily_log(Runtime& rt, const daily_log_args& args, const sc::daily_log_demo_options& options,
                     const std::string& runtime_name, clockwork::steady_time started, const trace_files& files) {
  clockwork::trace tr{rt.clock()};
  const sc::daily_log_demo_report report = sc::run_daily_log_demo(rt, tr, options);
  const auto took = clockwork::real_clock{}.steady_now() - started;

  print_daily_log(args, options.service, report, tr, took, runtime_name);
  clockwork::write_text(tr, files.text);
  clockwork::write_json_lines(tr, files.json);
  std::printf("  trace             %zu records\n                    %s\n                    %s\n", tr.size(),
              files.text.string().c_str(), files.json.string().c_str());
  if constexpr (std::is_same_v<Runtime, clockwork::real_runtime>) {
    // On the real loop the machine takes part: a run it delayed or slowed by more than the
    // scenario's resolution proves nothing either way.
    const auto distortion = rt.stats().distortion();
    std::printf("  distortion        %s of simulated time (resolution %s)\n",
                clockwork::format_duration(distortion).c_str(), clockwork::format_duration(real_resolution).c_str());
    if (distortion > real_resolution) {
      std::printf("\nresult: inconclusive (the machine distorted the run by more than its resolution)%s\n",
                  args.strict_real ? "" : "; the exit code does not count it unless --strict-real");
      return commands::exit_code_for(report.ok() ? 0 : 1, 1, args.strict_real);
    }
  }
  std::printf("\n%s\n", report.ok() ? "result: ok" : "result: FAILED");
  return commands::exit_code_for(report.ok() ? 0 : 1, 0, args.strict_real);
}

}  // namespace

int run_daily_log(const daily_log_args& args) {
  // The trace's folder and files after every option was checked (main.cpp), before the run.
  const trace_files files = prepare_trace_files(args);
  sc::daily_log_demo_options options;
  options.length = std::chrono::days(args.days);
  options.users = args.users;
  options.inactive_every = args.inactive_every;
  options.inject_faults = !args.no_faults;

  // The program (not the library) measures its own real run time, through the real clock.
  const auto started = clockwork::real_clock{}.steady_now();
  if (args.real) {
    clockwork::real_runtime_options scaled;
    scaled.time_scale = args.time_scale;
    scaled.start_utc = clockwork::virtual_clock_options{}.start_utc;  // the same dates as in virtual time
    scaled.local_zone = "UTC";
    // The host's budgets are in simulated time, where a real millisecond is now an hour:
    // give shutdown and start-up one real second and 50 real milliseconds, as unscaled.
    // Saturated: the conversion of a huge double to int64 is undefined behaviour.
    const auto real_seconds = [&args](double s) {
      const double ns = s * args.time_scale * 1e9;
      if (!(ns < 9.2e18)) return clockwork::infinite;
      return std::chrono::nanoseconds{static_cast<std::int64_t>(ns)};
    };
    options.host.shutdown_timeout =
        std::max<std::chrono::nanoseconds>(options.host.shutdown_timeout, real_seconds(1.0));
    options.host.startup_block_budget =
        std::max<std::chrono::nanoseconds>(options.host.startup_block_budget, real_seconds(0.05));
    clockwork::real_runtime rt{scaled};
    char name[128];
    std::snprintf(name, sizeof name, "real_runtime (time scale %.0f: 1 simulated hour = %.3f ms of real time)",
                  args.time_scale, 3'600'000.0 / args.time_scale);
    return replay_daily_log(rt, args, options, name, started, files);
  }
  clockwork::virtual_runtime rt;
  return replay_daily_log(rt, args, options, "virtual time", started, files);
}

}  // namespace clockwork::replay
