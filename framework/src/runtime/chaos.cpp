#include "clockwork/runtime/chaos.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "clockwork/time/parse_duration.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork {
namespace {

double parse_probability(std::string_view name, std::string_view value) {
  double p = 0.0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), p);
  if (error != std::errc{} || end != value.data() + value.size()) {
    throw std::invalid_argument("clockwork::chaos_options: " + std::string(name) + "=" + std::string(value) +
                                " is not a number (expected a probability in [0, 1])");
  }
  return p;
}

}  // namespace

void chaos_options::validate() const {
  const auto probability = [](double p, const char* name) {
    if (!(p >= 0.0 && p <= 1.0)) {
      throw std::invalid_argument(std::string("clockwork::chaos_options: ") + name +
                                  " must be a probability in [0, 1]");
    }
  };
  probability(wait_error, "wait_error");
  probability(wait_slow, "wait_slow");
  probability(operation_error, "operation_error");
  probability(operation_slow, "operation_slow");
  probability(kind_enabled, "kind_enabled");
  probability(clock_step, "clock_step");
  probability(clock_drift, "clock_drift");
  if (max_slowdown.count() < 0 || max_spike.count() < 0) {
    throw std::invalid_argument("clockwork::chaos_options: durations must not be negative");
  }
}

const std::vector<std::string_view>& chaos_options::names() {
  static const std::vector<std::string_view> all{"wait_error",     "wait_slow", "max_slowdown", "operation_error",
                                                 "operation_slow", "max_spike", "kind_enabled", "clock_step",
                                                 "clock_drift",    "budget"};
  return all;
}

void chaos_options::set(std::string_view name, std::string_view value) {
  chaos_options next = *this;
  const auto duration = [&] {
    try {
      return parse_duration(value);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("clockwork::chaos_options: " + std::string(name) + ": " + e.what());
    }
  };
  if (name == "wait_error")
    next.wait_error = parse_probability(name, value);
  else if (name == "wait_slow")
    next.wait_slow = parse_probability(name, value);
  else if (name == "operation_error")
    next.operation_error = parse_probability(name, value);
  else if (name == "operation_slow")
    next.operation_slow = parse_probability(name, value);
  else if (name == "kind_enabled")
    next.kind_enabled = parse_probability(name, value);
  else if (name == "clock_step")
    next.clock_step = parse_probability(name, value);
  else if (name == "clock_drift")
    next.clock_drift = parse_probability(name, value);
  else if (name == "max_slowdown")
    next.max_slowdown = duration();
  else if (name == "max_spike")
    next.max_spike = duration();
  else if (name == "budget") {
    std::uint64_t b = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), b);
    if (error != std::errc{} || end != value.data() + value.size()) {
      throw std::invalid_argument("clockwork::chaos_options: budget=" + std::string(value) +
                                  " is not a whole number of faults");
    }
    next.budget = b;
  } else {
    std::string known;
    for (const auto n : names()) known += (known.empty() ? "" : ", ") + std::string(n);
    throw std::invalid_argument("clockwork::chaos_options: no option named '" + std::string(name) +
                                "' (known: " + known + ")");
  }
  next.validate();
  *this = next;
}

std::string chaos_options::describe(std::string_view name) const {
  const auto seconds = [](std::chrono::nanoseconds d) {
    return d.count() % 1'000'000'000 == 0 ? std::to_string(d.count() / 1'000'000'000) + "s"
                                          : std::to_string(d.count()) + "ns";
  };
  const auto number = [](double p) {
    char buffer[32];
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, p);
    return std::string(buffer, error == std::errc{} ? end : buffer);
  };
  if (name == "wait_error") return number(wait_error);
  if (name == "wait_slow") return number(wait_slow);
  if (name == "operation_error") return number(operation_error);
  if (name == "operation_slow") return number(operation_slow);
  if (name == "kind_enabled") return number(kind_enabled);
  if (name == "clock_step") return number(clock_step);
  if (name == "clock_drift") return number(clock_drift);
  if (name == "max_slowdown") return seconds(max_slowdown);
  if (name == "max_spike") return seconds(max_spike);
  if (name == "budget") return std::to_string(budget);
  throw std::invalid_argument("clockwork::chaos_options: no option named '" + std::string(name) + "'");
}

