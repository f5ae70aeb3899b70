// clockwork::recent_history — the last few thousand things that happened in a runtime, kept in a
// bounded ring, with a running summary per source that outlives the ring: what a page that shows a
// live host (the dashboard's services page) reads instead of the unbounded trace.
//
// It is a runtime_observer. It keeps what a person watching a host wants to see — the host's
// lifecycle records (service_started, service_faulted, service_restarted, ...), the runs services
// report, events of your own, findings and wall-clock changes — as trace_records, stamped with the
// runtime's clock, in the shapes a trace gives them (so one renderer draws both). It skips tasks,
// timers and ticks: millions in a busy host, and not what an operator reads.
//
// Memory is bounded: at most `capacity` records (the oldest are dropped first), and summaries for
// at most `max_sources` sources (a source seen after that is counted in dropped_sources() only).
//
// Example — production and test side by side:
//
//   // production: beside whatever observes the runtime already (add_dashboard does this)
//   clockwork::recent_history recent{rt.clock()};  // the last 2,000 records
//   fanout.add(recent);
//   rt.set_observer(&fanout);
//   // later, on the loop: the services' last runs and findings
//   for (const auto& s : recent.summaries()) log->info("{}: {} runs", s.source, s.runs);
//   // test (virtual time): the ring forgets, the summary does not
//   clockwork::virtual_runtime vrt;
//   clockwork::recent_history_options three;
//   three.capacity = 3;
//   clockwork::recent_history small{vrt.clock(), three};
//   vrt.set_observer(&small);
//   for (int i = 0; i < 5; ++i) vrt.emit("run", "importer");
//   // small.records().size() == 3, small.summary_of("importer")->runs == 5
//
// Thread safety: the observer hooks come from the runtime's driving thread; records(),
// summaries() and summary_of() return copies and may be called from any thread (a mutex guards
// the ring). Sequence numbers count every record kept, 1, 2, 3, ..., never reused.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clockwork/diagnostics/runtime_observer.hpp"
#include "clockwork/diagnostics/trace.hpp"
#include "clockwork/time/clock.hpp"

namespace clockwork {

struct recent_history_options {
  std::size_t capacity = 2000;     // records kept; the oldest go first
  std::size_t max_sources = 1000;  // sources summarised
  // Kinds starting with any of these are neither kept nor summarised: e.g. "job." where the job
  // store keeps each job's history already, and a busy worker's records would crowd out the rest.
  std::vector<std::string> ignore_kind_prefixes;
};

// What one source (a service, the host, a coroutine) did, over the whole life of the history.
struct source_summary {
  std::string source;
  std::uint64_t runs = 0;      // `run` records (background_service::note_run)
  std::uint64_t findings = 0;  // findings whose source this is
  std::optional<utc_time> last_run;
  std::optional<utc_time> last_event;  // the last record of any kind
  std::string last_kind;               // that record's kind
  std::string last_finding;            // "blocking_call: ..." (the kind, then the message)
  std::optional<utc_time> last_finding_at;
};

class recent_history final : public runtime_observer {
 public:
  // std::invalid_argument when capacity or max_sources is zero. The clock must outlive it.
  explicit recent_history(const clock& clk, recent_history_options options = {});

  // Oldest first.
  std::vector<trace_record> records() const;
  // The records of one source, oldest first.
  std::vector<trace_record> records_of(std::string_view source) const;
  // Every source summarised, by name.
  std::vector<source_summary> summaries() const;
  std::optional<source_summary> summary_of(std::string_view source) const;
  // Records dropped from the ring so far, and sources not summarised for want of room.
  std::uint64_t dropped_records() const;
  std::uint64_t dropped_sources() const;

  // --- runtime_observer ---
  void on_finding(const finding& f) override;
  void on_wall_clock_changed(const wall_clock_change& change) override;
  void on_event(std::string_view kind, std::string_view source, const trace_fields& fields) override;

 private:
  void keep(std::string_view kind, std::string_view source, trace_fields fields);

  const clock* clock_;
  recent_history_options options_;
  mutable std::mutex mutex_;
  std::uint64_t next_seq_ = 1;
  std::deque<trace_record> ring_;
  std::map<std::string, source_summary, std::less<>> summaries_;
  std::uint64_t dropped_records_ = 0;
  std::uint64_t dropped_sources_ = 0;
};

}  // namespace clockwork
