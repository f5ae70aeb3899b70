#include "clockwork/diagnostics/trace.hpp"

#include <spdlog/details/log_msg.h>
#include <spdlog/sinks/base_sink.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "clockwork/errors.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork {

namespace detail {
// What a trace's sinks hold instead of the trace: the trace clears target when it is
// destroyed, so a logger that outlives it (a service logging in its destructor during
// teardown) drops records instead of writing into freed memory.
struct trace_sink_anchor {
  std::mutex mutex;
  trace* target = nullptr;
};
}  // namespace detail

namespace {

bool is_word_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == ':' || c == '-';
}

// Kinds and keys are words so that the text rendering never needs to quote them and stays
// easy to grep and to parse back.
bool is_word(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_word_char);
}

void validate(std::string_view kind, const trace_fields& fields) {
  if (!is_word(kind)) {
    throw std::invalid_argument("clockwork::trace::record: kind '" + std::string(kind) +
                                "' is not a word (one or more of [A-Za-z0-9_.:-])");
  }
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::string& key = fields[i].key;
    if (!is_word(key)) {
      throw std::invalid_argument("clockwork::trace::record: field key '" + key + "' of a '" + std::string(kind) +
                                  "' record is not a word (one or more of [A-Za-z0-9_.:-])");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (fields[j].key == key) {
        throw std::invalid_argument("clockwork::trace::record: field key '" + key + "' appears twice in a '" +
                                    std::string(kind) + "' record");
      }
    }
  }
}

bool is_task_kind(std::string_view kind) noexcept {
  return kind == trace_kind::task_spawned || kind == trace_kind::task_finished || kind == trace_kind::task_faulted;
}

bool is_timer_kind(std::string_view kind) noexcept {
  return kind == trace_kind::delay_armed || kind == trace_kind::delay_fired || kind == trace_kind::delay_canceled;
}

// Thread safety comes from trace::record and the anchor; base_sink's mutex only guards the
// (unused) formatter, so a null mutex would do, but std::mutex keeps set_pattern callers safe.
class trace_sink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit trace_sink(std::shared_ptr<detail::trace_sink_anchor> anchor) : anchor_(std::move(anchor)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const std::lock_guard lock(anchor_->mutex);
    trace* const target = anchor_->target;
    if (target == nullptr || !target->wants(trace_kind::log)) return;  // the trace is gone: dropped
    const auto level = spdlog::level::to_string_view(msg.level);
    target->record(trace_kind::log, std::string_view(msg.logger_name.data(), msg.logger_name.size()),
                   {{"level", std::string(level.data(), level.size())},
                    {"message", std::string(msg.payload.data(), msg.payload.size())}});
  }
  void flush_() override {}

 private:
  std::shared_ptr<detail::trace_sink_anchor> anchor_;
};

}  // namespace


const std::string* trace_record::field(std::string_view key) const noexcept {
  for (const trace_field& f : fields) {
    if (f.key == key) return &f.value;
  }
  return nullptr;
}

trace::trace(const clock& clk, trace_options options)
    : clock_(&clk),
      sink_anchor_(std::make_shared<detail::trace_sink_anchor>()),
      options_(std::move(options)),
      origin_(options_.origin.value_or(clk.steady_now())) {
  sink_anchor_->target = this;
}

bool trace::wants(std::string_view kind) const noexcept {
  if (!options_.record_tasks && is_task_kind(kind)) return false;
  if (!options_.record_timers && is_timer_kind(kind)) return false;
  return std::none_of(options_.ignore_kinds.begin(), options_.ignore_kinds.end(),
                      [kind](const std::string& ignored) { return ignored == kind; });
}

std::uint64_t trace::record(std::string_view kind, std::string_view source, trace_fields fields) {
  validate(kind, fields);
  if (!wants(kind)) return 0;
  trace_record r;
  r.source = source;
  r.kind = kind;
  r.fields = std::move(fields);
  const std::lock_guard lock(mutex_);
  r.seq = next_seq_++;
  r.steady = clock_->steady_now();
  r.utc = clock_->stamp_utc();
  records_.push_back(std::move(r));
  return records_.back().seq;
}

std::vector<trace_record> trace::snapshot() const {
  const std::lock_guard lock(mutex_);
  return records_;
}

