// clockwork::dashboard::detail — the dashboard's timelines, drawn by the same renderer as
// clockwork-timeline's pages (diagnostics/timeline_html.hpp): a job's history, one lane per
// instance that touched it (who enqueued it, each claim with its epoch, refused stale writes,
// rescues), and the host's recent events from its bounded ring. The renderer's stylesheet and
// script are linked from /static/ (the dashboard's Content-Security-Policy forbids inline code);
// the data stays in the page as a JSON block, which runs nothing.
//
//   res.set_content(job_timeline_page(job, history), "text/html; charset=utf-8");
//
// Thread safety: pure functions over values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "clockwork/diagnostics/trace.hpp"
#include "clockwork/jobs/job.hpp"

namespace clockwork::dashboard::detail {

// Where the renderer's stylesheet and script are served: ASSETS/timeline.css, ASSETS/timeline.js.
inline constexpr std::string_view timeline_assets = "/static";

// A job's history as trace records: kind job.EVENT, source the instance (or "operator"), fields
// job, epoch, attempt, due, error or detail; steady time measured from the first entry.
std::vector<trace_record> job_records(const jobs::job& job, const std::vector<jobs::history_entry>& history);

std::string job_timeline_page(const jobs::job& job, const std::vector<jobs::history_entry>& history);
// recent: oldest first (recent_history::records()).
std::string host_timeline_page(const std::vector<trace_record>& recent);

}  // namespace clockwork::dashboard::detail
