#include "timeline_pages.hpp"

#include <string>
#include <utility>

#include "clockwork/diagnostics/timeline_html.hpp"
#include "clockwork/jobs/job_json.hpp"
#include "clockwork/jobs/job_state.hpp"

namespace clockwork::dashboard::detail {

std::vector<trace_record> job_records(const jobs::job& job, const std::vector<jobs::history_entry>& history) {
  std::vector<trace_record> out;
  if (history.empty()) return out;
  const utc_time first = history.front().at;
  std::uint64_t seq = 0;
  for (const jobs::history_entry& e : history) {
    trace_record r;
    r.seq = ++seq;
    r.utc = e.at;
    // The store's instants, on a steady line from the first: what the renderer measures offsets on.
    r.steady = steady_time{} + (e.at - first);
    r.source = e.instance.empty() ? "operator" : e.instance;
    r.kind = "job." + std::string(jobs::to_string(e.event));
    r.fields = {{"job", std::to_string(job.id)},
                {"kind", job.kind},
                {"epoch", std::to_string(e.epoch)},
                {"attempt", std::to_string(e.attempt)}};
    if (e.scheduled) r.fields.push_back({"due", jobs::format_utc_micros(*e.scheduled)});
    if (!e.detail.empty()) {
      const bool error = e.event == jobs::job_event::retrying || e.event == jobs::job_event::failed;
      r.fields.push_back({error ? "error" : "detail", e.detail});
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::string job_timeline_page(const jobs::job& job, const std::vector<jobs::history_entry>& history) {
  timeline_run t;
  t.title = "job " + std::to_string(job.id) + " (" + job.kind + ")";
  t.summary = "now " + std::string(jobs::to_string(job.state)) + ", attempt " + std::to_string(job.attempt) + " of " +
              std::to_string(job.max_attempts) + ", epoch " + std::to_string(job.epoch) +
              "; a lane per instance that touched it";
  t.records = job_records(job, history);
  t.assets_url = std::string(timeline_assets);
  return render_timeline_html(t);
}

std::string host_timeline_page(const std::vector<trace_record>& recent) {
  timeline_run t;
  t.title = "this host's recent events";
  t.summary = "from the dashboard's bounded ring: the host's lifecycle, runs, findings, clock changes";
  t.records = recent;
  if (!recent.empty()) t.origin = recent.front().steady;
  t.assets_url = std::string(timeline_assets);
  return render_timeline_html(t);
}

}  // namespace clockwork::dashboard::detail
