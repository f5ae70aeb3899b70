#include "clockwork/testing/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "clockwork/detectors/drift_detector.hpp"
#include "clockwork/diagnostics/logging.hpp"
#include "clockwork/diagnostics/observer_fanout.hpp"
#include "clockwork/diagnostics/trace_format.hpp"
#include "clockwork/runtime/async_event.hpp"
#include "clockwork/runtime/callback_timer.hpp"
#include "clockwork/runtime/cancellation.hpp"
#include "clockwork/runtime/real_runtime.hpp"
#include "clockwork/testing/simulation.hpp"
#include "clockwork/time/duration.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork::testing {

// ---- scenario_world ------------------------------------------------------------------------------

void scenario_world::request_stop_at(std::chrono::nanoseconds offset) {
  at(offset, "request stop", [this] {
    rt().emit(trace_kind::stop_requested, "scenario");
    app().lifetime().stop_application();
  });
}

std::int64_t scenario_world::count_records(std::string_view kind, std::string_view source) {
  return static_cast<std::int64_t>(trace().count(kind, source));
}

std::int64_t scenario_world::count_records(std::string_view kind) {
  return static_cast<std::int64_t>(trace().count(kind));
}

std::int64_t scenario_world::count_logs(std::string_view text) {
  std::int64_t n = 0;
  for (const auto& record : logs().records()) {
    if (record.message.find(text) != std::string::npos) ++n;
  }
  return n;
}

namespace {

// ---- virtual time -------------------------------------------------------------------------------

class virtual_world final : public scenario_world {
 public:
  explicit virtual_world(simulation& sim) : sim_(&sim) {}
  host_builder& builder() override { return sim_->builder(); }
  runtime& rt() override { return sim_->rt(); }
  host& app() override { return sim_->app(); }
  clockwork::trace& trace() override { return sim_->trace(); }
  log_capture& logs() override { return sim_->logs(); }
  bool real() const noexcept override { return false; }
  void at(std::chrono::nanoseconds offset, std::string name, std::function<void()> fn) override {
    sim_->at(saturating_add(sim_->start_time(), offset), std::move(name), std::move(fn));
  }
  void jump_wall_clock_at(std::chrono::nanoseconds offset, std::chrono::nanoseconds by) override {
    sim_->jump_wall_clock_at(saturating_add(sim_->start_time(), offset), by);
  }
  void set_utc_at(std::chrono::nanoseconds offset, utc_time utc) override {
    sim_->set_utc_at(saturating_add(sim_->start_time(), offset), utc);
  }
  void set_drift_at(std::chrono::nanoseconds offset, double ppm) override {
    sim_->set_drift_at(saturating_add(sim_->start_time(), offset), ppm);
  }
  void set_local_zone_at(std::chrono::nanoseconds offset, std::string zone) override {
    sim_->set_local_zone_at(saturating_add(sim_->start_time(), offset), std::move(zone));
  }
  void expect_runs(std::string service, run_schedule schedule) override {
    sim_->expect_runs(std::move(service), std::move(schedule));
  }

 private:
  simulation* sim_;
};

std::string describe(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception of unknown type";
  }
}

// A hash of what makes each record: the same records, the same hash. It only has to tell two
// runs of one seed apart, within one process, so it mixes eight bytes at a time (an exploration
// hashes every seed's trace) rather than being a stable, documented function.
class record_hasher {
 public:
  void number(std::uint64_t v) noexcept {
    h_ ^= v;
    h_ *= 0x9e3779b97f4a7c15ULL;
    h_ ^= h_ >> 29;
  }
  void bytes(std::string_view s) noexcept {
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, s.data() + i, 8);
      number(word);
    }
    std::uint64_t tail = 0;
    if (i < s.size()) std::memcpy(&tail, s.data() + i, s.size() - i);
    number(tail);
    number(s.size());  // a separator, so that "ab"+"c" differs from "a"+"bc"
  }
  std::uint64_t value() const noexcept { return h_; }

 private:
  std::uint64_t h_ = 1469598103934665603ULL;
};

