#include "clockwork/fakes/fault_plan.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "clockwork/diagnostics/trace.hpp"
#include "clockwork/fakes/injected_fault.hpp"
#include "clockwork/runtime/chaos.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork::fakes {

std::string_view to_string(fault_effect effect) noexcept {
  switch (effect) {
    case fault_effect::thrown: return "throw";
    case fault_effect::latency: return "latency";
  }
  return "unknown";
}

// ---- fault_rule -----------------------------------------------------------------------------

void fault_rule::misuse(std::string_view what) const {
  throw std::invalid_argument("clockwork::fakes::fault_rule for '" + operation_ + "': " + std::string(what));
}

fault_rule& fault_rule::on_call(std::uint64_t n) {
  return on_calls(n, n);
}

fault_rule& fault_rule::from_call(std::uint64_t n) {
  return on_calls(n, std::numeric_limits<std::uint64_t>::max());
}

fault_rule& fault_rule::on_calls(std::uint64_t first, std::uint64_t last) {
  if (first == 0) misuse("call numbers start at 1, got call 0");
  if (first > last) {
    misuse("the range of calls is empty: first call " + std::to_string(first) + " is after last call " +
           std::to_string(last));
  }
  first_ = first;
  last_ = last;
  return *this;
}

fault_rule& fault_rule::when(std::function<bool(const fault_call&)> predicate) {
  if (!predicate) misuse("when() needs a predicate, got an empty function");
  predicate_ = std::move(predicate);
  return *this;
}

fault_rule& fault_rule::times(std::uint64_t limit) {
  if (limit == 0) misuse("times(0) would never fire; remove the rule instead");
  limit_ = limit;
  return *this;
}

fault_rule& fault_rule::with_message(std::string message) {
  if (effect_ != fault_effect::thrown) misuse("with_message() applies to failure rules, not to latency");
  message_ = std::move(message);
  return *this;
}

bool fault_rule::matches(const fault_call& call) const {
  if (limit_ && fired_ >= *limit_) return false;
  const bool any = operation_ == fault_plan::any_operation;
  if (!any && operation_ != call.operation) return false;
  const std::uint64_t number = any ? call.sequence : call.call;
  if (number < first_ || number > last_) return false;
  return !predicate_ || predicate_(call);
}

// ---- fault_plan -----------------------------------------------------------------------------

fault_plan::fault_plan(std::string name, trace* tr) : name_(std::move(name)), trace_(tr) {
  if (name_.empty()) throw std::invalid_argument("clockwork::fakes::fault_plan: the plan needs a name");
}

fault_rule& fault_plan::fail(std::string operation) {
  if (operation.empty()) throw std::invalid_argument("clockwork::fakes::fault_plan::fail: empty operation name");
  rules_.push_back(fault_rule{std::move(operation), fault_effect::thrown, std::chrono::nanoseconds{0}});
  return rules_.back();
}

fault_rule& fault_plan::add_latency(std::string operation, std::chrono::nanoseconds latency) {
  if (operation.empty()) {
    throw std::invalid_argument("clockwork::fakes::fault_plan::add_latency: empty operation name");
  }
  if (latency <= std::chrono::nanoseconds{0}) {
    throw std::invalid_argument("clockwork::fakes::fault_plan::add_latency: latency for '" + operation +
                                "' must be positive, got " + format_duration(latency));
  }
  rules_.push_back(fault_rule{std::move(operation), fault_effect::latency, latency});
  return rules_.back();
}

