#include "clockwork/diagnostics/chrome_trace.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "clockwork/time/time_format.hpp"
#include "trace_fields.hpp"

namespace clockwork {
namespace {

using detail::field_or_empty;
using json = nlohmann::ordered_json;

constexpr int pid = 1;

// Microseconds from the origin: an integer when whole (most instants of a virtual-time run),
// otherwise fractional, so that nothing is rounded away.
json timestamp(const trace_record& r, steady_time origin) {
  const std::int64_t ns = (r.steady - origin).count();
  if (ns % 1000 == 0) return ns / 1000;
  return static_cast<double>(ns) / 1000.0;
}

std::string_view category_of(std::string_view kind) {
  if (kind.starts_with("service_")) return "service";
  if (kind.starts_with("task_")) return "task";
  if (kind.starts_with("delay_") || kind == "tick") return "wait";
  if (kind.starts_with("job.")) return "job";
  if (kind == "finding") return "finding";
  if (kind == "log") return "log";
  if (kind == "clock_changed") return "clock";
  if (kind == "fault_injected") return "fault";
  return "trace";
}

const std::set<std::string_view>& attempt_endings() {
  static const std::set<std::string_view> endings{"job.succeeded", "job.failed",   "job.retrying",  "job.snoozed",
                                                  "job.cancelled", "job.released", "job.lease_lost"};
  return endings;
}

json args_of(const trace_record& r) {
  json args = json::object();
  for (const trace_field& f : r.fields) args[f.key] = f.value;
  // The record's place and wall time, unless a field of its own already has that name.
  if (!args.contains("seq")) args["seq"] = r.seq;
  if (!args.contains("utc")) args["utc"] = format_utc(r.utc);
  return args;
}

class exporter {
 public:
  exporter(steady_time origin, const chrome_trace_options& options) : origin_(origin) {
    events_.push_back(json{
        {"name", "process_name"}, {"ph", "M"}, {"pid", pid}, {"tid", 0}, {"args", {{"name", options.process_name}}}});
  }

  void add(const trace_record& r) {
    const int tid = thread_of(r.source);
    const json ts = timestamp(r, origin_);
    spans(r, tid, ts);
    events_.push_back(json{{"name", r.kind},
                           {"cat", category_of(r.kind)},
                           {"ph", "i"},
                           {"s", "t"},
                           {"ts", ts},
                           {"pid", pid},
                           {"tid", tid},
                           {"args", args_of(r)}});
  }

  // One event per line: still one JSON object, and a golden file's diff shows events, not a
  // single line that changed somewhere.
  std::string dump() const {
    std::string out = "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n";
    for (std::size_t i = 0; i < events_.size(); ++i) {
      out += events_[i].dump(-1, ' ', false, json::error_handler_t::replace);
      out += i + 1 < events_.size() ? ",\n" : "\n";
    }
    out += "]}\n";
    return out;
  }

 private:
  int thread_of(const std::string& source) {
    const auto [at, added] = threads_.try_emplace(source, static_cast<int>(threads_.size()) + 1);
    if (added) {
      events_.push_back(
          json{{"name", "thread_name"}, {"ph", "M"}, {"pid", pid}, {"tid", at->second}, {"args", {{"name", source}}}});
      events_.push_back(json{{"name", "thread_sort_index"},
                             {"ph", "M"},
                             {"pid", pid},
                             {"tid", at->second},
                             {"args", {{"sort_index", at->second}}}});
    }
    return at->second;
  }

  void async(std::string_view ph, std::string_view cat, const std::string& name, const std::string& id, int tid,
             const json& ts, json args) {
    events_.push_back(json{{"name", name},
                           {"cat", cat},
                           {"ph", ph},
                           {"id", id},
                           {"ts", ts},
                           {"pid", pid},
                           {"tid", tid},
                           {"args", std::move(args)}});
  }

  void duration(std::string_view ph, int tid, const json& ts, json args) {
    events_.push_back(json{{"name", "service"},
                           {"cat", "service"},
                           {"ph", ph},
                           {"ts", ts},
                           {"pid", pid},
                           {"tid", tid},
                           {"args", std::move(args)}});
  }