std::uint64_t hash_of(const clockwork::trace& tr) {
  record_hasher h;
  for (const auto& r : tr.records()) {
    h.number(r.seq);
    h.number(static_cast<std::uint64_t>(r.steady.time_since_epoch().count()));
    h.number(static_cast<std::uint64_t>(r.utc.time_since_epoch().count()));
    h.bytes(r.source);
    h.bytes(r.kind);
    for (const auto& f : r.fields) {
      h.bytes(f.key);
      h.bytes(f.value);
    }
  }
  return h.value();
}

scenario_run run_virtual(const scenario& s, const run_options& options) {
  simulation_options o;
  o.runtime.seed = options.seed;
  o.runtime.shuffle_same_instant = options.seed != 0;
  o.runtime.step_budget = s.step_budget;
  o.runtime.blocking_budget = s.blocking_budget;
  o.runtime.clock.start_utc = s.start_utc;
  o.runtime.clock.zone = s.zone;
  o.host = s.host;
  o.log_level = options.log_level.value_or(s.log_level);
  simulation sim{o};
  virtual_world world{sim};
  std::optional<chaos> faults;
  if (options.chaos) {
    chaos_options c = *options.chaos;
    if (options.chaos_budget) c.budget = *options.chaos_budget;
    faults.emplace(options.seed, c);
    sim.rt().set_chaos(&*faults);
  }
  scenario_run run;
  run.name = s.name;
  run.expected = s.expected;
  const auto span = options.span.value_or(s.span);
  if (faults) {
    // The seed's wall-clock trouble, planned before anything runs.
    const auto plan = faults->plan_clock(span, s.clock_trouble);
    if (plan.step_at) world.jump_wall_clock_at(*plan.step_at, plan.step);
    if (plan.drift_at) world.set_drift_at(*plan.drift_at, plan.drift_ppm);
  }
  try {
    if (s.setup) s.setup(world);
    world.request_stop_at(span);  // the end of the span, unless something stops the host first
    (void)sim.run_until_stopped();
    if (s.drain_after_stop.count() > 0) sim.run_for(s.drain_after_stop);
  } catch (...) {
    // A deadlock or livelock is already a finding; anything else is reported as the run's
    // error. Stop what is left so that the result is complete.
    run.error = describe(std::current_exception());
    if (sim.built()) {
      try {
        sim.app().lifetime().stop_application();
        sim.stop();
      } catch (...) {
        // Stopping a host whose runtime deadlocked may deadlock again: the findings say why.
      }
    }
  }
  sim.check_schedules();
  sim.check_jobs();
  host_result result;
  if (sim.built()) {
    result = sim.result();
  } else {  // the host could not even be built (a captive dependency, a factory that threw)
    result.exit_code = 1;
    result.failures.push_back({"host", failure_kind::start_failed, run.error, sim.now(), nullptr});
  }
  run.actual = verdict_of(sim.findings(), result);
  if (s.count) s.count(world, run.actual);
  if (s.invariant) {
    try {
      run.invariant_failure = s.invariant(world);
    } catch (...) {
      run.invariant_failure = "the invariant threw: " + describe(std::current_exception());
    }
  }
  if (faults) {
    run.injected = faults->injected();
    run.chaos_kinds = faults->enabled_kinds();
  }
  run.trace_hash = hash_of(sim.trace());
  if (options.render_trace) {
    run.trace_text = sim.trace_text();
    run.records = sim.trace().records();
    run.origin = sim.start_time();
  }
  sim.rt().set_chaos(nullptr);
  return run;
}

// ---- the real host ------------------------------------------------------------------------------

drift_detector_options real_drift_options(const scenario& s) {
  drift_detector_options o;
  o.min_deviation = s.resolution.value_or(std::chrono::nanoseconds{0});
  return o;
}

