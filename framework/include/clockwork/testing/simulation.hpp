// clockwork::testing::simulation — one object that owns a virtual_runtime, a host built on it,
// a trace of everything that happens and a capture of every log record: the harness that owns
// time, in the spirit of a task environment.
//
// Build the services through builder() (the same registrations production uses), start(),
// move time (run_for, advance_by, step, run_until), script the world (request_stop_at,
// jump_wall_clock_at, set_local_zone_at), stop(), then assert on trace(), logs(), findings()
// and result(). Every exact instant is reproducible: same inputs, byte-identical trace.
//
// Example — the DailyLog service, production and test side by side:
//
//   // production (main): real_runtime rt; host_builder b{rt}; add_daily_log(b, ...);
//   //                    return rt.block_on(b.build().run()).exit_code;
//   TEST(DailyLog, CreatesAWeekAhead) {
//     clockwork::testing::simulation sim;
//     add_daily_log(sim.builder(), store);
//     sim.start();
//     sim.request_stop_at(sim.start_time() + std::chrono::days(30));
//     sim.run_until_stopped();
//     EXPECT_TRUE(sim.result().ok());
//     EXPECT_THAT(sim.trace().records(), clockwork::testing::has_record("service_faulted").Times(0)...);
//   }
//   // or, with the fixture (simulation_test.hpp): TEST_F(simulation_test, ...) { sim.start(); ... }
//
// Contract:
//   - Nothing runs until start() (or run_until_stopped/run, which start if needed).
//   - Scripted events (request_stop_at, jump_wall_clock_at, ...) are timers armed when called;
//     at an instant they share with service timers they run in arm order (runtime rules).
//   - Two simulations share nothing and may run side by side in one test.
//   - Thread safety: none; drive a simulation from one thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clockwork/detectors/drift_detector.hpp"
#include "clockwork/detectors/jobs_detector.hpp"
#include "clockwork/detectors/schedule_detector.hpp"
#include "clockwork/diagnostics/observer_fanout.hpp"
#include "clockwork/diagnostics/trace.hpp"
#include "clockwork/hosting/host.hpp"
#include "clockwork/hosting/host_builder.hpp"
#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/testing/log_capture.hpp"

namespace clockwork::testing {

struct scripted_event;

struct simulation_options {
  virtual_runtime_options runtime;
  trace_options trace;
  drift_detector_options drift;
  jobs_detector_options jobs;
  host_options host;
  // Log records go to the capture (and to the trace as "log" records) from this level up.
  spdlog::level::level_enum log_level = spdlog::level::debug;
  bool trace_logs = true;
};

class simulation {
 public:
  simulation() : simulation(simulation_options{}) {}
  explicit simulation(const simulation_options& options);
  simulation(const simulation&) = delete;
  simulation& operator=(const simulation&) = delete;
  ~simulation();

  // --- set-up (before start) ---
  // Throws std::logic_error once the host has been built (by start or app()).
  host_builder& builder();
  service_collection& services() { return builder().services(); }

  // --- the host ---
  // Builds the host on first use.
  host& app();
  // Whether the host was built (a failed build leaves it unbuilt).
  bool built() const noexcept { return host_.has_value(); }
  // Starts the host (block_on: runs until start completes, auto-advancing time).
  void start();
  // Stops the host; returns when stop has completed (auto-advancing time).
  void stop();
  // start() if needed, then runs until the application stops (stop_application, a fault under
  // stop_host, or a scripted request_stop_at) and the host has stopped. Throws
  // deadlock_error when nothing could ever stop it. Returns the result.
  host_result run_until_stopped(std::optional<std::chrono::nanoseconds> limit = std::nullopt);
  host_result result() { return app().result(); }

  // --- time ---
  std::size_t run_for(std::chrono::nanoseconds d) { return rt_.run_for(d); }
  std::size_t advance_by(std::chrono::nanoseconds d) { return rt_.advance_by(d); }
  std::size_t run_until_idle() { return rt_.run_until_idle(); }
  bool step() { return rt_.step(); }
  bool run_until(const std::function<bool()>& done, std::optional<std::chrono::nanoseconds> limit = std::nullopt) {
    return rt_.run_until(done, limit);
  }
  steady_time now() const { return rt_.now(); }
  steady_time start_time() const { return rt_.start_time(); }
  std::chrono::nanoseconds elapsed() const { return rt_.elapsed(); }

  // --- scripted events (armed now, fire at t) ---
  void request_stop_at(steady_time t);
  void jump_wall_clock_at(steady_time t, std::chrono::nanoseconds d);
  void set_utc_at(steady_time t, utc_time utc);
  void set_drift_at(steady_time t, double ppm);
  void set_local_zone_at(steady_time t, std::string zone);
  // Runs fn at t, on the loop. fn may touch the host, the world, anything the test owns.
  void at(steady_time t, std::string name, std::function<void()> fn);

  // --- immediate world changes ---
  void jump_wall_clock(std::chrono::nanoseconds d) { rt_.jump_wall_clock(d); }
  void set_utc(utc_time t) { rt_.set_utc(t); }
  void set_drift(double ppm) { rt_.set_drift(ppm); }
  void set_local_zone(std::string_view zone) { rt_.set_local_zone(zone); }

  // --- detectors (installed with the trace; see detectors/) ---
  // Declares what a service should do, checked in wall time by check_schedules() (and by
  // stop() / run_until_stopped()): missed_run and duplicate_run findings.
  void expect_runs(std::string service, run_schedule schedule) {
    schedules_->expect(std::move(service), std::move(schedule));
  }
  void check_schedules() { schedules_->finish(); }
  // Durable jobs (the jobs module's stores report to the trace): duplicate_effect findings as they
  // happen, lost_job ones here (and by stop() / run_until_stopped()).
  void check_jobs() { jobs_->finish(); }
  jobs_detector& jobs() noexcept { return *jobs_; }
  schedule_detector& schedules() noexcept { return *schedules_; }
  drift_detector& drift() noexcept { return *drift_; }
  // Adds an observer of your own (a detector) beside the trace and the built-in detectors.
  void add_observer(runtime_observer& observer) { fanout_.add(observer); }

  // --- what happened ---
  virtual_runtime& rt() noexcept { return rt_; }
  clockwork::trace& trace() noexcept { return *trace_; }
  log_capture& logs() noexcept { return *logs_; }
  const std::vector<finding>& findings() const noexcept { return rt_.findings(); }
  std::vector<finding> findings(finding_kind kind) const;
  // The trace as deterministic text (origin: the simulation's start).
  std::string trace_text() const;
  // A readable account: host result, findings, counts of trace records by kind.
  std::string report() const;

 private:
  // Declared so that teardown is safe in any state (members go in reverse order): scripted
  // events first (each disarms its timer while the runtime exists), then the host, the
  // builder and the runtime (whose destruction unwinds every coroutine — services may log
  // from their destructors then), and last the log capture and the trace those logs reach.
  std::unique_ptr<clockwork::trace> trace_;
  std::shared_ptr<log_capture> logs_;
  observer_fanout fanout_;
  virtual_runtime rt_;
  std::unique_ptr<drift_detector> drift_;
  std::unique_ptr<schedule_detector> schedules_;
  std::unique_ptr<jobs_detector> jobs_;
  std::optional<host_builder> builder_;
  std::optional<host> host_;
  std::vector<std::unique_ptr<scripted_event>> events_;
};

}  // namespace clockwork::testing