std::size_t trace::size() const {
  const std::lock_guard lock(mutex_);
  return records_.size();
}

void trace::clear() {
  const std::lock_guard lock(mutex_);
  records_.clear();
}

std::vector<trace_record> trace::find(std::string_view kind) const {
  const std::lock_guard lock(mutex_);
  std::vector<trace_record> out;
  std::copy_if(records_.begin(), records_.end(), std::back_inserter(out),
               [kind](const trace_record& r) { return r.kind == kind; });
  return out;
}

std::vector<trace_record> trace::find(std::string_view kind, std::string_view source) const {
  const std::lock_guard lock(mutex_);
  std::vector<trace_record> out;
  std::copy_if(records_.begin(), records_.end(), std::back_inserter(out),
               [kind, source](const trace_record& r) { return r.kind == kind && r.source == source; });
  return out;
}

std::size_t trace::count(std::string_view kind) const {
  const std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(records_.begin(), records_.end(), [kind](const trace_record& r) { return r.kind == kind; }));
}

std::size_t trace::count(std::string_view kind, std::string_view source) const {
  const std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(records_.begin(), records_.end(),
                    [kind, source](const trace_record& r) { return r.kind == kind && r.source == source; }));
}

// ---- runtime_observer ------------------------------------------------------------------------
// The runtime calls these from noexcept paths; the fields are fixed words, so record() can
// only throw on allocation failure, which terminates as any allocation failure there would.

void trace::on_task_spawned(const task_info& task) {
  if (!wants(trace_kind::task_spawned)) return;
  record(trace_kind::task_spawned, task.name, {{"id", std::to_string(task.id)}});
}

void trace::on_task_finished(const task_info& task, std::exception_ptr error, bool canceled) {
  if (error && !canceled) {
    if (!wants(trace_kind::task_faulted)) return;
    record(trace_kind::task_faulted, task.name,
           {{"id", std::to_string(task.id)}, {"error", describe_exception(error)}});
    return;
  }
  if (!wants(trace_kind::task_finished)) return;
  record(trace_kind::task_finished, task.name,
         {{"id", std::to_string(task.id)}, {"outcome", canceled ? "canceled" : "completed"}});
}

void trace::record_timer(std::string_view kind, const task_info* owner, steady_time deadline) {
  if (!wants(kind)) return;
  trace_fields fields;
  if (owner) fields.push_back({"id", std::to_string(owner->id)});
  fields.push_back({"deadline", format_offset(deadline, origin_)});
  record(kind, owner ? std::string_view(owner->name) : std::string_view("-"), std::move(fields));
}

void trace::on_timer_armed(const task_info* owner, steady_time deadline) {
  record_timer(trace_kind::delay_armed, owner, deadline);
}

void trace::on_timer_fired(const task_info* owner, steady_time deadline) {
  record_timer(trace_kind::delay_fired, owner, deadline);
}

void trace::on_timer_canceled(const task_info* owner, steady_time deadline) {
  record_timer(trace_kind::delay_canceled, owner, deadline);
}

void trace::on_tick(std::string_view timer, steady_time due, std::uint64_t coalesced) {
  if (!wants(trace_kind::tick)) return;
  record(trace_kind::tick, timer, {{"due", format_offset(due, origin_)}, {"coalesced", std::to_string(coalesced)}});
}

void trace::on_finding(const clockwork::finding& f) {
  if (!wants(trace_kind::finding)) return;
  record(trace_kind::finding, f.source, {{"finding", std::string(to_string(f.kind))}, {"message", f.message}});
}

void trace::on_wall_clock_changed(const wall_clock_change& change) {
  if (!wants(trace_kind::clock_changed)) return;
  record(trace_kind::clock_changed, "clock", {{"change", change.description}});
}

void trace::on_event(std::string_view kind, std::string_view source, const trace_fields& fields) {
  if (!wants(kind)) return;
  record(kind, source, fields);
}

spdlog::sink_ptr make_trace_sink(trace& t) {
  return std::make_shared<trace_sink>(t.sink_anchor_);
}

trace::~trace() {
  const std::lock_guard lock(sink_anchor_->mutex);
  sink_anchor_->target = nullptr;
}

}  // namespace clockwork