chaos::chaos(std::uint64_t seed, chaos_options options) : options_(options) {
  options_.validate();
  // One seed spread into independent generator states, one per kind of fault: each state is the
  // first output of a splitmix64 started at (seed, kind).
  for (std::size_t k = 0; k < kinds; ++k) rng_[k].state = generator{seed * kinds + k}();
  // Whether each kind is on is its generator's first draw, so a seed's storm is the same
  // whatever the program asks later and whatever the other kinds' probabilities are.
  const auto decide = [this](kind k, double p) { on_[k] = draw(k, options_.kind_enabled) && p > 0; };
  decide(wait_error, options_.wait_error);
  decide(wait_slow, options_.wait_slow);
  decide(operation_error, options_.operation_error);
  decide(operation_slow, options_.operation_slow);
  on_[clock_step] = draw(clock_step, options_.clock_step);
  on_[clock_drift] = draw(clock_drift, options_.clock_drift);
  // p * 2^53 is exact in a double (p is in [0, 1]), and so is its ceiling, at most 2^53.
  const auto below = [](double p) { return static_cast<std::uint64_t>(std::ceil(std::ldexp(p, 53))); };
  below_[wait_error] = below(options_.wait_error);
  below_[wait_slow] = below(options_.wait_slow);
  below_[operation_error] = below(options_.operation_error);
  below_[operation_slow] = below(options_.operation_slow);
}

std::uint64_t chaos::draw_below(kind k, std::uint64_t bound) {
  return bound == 0 ? 0 : rng_[k]() % bound;
}

std::chrono::nanoseconds chaos::draw_duration(kind k, std::chrono::nanoseconds max) {
  if (max.count() <= 0) return std::chrono::nanoseconds{0};
  return std::chrono::nanoseconds{static_cast<std::int64_t>(draw_below(k, static_cast<std::uint64_t>(max.count()))) +
                                  1};
}

bool chaos::spend(std::string_view site, std::string what) {
  if (injected_.size() >= options_.budget) return false;
  injected_.push_back({injected_.size() + 1, std::string(site), std::move(what)});
  return true;
}

chaos::wait_fault chaos::at_wait(std::string_view site) {
  wait_fault out;
  if (on_[wait_error] && draw_own(wait_error) && spend(site, "delay failed")) {
    out.fail = true;
    return out;
  }
  if (on_[wait_slow] && draw_own(wait_slow)) {
    const auto extra = draw_duration(wait_slow, options_.max_slowdown);
    if (spend(site, "delay +" + format_duration(extra))) out.extra = extra;
  }
  return out;
}

std::chrono::nanoseconds chaos::slow_operation(std::string_view site) {
  const auto extra = draw_duration(operation_slow, options_.max_spike);
  return spend(site, "operation +" + format_duration(extra)) ? extra : std::chrono::nanoseconds{0};
}

bool chaos::fail_operation(std::string_view site) {
  return spend(site, "operation failed");
}

chaos::clock_plan chaos::plan_clock(std::chrono::nanoseconds span, const clock_trouble_limits& limits) {
  clock_plan plan;
  // A scenario that declares no limits gets no trouble of that kind, and says so.
  if (limits.max_step.count() <= 0) on_[clock_step] = false;
  if (limits.max_drift_ppm <= 0) on_[clock_drift] = false;
  const auto span_ns = static_cast<std::uint64_t>(std::max<std::int64_t>(span.count(), 0));
  if (on_[clock_step]) {
    const auto at = std::chrono::nanoseconds{static_cast<std::int64_t>(draw_below(clock_step, span_ns))};
    auto by = draw_duration(clock_step, limits.max_step);
    if (draw_below(clock_step, 2) == 0) by = -by;
    if (spend("wall clock", "step " + std::string(by.count() < 0 ? "-" : "+") +
                                format_duration(by.count() < 0 ? -by : by) + " at +" + format_duration(at))) {
      plan.step_at = at;
      plan.step = by;
    }
  }
  if (on_[clock_drift]) {
    const auto at = std::chrono::nanoseconds{static_cast<std::int64_t>(draw_below(clock_drift, span_ns))};
    // Whole hundredths of a ppm: a value that renders the same everywhere.
    const auto hundredths = static_cast<std::int64_t>(std::floor(limits.max_drift_ppm * 100.0));
    auto ppm = static_cast<double>(
                   static_cast<std::int64_t>(draw_below(clock_drift, static_cast<std::uint64_t>(hundredths))) + 1) /
               100.0;
    if (draw_below(clock_drift, 2) == 0) ppm = -ppm;
    char rendered[32];
    std::snprintf(rendered, sizeof rendered, "%+.2f", ppm);
    if (hundredths > 0 && spend("wall clock", "drift " + std::string(rendered) + " ppm from +" + format_duration(at))) {
      plan.drift_at = at;
      plan.drift_ppm = ppm;
    }
  }
  return plan;
}

std::string chaos::enabled_kinds() const {
  std::string out;
  const auto add = [&out](bool on, const char* name) {
    if (on) out += (out.empty() ? "" : " ") + std::string(name);
  };
  add(on_[wait_error], "wait_error");
  add(on_[wait_slow], "wait_slow");
  add(on_[operation_error], "operation_error");
  add(on_[operation_slow], "operation_slow");
  add(on_[clock_step], "clock_step");
  add(on_[clock_drift], "clock_drift");
  return out.empty() ? "none" : out;
}

}  // namespace clockwork