class real_world final : public scenario_world {
 public:
  real_world(const scenario& s, double scale, spdlog::level::level_enum log_level)
      : resolution_(s.resolution.value_or(std::chrono::nanoseconds{0})),
        rt_(make_options(s, scale)),
        trace_(rt_.clock()),
        logs_(std::make_shared<log_capture>()),
        drift_(rt_, real_drift_options(s)),
        schedules_(rt_),
        builder_(rt_) {
    fanout_.add(trace_);
    fanout_.add(drift_);
    fanout_.add(schedules_);
    rt_.set_observer(&fanout_);
    logs_->set_level(log_level);
    builder_.configure(s.host);
    builder_.add_log_sink(logs_);
    builder_.add_log_sink(make_trace_sink(trace_));
    builder_.set_log_level(log_level);
    start_ = rt_.now();
  }
  ~real_world() override {
    events_.clear();
    host_.reset();
    rt_.shutdown();
    rt_.set_observer(nullptr);
    rt_.set_logger(make_null_logger());
  }

  host_builder& builder() override { return builder_; }
  runtime& rt() override { return rt_; }
  real_runtime& real_rt() { return rt_; }
  host& app() override {
    if (!host_) host_.emplace(builder_.build());
    return *host_;
  }
  bool built() const noexcept { return host_.has_value(); }
  clockwork::trace& trace() override { return trace_; }
  log_capture& logs() override { return *logs_; }
  bool real() const noexcept override { return true; }
  void at(std::chrono::nanoseconds offset, std::string name, std::function<void()> fn) override {
    const auto due = saturating_sub(saturating_add(start_, offset), rt_.now());
    events_.push_back(std::make_unique<callback_timer>(rt_, std::move(fn), std::max(due, std::chrono::nanoseconds{0}),
                                                       std::chrono::nanoseconds{0}, std::move(name)));
  }
  [[noreturn]] static void virtual_only(const char* what) {
    throw std::logic_error(std::string("clockwork::testing::scenario_world::") + what +
                           ": wall-clock changes are scripted in virtual time only; declare the scenario virtual-only");
  }
  void jump_wall_clock_at(std::chrono::nanoseconds, std::chrono::nanoseconds) override {
    virtual_only("jump_wall_clock_at");
  }
  void set_utc_at(std::chrono::nanoseconds, utc_time) override { virtual_only("set_utc_at"); }
  void set_drift_at(std::chrono::nanoseconds, double) override { virtual_only("set_drift_at"); }
  void set_local_zone_at(std::chrono::nanoseconds, std::string) override { virtual_only("set_local_zone_at"); }
  void expect_runs(std::string service, run_schedule schedule) override {
    // A run the machine made late by less than half a resolution still counts as on time: the
    // run is inconclusive past that, and the scenario tells nothing closer than a resolution.
    const auto machine_tolerance = resolution_ / 2;
    if (schedule.tolerance < machine_tolerance) schedule = schedule.with_tolerance(machine_tolerance);
    schedules_.expect(std::move(service), std::move(schedule));
  }
  void check_schedules() { schedules_.finish(); }
  steady_time start() const noexcept { return start_; }

 private:
  static real_runtime_options make_options(const scenario& s, double scale) {
    real_runtime_options o;
    o.time_scale = scale;
    o.start_utc = s.start_utc;
    o.local_zone = s.zone;
    o.blocking_budget = s.blocking_budget;
    return o;
  }

  std::chrono::nanoseconds resolution_;
  real_runtime rt_;
  clockwork::trace trace_;
  std::shared_ptr<log_capture> logs_;
  observer_fanout fanout_;
  drift_detector drift_;
  schedule_detector schedules_;
  host_builder builder_;
  std::optional<host> host_;
  std::vector<std::unique_ptr<callback_timer>> events_;
  steady_time start_{};
};