  void spans(const trace_record& r, int tid, const json& ts) {
    const std::string_view kind = r.kind;
    if (kind == trace_kind::service_starting || kind == trace_kind::service_started) {
      if (services_open_.insert(r.source).second) duration("B", tid, ts, args_of(r));
    } else if (kind == trace_kind::service_stopped || kind == trace_kind::service_faulted) {
      if (services_open_.erase(r.source) > 0) duration("E", tid, ts, args_of(r));
    } else if (kind == trace_kind::task_spawned) {
      async("b", "task", r.source, "task-" + field_or_empty(r, "id"), tid, ts, args_of(r));
    } else if (kind == trace_kind::task_finished || kind == trace_kind::task_faulted) {
      async("e", "task", r.source, "task-" + field_or_empty(r, "id"), tid, ts, args_of(r));
    } else if (kind == trace_kind::delay_armed) {
      // A task waits for one timer at a time: its id pairs the arming with what ended the wait.
      const std::string id = "wait-" + field_or_empty(r, "id") + "-" + std::to_string(r.seq);
      waits_open_[field_or_empty(r, "id")] = id;
      async("b", "wait", "wait", id, tid, ts, args_of(r));
    } else if (kind == trace_kind::delay_fired || kind == trace_kind::delay_canceled) {
      const auto open = waits_open_.find(field_or_empty(r, "id"));
      if (open != waits_open_.end()) {
        async("e", "wait", "wait", open->second, tid, ts, args_of(r));
        waits_open_.erase(open);
      }
    } else if (kind == "job.claimed") {
      const std::string job = field_or_empty(r, "job");
      const std::string key = job + "-" + field_or_empty(r, "epoch");
      attempts_open_.insert(key);
      async("b", "job", "job " + job, "job-" + key, tid, ts, args_of(r));
    } else if (kind == "job.rescued") {
      // A rescue carries the epoch it bumped to: it ends whichever attempt of the job was open.
      const std::string job = field_or_empty(r, "job");
      for (auto it = attempts_open_.begin(); it != attempts_open_.end();) {
        if (it->starts_with(job + "-")) {
          async("e", "job", "job " + job, "job-" + *it, tid, ts, args_of(r));
          it = attempts_open_.erase(it);
        } else {
          ++it;
        }
      }
    } else if (attempt_endings().contains(kind)) {
      const std::string job = field_or_empty(r, "job");
      const std::string key = job + "-" + field_or_empty(r, "epoch");
      if (attempts_open_.erase(key) > 0) async("e", "job", "job " + job, "job-" + key, tid, ts, args_of(r));
    }
  }

  steady_time origin_;
  json events_ = json::array();
  std::map<std::string, int> threads_;
  std::set<std::string> services_open_;
  std::map<std::string, std::string> waits_open_;  // task id -> the open wait's span id
  std::set<std::string> attempts_open_;            // "job-epoch"
};

void write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("clockwork: cannot write the Chrome trace to " + path.string());
  out << content;
  out.flush();
  if (!out) throw std::runtime_error("clockwork: cannot write the Chrome trace to " + path.string());
}

}  // namespace

std::string to_chrome_trace(std::span<const trace_record> records, steady_time origin,
                            const chrome_trace_options& options) {
  exporter e{origin, options};
  for (const trace_record& r : records) e.add(r);
  return e.dump();
}

std::string to_chrome_trace(const trace& t, const chrome_trace_options& options) {
  return to_chrome_trace(t.records(), t.origin(), options);
}

void write_chrome_trace(const trace& t, const std::filesystem::path& path, const chrome_trace_options& options) {
  write_file(path, to_chrome_trace(t, options));
}

void write_chrome_trace(std::span<const trace_record> records, steady_time origin, const std::filesystem::path& path,
                        const chrome_trace_options& options) {
  write_file(path, to_chrome_trace(records, origin, options));
}

}  // namespace clockwork
