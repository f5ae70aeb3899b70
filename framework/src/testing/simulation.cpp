#include "clockwork/testing/simulation.hpp"

#include <map>
#include <stdexcept>

#include "clockwork/diagnostics/trace_format.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork::testing {

// A timer that runs a scripted action when it fires. Owned by the simulation; destroying one
// that has not fired yet takes it out of the runtime's timer heap.
struct scripted_event final : clockwork::detail::timer_node {
  scripted_event(runtime& rt, steady_time when, std::string what, std::function<void()> fn)
      : timer_node(&scripted_event::fire_event), rt_(&rt), name(std::move(what)), action(std::move(fn)) {
    deadline = when;
    rt.arm(*this);
  }
  scripted_event(const scripted_event&) = delete;
  scripted_event& operator=(const scripted_event&) = delete;
  ~scripted_event() {
    if (in_heap()) rt_->disarm(*this);
  }
  static void fire_event(timer_node& node) {
    auto& self = static_cast<scripted_event&>(node);
    self.action();
  }
  runtime* rt_;
  std::string name;
  std::function<void()> action;
};

simulation::simulation(const simulation_options& options)
    : logs_(std::make_shared<log_capture>()), rt_(options.runtime) {
  trace_ = std::make_unique<clockwork::trace>(rt_.clock(), options.trace);
  drift_ = std::make_unique<drift_detector>(rt_, options.drift);
  schedules_ = std::make_unique<schedule_detector>(rt_);
  jobs_ = std::make_unique<jobs_detector>(rt_, options.jobs);
  fanout_.add(*trace_);
  fanout_.add(*drift_);
  fanout_.add(*schedules_);
  fanout_.add(*jobs_);
  rt_.set_observer(&fanout_);
  logs_->set_level(options.log_level);
  builder_.emplace(rt_);
  builder_->configure(options.host);
  builder_->add_log_sink(logs_);
  builder_->set_log_level(options.log_level);
  if (options.trace_logs) {
    auto sink = make_trace_sink(*trace_);
    sink->set_level(options.log_level);
    builder_->add_log_sink(std::move(sink));
  }
}

simulation::~simulation() {
  // Teardown is not part of the run: the runtime's task records while it unwinds what is still
  // suspended would only add noise after the last assertion. Log records still reach the trace.
  rt_.set_observer(nullptr);
}

host_builder& simulation::builder() {
  if (host_) throw std::logic_error("clockwork::testing::simulation: the host is already built; set up services first");
  return *builder_;
}

host& simulation::app() {
  if (!host_) host_.emplace(builder_->build());
  return *host_;
}

void simulation::start() {
  rt_.block_on(app().start());
}

void simulation::stop() {
  rt_.block_on(app().stop());
  schedules_->finish();
  jobs_->finish();
}

host_result simulation::run_until_stopped(std::optional<std::chrono::nanoseconds> limit) {
  host& h = app();
  if (!h.lifetime().started().stop_requested() && !h.lifetime().stop_requested()) start();
  const bool stopping = rt_.run_until([&h] { return h.lifetime().stop_requested(); }, limit);
  if (!stopping) h.lifetime().stop_application();
  stop();
  return h.result();
}

void simulation::at(steady_time t, std::string name, std::function<void()> fn) {
  if (t < rt_.now()) {
    throw std::invalid_argument("clockwork::testing::simulation: cannot schedule '" + name + "' at " +
                                format_offset(t, rt_.start_time()) + ", which is in the past");
  }
  events_.push_back(std::make_unique<scripted_event>(rt_, t, std::move(name), std::move(fn)));
}

void simulation::request_stop_at(steady_time t) {
  at(t, "request stop", [this] {
    trace_->record(trace_kind::stop_requested, "simulation");
    app().lifetime().stop_application();
  });
}

void simulation::jump_wall_clock_at(steady_time t, std::chrono::nanoseconds d) {
  at(t, "jump wall clock", [this, d] { rt_.jump_wall_clock(d); });
}

void simulation::set_utc_at(steady_time t, utc_time utc) {
  at(t, "set utc", [this, utc] { rt_.set_utc(utc); });
}

void simulation::set_drift_at(steady_time t, double ppm) {
  at(t, "set drift", [this, ppm] { rt_.set_drift(ppm); });
}

void simulation::set_local_zone_at(steady_time t, std::string zone) {
  find_zone(zone);  // refuse an unknown zone now, not when the event fires
  at(t, "set zone", [this, zone = std::move(zone)] { rt_.set_local_zone(zone); });
}

std::vector<finding> simulation::findings(finding_kind kind) const {
  std::vector<finding> out;
  for (const auto& f : rt_.findings()) {
    if (f.kind == kind) out.push_back(f);
  }
  return out;
}

std::string simulation::trace_text() const {
  return to_text(*trace_, rt_.start_time());
}

std::string simulation::report() const {
  std::string out =
      "simulated " + format_duration(rt_.elapsed()) + ", " + std::to_string(trace_->size()) + " trace records\n";
  if (host_) out += "host result: " + host_->result().summary() + "\n";
  out += "findings: " + std::to_string(rt_.findings().size()) + "\n";
  for (const auto& f : rt_.findings()) {
    out += "  " + format_offset(f.at, rt_.start_time()) + " [" + std::string(to_string(f.kind)) + "] " + f.source +
           ": " + f.message + "\n";
  }
  std::map<std::string, std::size_t> by_kind;
  for (const auto& r : trace_->records()) ++by_kind[r.kind];
  out += "trace records by kind:\n";
  for (const auto& [kind, n] : by_kind) out += "  " + kind + ": " + std::to_string(n) + "\n";
  return out;
}

}  // namespace clockwork::testing
