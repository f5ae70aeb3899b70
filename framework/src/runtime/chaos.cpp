#include "clockwork/runtime/chaos.hpp"

#include <stdexcept>

#include "clockwork/time/time_format.hpp"

namespace clockwork {

void chaos_options::validate() const {
  const auto probability = [](double p, const char* name) {
    if (!(p >= 0.0 && p <= 1.0)) {
      throw std::invalid_argument(std::string("clockwork::chaos_options: ") + name + " must be a probability in [0, 1]");
    }
  };
  probability(wait_error, "wait_error");
  probability(wait_slow, "wait_slow");
  probability(operation_error, "operation_error");
  probability(operation_slow, "operation_slow");
  probability(kind_enabled, "kind_enabled");
  if (max_slowdown.count() < 0 || max_spike.count() < 0) {
    throw std::invalid_argument("clockwork::chaos_options: durations must not be negative");
  }
}

chaos::chaos(std::uint64_t seed, chaos_options options) : options_(options), rng_(seed) {
  options_.validate();
  // The kinds are decided first, always in this order, so that a seed's storm is the same
  // whatever the program asks later.
  wait_error_on_ = options_.wait_error > 0 && draw(options_.kind_enabled);
  wait_slow_on_ = options_.wait_slow > 0 && draw(options_.kind_enabled);
  operation_error_on_ = options_.operation_error > 0 && draw(options_.kind_enabled);
  operation_slow_on_ = options_.operation_slow > 0 && draw(options_.kind_enabled);
}

bool chaos::draw(double p) {
  // 53 random bits: a uniform double in [0, 1).
  const double u = static_cast<double>(rng_() >> 11) * (1.0 / 9007199254740992.0);
  return u < p;
}

std::chrono::nanoseconds chaos::draw_duration(std::chrono::nanoseconds max) {
  if (max.count() <= 0) return std::chrono::nanoseconds{0};
  return std::chrono::nanoseconds{static_cast<std::int64_t>(rng_() % static_cast<std::uint64_t>(max.count())) + 1};
}

bool chaos::spend(std::string_view site, std::string what) {
  if (injected_.size() >= options_.budget) return false;
  injected_.push_back({injected_.size() + 1, std::string(site), std::move(what)});
  return true;
}

chaos::wait_fault chaos::at_wait(std::string_view site) {
  wait_fault out;
  if (wait_error_on_ && draw(options_.wait_error) && spend(site, "delay failed")) {
    out.fail = true;
    return out;
  }
  if (wait_slow_on_ && draw(options_.wait_slow)) {
    const auto extra = draw_duration(options_.max_slowdown);
    if (spend(site, "delay +" + format_duration(extra))) out.extra = extra;
  }
  return out;
}

chaos::wait_fault chaos::at_operation(std::string_view site) {
  wait_fault out;
  if (operation_slow_on_ && draw(options_.operation_slow)) {
    const auto extra = draw_duration(options_.max_spike);
    if (spend(site, "operation +" + format_duration(extra))) out.extra = extra;
  }
  if (operation_error_on_ && draw(options_.operation_error) && spend(site, "operation failed")) out.fail = true;
  return out;
}

std::string chaos::enabled_kinds() const {
  std::string out;
  const auto add = [&out](bool on, const char* name) {
    if (on) out += (out.empty() ? "" : " ") + std::string(name);
  };
  add(wait_error_on_, "wait_error");
  add(wait_slow_on_, "wait_slow");
  add(operation_error_on_, "operation_error");
  add(operation_slow_on_, "operation_slow");
  return out.empty() ? "none" : out;
}

}  // namespace clockwork
