#include "clockwork/diagnostics/recent_history.hpp"

#include <stdexcept>
#include <utility>

namespace clockwork {

recent_history::recent_history(const clock& clk, recent_history_options options)
    : clock_(&clk), options_(std::move(options)) {
  if (options_.capacity == 0) throw std::invalid_argument("clockwork::recent_history: capacity must be at least 1");
  if (options_.max_sources == 0) {
    throw std::invalid_argument("clockwork::recent_history: max_sources must be at least 1");
  }
}

void recent_history::keep(std::string_view kind, std::string_view source, trace_fields fields) {
  for (const auto& prefix : options_.ignore_kind_prefixes) {
    if (kind.starts_with(prefix)) return;
  }
  trace_record r;
  r.source = source;
  r.kind = kind;
  r.fields = std::move(fields);
  const std::lock_guard lock(mutex_);
  r.seq = next_seq_++;
  r.steady = clock_->steady_now();
  r.utc = clock_->stamp_utc();  // a library stamp: not counted as a service's read of the clock

  auto it = summaries_.find(source);
  if (it == summaries_.end()) {
    if (summaries_.size() < options_.max_sources) {
      it = summaries_.emplace(std::string(source), source_summary{}).first;
      it->second.source = source;
    } else {
      ++dropped_sources_;
    }
  }
  if (it != summaries_.end()) {
    source_summary& s = it->second;
    s.last_event = r.utc;
    s.last_kind = kind;
    if (kind == trace_kind::run) {
      ++s.runs;
      s.last_run = r.utc;
    } else if (kind == trace_kind::finding) {
      ++s.findings;
      const std::string* what = r.field("finding");
      const std::string* message = r.field("message");
      s.last_finding = (what ? *what : std::string()) + ": " + (message ? *message : std::string());
      s.last_finding_at = r.utc;
    }
  }

  if (ring_.size() == options_.capacity) {
    ring_.pop_front();
    ++dropped_records_;
  }
  ring_.push_back(std::move(r));
}

std::vector<trace_record> recent_history::records() const {
  const std::lock_guard lock(mutex_);
  return {ring_.begin(), ring_.end()};
}

std::vector<trace_record> recent_history::records_of(std::string_view source) const {
  const std::lock_guard lock(mutex_);
  std::vector<trace_record> out;
  for (const auto& r : ring_) {
    if (r.source == source) out.push_back(r);
  }
  return out;
}

std::vector<source_summary> recent_history::summaries() const {
  const std::lock_guard lock(mutex_);
  std::vector<source_summary> out;
  out.reserve(summaries_.size());
  for (const auto& [name, s] : summaries_) out.push_back(s);
  return out;
}

std::optional<source_summary> recent_history::summary_of(std::string_view source) const {
  const std::lock_guard lock(mutex_);
  const auto it = summaries_.find(source);
  if (it == summaries_.end()) return std::nullopt;
  return it->second;
}

std::uint64_t recent_history::dropped_records() const {
  const std::lock_guard lock(mutex_);
  return dropped_records_;
}

std::uint64_t recent_history::dropped_sources() const {
  const std::lock_guard lock(mutex_);
  return dropped_sources_;
}

// The same kinds and fields as trace's hooks, so that a renderer of traces draws these too.
void recent_history::on_finding(const finding& f) {
  keep(trace_kind::finding, f.source, {{"finding", std::string(to_string(f.kind))}, {"message", f.message}});
}

void recent_history::on_wall_clock_changed(const wall_clock_change& change) {
  keep(trace_kind::clock_changed, "clock", {{"change", change.description}});
}

void recent_history::on_event(std::string_view kind, std::string_view source, const trace_fields& fields) {
  keep(kind, source, fields);
}

}  // namespace clockwork