namespace {

// Operation names are a few characters: compared in line, not through a call to memcmp, on a
// path taken on every call of a fake.
bool same_name(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace

std::size_t fault_plan::counter_for(std::string_view operation) {
  if (operation.empty()) throw std::invalid_argument("clockwork::fakes::fault_plan: a call needs an operation name");
  // Calls of one operation usually follow each other: try the last one's counter first.
  if (last_counter_ >= calls_.size() || !same_name(calls_[last_counter_].first, operation)) {
    const auto counter = std::find_if(calls_.begin(), calls_.end(),
                                      [operation](const auto& c) { return same_name(c.first, operation); });
    last_counter_ = static_cast<std::size_t>(counter - calls_.begin());
    if (counter == calls_.end()) calls_.emplace_back(std::string(operation), 0);
  }
  return last_counter_;
}

fault_site fault_plan::site(std::string_view operation) {
  if (operation.empty()) throw std::invalid_argument("clockwork::fakes::fault_plan::site: empty operation name");
  return fault_site{this, counter_for(operation)};
}

void fault_plan::misused_site(fault_site site) const {
  if (site.plan_ == nullptr) {
    throw std::invalid_argument("clockwork::fakes::fault_plan '" + name_ +
                                "': a default-constructed fault_site names no operation; use site(\"name\")");
  }
  throw std::invalid_argument("clockwork::fakes::fault_plan '" + name_ + "': the site of operation '" +
                              site.plan_->calls_[site.counter_].first + "' belongs to the plan '" + site.plan_->name_ +
                              "'");
}

fault_plan::decision fault_plan::decide(std::size_t counter, std::string_view description, const runtime* rt) {
  const std::string_view operation = calls_[counter].first;
  const call_numbers n = count_at(counter);
  decision d;
  d.call = fault_call{operation, n.call, n.sequence, description};
  for (fault_rule& rule : rules_) {
    if (rule.effect_ == fault_effect::thrown && d.fails) continue;  // the first failure rule decides
    if (!rule.matches(d.call)) continue;
    ++rule.fired_;
    if (rule.effect_ == fault_effect::latency) {
      d.latency += rule.latency_;
      fault_record record;
      record.operation = std::string(operation);
      record.call = d.call.call;
      record.sequence = d.call.sequence;
      record.description = std::string(description);
      record.effect = fault_effect::latency;
      record.latency = rule.latency_;
      record.at = rt != nullptr ? rt->now() : steady_time{};
      keep(std::move(record));
    } else {
      d.fails = true;
      d.message = rule.message_;
    }
  }
  return d;
}

std::exception_ptr fault_plan::failure(const decision& d, steady_time at) {
  injected_fault fault{std::string(d.call.operation), d.call.call, std::string(d.call.description), d.message};
  fault_record record;
  record.operation = fault.operation();
  record.call = d.call.call;
  record.sequence = d.call.sequence;
  record.description = fault.description();
  record.effect = fault_effect::thrown;
  record.at = at;
  record.message = fault.what();
  keep(std::move(record));
  return std::make_exception_ptr(std::move(fault));
}

void fault_plan::keep(fault_record record) {
  if (trace_ != nullptr && trace_->wants(trace_kind::fault_injected)) {
    trace_fields fields{{"operation", record.operation},
                        {"call", std::to_string(record.call)},
                        {"sequence", std::to_string(record.sequence)},
                        {"effect", std::string(to_string(record.effect))}};
    if (record.effect == fault_effect::latency) fields.push_back({"latency", format_duration(record.latency)});
    if (!record.description.empty()) fields.push_back({"description", record.description});
    trace_->record(trace_kind::fault_injected, name_, std::move(fields));
  }
  injected_.push_back(std::move(record));
}

bool fault_plan::has_rule_for(std::string_view operation) const noexcept {
  for (const fault_rule& rule : rules_) {
    if (rule.operation_ == operation || rule.operation_ == any_operation) return true;
  }
  return false;
}

fault_gate fault_plan::open(runtime& rt, std::size_t counter, std::string description, description_source describe,
                            const std::stop_token& token) {
  if (rules_.empty()) {
    call_numbers n;
    chaos::wait_fault fault;
    if (unscripted_call_passes(rt, counter, n, fault)) return fault_gate{};
    return chaos_fault(rt, counter, n, fault, std::move(description), describe, token);
  }
  clockwork::chaos* const c = rt.chaos();
  const std::string_view operation = calls_[counter].first;
  // A rule's predicate may read the description: made up front then, else only for a fault.
  if (describe && has_rule_for(operation)) description = describe();
  decision d = decide(counter, description, &rt);
  if (c != nullptr) {
    const auto fault = c->at_operation(operation);
    d.latency += fault.extra;
    if (fault.fail && !d.fails) {
      d.fails = true;
      d.message = "injected by chaos";
    }
  }
  return settle(rt, d, operation, description, describe, token);
}

fault_gate fault_plan::chaos_fault(runtime& rt, std::size_t counter, call_numbers n, chaos::wait_fault fault,
                                   std::string description, description_source describe, const std::stop_token& token) {
  const std::string_view operation = calls_[counter].first;
  decision d;
  d.call = fault_call{operation, n.call, n.sequence, description};
  d.latency = fault.extra;
  if (fault.fail) {
    d.fails = true;
    d.message = "injected by chaos";
  }
  return settle(rt, d, operation, description, describe, token);
}

fault_gate fault_plan::settle(runtime& rt, decision& d, std::string_view operation, std::string& description,
                              description_source describe, const std::stop_token& token) {
  // The call fails: its description is needed now, while describe is still valid.
  if (d.fails && description.empty() && describe) {
    description = describe();
    d.call.description = description;
  }
  if (d.latency > std::chrono::nanoseconds{0}) {
    // The views in d point at the caller's arguments, which may not outlive this call: the
    // coroutine owns copies.
    return fault_gate{slow_call(rt, std::move(d), std::string(operation), std::move(description), token)};
  }
  if (!d.fails) return fault_gate{};
  return fault_gate{failure(d, rt.now())};
}

task<> fault_plan::slow_call(runtime& rt, decision d, std::string operation, std::string description,
                             std::stop_token token) {
  d.call.operation = operation;
  d.call.description = description;
  auto slow = rt.delay(d.latency, token);
  co_await slow;
  if (d.fails) std::rethrow_exception(failure(d, rt.now()));
}

void fault_plan::check(std::string_view operation, std::string_view description) {
  const decision d = decide(counter_for(operation), description, nullptr);
  if (d.latency > std::chrono::nanoseconds{0}) {
    throw std::logic_error("clockwork::fakes::fault_plan::check: a latency rule matched '" + std::string(operation) +
                           "' call " + std::to_string(d.call.call) +
                           ", but check() cannot wait; call before(rt, ...) from a coroutine instead");
  }
  if (d.fails) std::rethrow_exception(failure(d, steady_time{}));
}

std::uint64_t fault_plan::calls(std::string_view operation) const {
  if (operation == any_operation) return sequence_;
  for (const auto& [name, count] : calls_) {
    if (name == operation) return count;
  }
  return 0;
}

std::size_t fault_plan::injected_count(fault_effect effect) const noexcept {
  std::size_t n = 0;
  for (const auto& r : injected_) n += r.effect == effect ? 1 : 0;
  return n;
}

void fault_plan::reset_counts() {
  for (auto& counter : calls_) counter.second = 0;  // kept: sites index them
  sequence_ = 0;
  injected_.clear();
  for (auto& rule : rules_) rule.fired_ = 0;
}

void fault_plan::clear() {
  reset_counts();
  rules_.clear();
}

}  // namespace clockwork::fakes