// Runs the host for the span on the real loop. The loop's statistics start after the host has
// started: building and starting it (first allocations, the first log lines) takes a few real
// milliseconds that say nothing about how faithfully the run kept its schedule.
task<> run_host_for(host& app, real_runtime& rt, std::chrono::nanoseconds span) {
  std::stop_source end_of_span;
  const cancel_after guard{rt, end_of_span, span};
  struct forward {
    application_lifetime* lifetime;
    void operator()() const noexcept { lifetime->stop_application(); }
  };
  const std::stop_callback<forward> on_end{end_of_span.get_token(), forward{&app.lifetime()}};
  try {
    co_await app.start();
  } catch (...) {
    // The failure is in the host's result.
  }
  rt.reset_stats();
  if (!app.lifetime().stop_requested()) {
    async_event never{rt, "the end of the span"};
    try {
      auto wait = never.wait(app.lifetime().stopping());
      co_await wait;
    } catch (const operation_canceled&) {
    }
  }
  co_await app.stop();
}

task<> drain(runtime& rt, std::chrono::nanoseconds d) {
  co_await rt.delay(d);
}

scenario_run run_real(const scenario& s, const run_options& options) {
  scenario_run run;
  run.name = s.name;
  run.expected = s.expected;
  run.real = true;
  run.time_scale = options.time_scale ? *options.time_scale : time_scale_for(s, options);
  real_world world{s, run.time_scale, options.log_level.value_or(s.log_level)};
  try {
    if (s.setup) s.setup(world);
    world.real_rt().block_on(run_host_for(world.app(), world.real_rt(), s.span));
    if (s.drain_after_stop.count() > 0) world.real_rt().block_on(drain(world.rt(), s.drain_after_stop));
  } catch (...) {
    run.error = describe(std::current_exception());
  }
  world.check_schedules();
  host_result result;
  if (world.built()) {
    result = world.app().result();
  } else {
    result.exit_code = 1;
    result.failures.push_back({"host", failure_kind::start_failed, run.error, world.rt().now(), nullptr});
  }
  run.actual = verdict_of(world.rt().findings(), result);
  if (s.count) s.count(world, run.actual);
  run.trace_text = to_text(world.trace(), world.start());
  run.records = world.trace().records();
  run.origin = world.start();
  const real_runtime_stats stats = world.real_rt().stats();
  run.distortion = stats.distortion();
  const auto resolution = s.resolution.value_or(std::chrono::nanoseconds{0});
  run.inconclusive = run.distortion > resolution / 2;
  if (!run.inconclusive && run.actual != run.expected && stats.accumulated_distortion() > resolution / 2) {
    // An event that follows a chain of waits — a loop that waits a fixed time after each run, or
    // drift, the sum of every run's late start — is as late as every wait before it added up.
    // No single wait was late enough to distort the run, but together they may have moved an
    // event past the one the verdict depends on (the stop landing before the 7th run instead of
    // inside it): a difference is then the machine's as much as the code's, and proves nothing.
    run.distortion = stats.accumulated_distortion();
    run.inconclusive = true;
  }
  return run;
}

}  // namespace

double time_scale_for(const scenario& s, const run_options& options) {
  if (!s.resolution) return 1.0;
  const double scale =
      static_cast<double>(s.resolution->count()) / static_cast<double>(options.real_resolution.count());
  return std::clamp(scale, 1.0, real_runtime_options::max_time_scale);
}

scenario_run run_scenario(const scenario& s, const run_options& options) {
  if (options.real && (options.chaos || options.span)) {
    throw std::invalid_argument(
        "clockwork::testing::run_scenario: chaos and a span override are for virtual time only");
  }
  if (options.real) {
    if (!s.resolution) {
      throw std::invalid_argument("clockwork::testing::run_scenario: '" + s.name +
                                  "' runs in virtual time only: " + s.virtual_only_reason);
    }
    return run_real(s, options);
  }
  return run_virtual(s, options);
}

std::string scenario_run::report() const {
  std::string out =
      name + (real ? " (real host, time scale " + std::to_string(time_scale) + ")" : " (virtual time)") + ": ";
  if (inconclusive) {
    out += "inconclusive: the machine distorted the run by " + format_duration(distortion) + "\n";
  } else {
    out += matched() ? "as expected\n" : "MISMATCH\n";
  }
  if (!error.empty()) out += "  ended early: " + error + "\n";
  if (!matched()) out += side_by_side(expected, actual);
  return out;
}

}  // namespace clockwork::testing
