// clockwork::dashboard::detail — the dashboard's HTML pages, rendered on the server from what the
// store answered: the overview (counts by state, queues), a state's jobs (paged), a job with its
// history. Every value from the store — kinds, queues, payloads, error texts, instance names — is
// escaped; the pages hold no inline script or style and no event-handler attribute (the
// Content-Security-Policy forbids them): their script and style come from /static/.
//
//   std::string html = overview_page(stats, /*instances_alive=*/2, /*actions=*/false);
//
// Thread safety: pure functions over values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clockwork/jobs/job.hpp"

namespace clockwork::dashboard::detail {

// &, <, >, " and ' as entities; invalid UTF-8 bytes as U+FFFD.
std::string escape_html(std::string_view text);

// Every page's start (title, stylesheet, script, the navigation) and end.
std::string page_head(std::string_view title);
std::string page_tail();
// A table cell holding text, escaped.
std::string cell(std::string_view text);

// An instance counts as alive while its last heartbeat is within a minute of the store's now (the
// store's own rule for the kinds it serves: job_store::stats' alive_within).
bool is_alive(const jobs::instance_info& instance, utc_time now);
std::size_t alive_count(const std::vector<jobs::instance_info>& all, utc_time now);

// With actions: pause and resume buttons on the queues.
std::string overview_page(const jobs::store_stats& stats, std::size_t instances_alive, bool actions);
// One page of the jobs a query found, with the query's filters in a form and in the paging links.
std::string jobs_page(const jobs::job_query& query, const jobs::job_page& page);
// With actions: retry, cancel and delete buttons (dashboard.js posts them to /api/).
std::string job_detail_page(const jobs::job& job, const std::vector<jobs::history_entry>& history, bool actions);
// The recurring jobs: the schedule in words, zone, misfire policy, next occurrence after `now`
// (the store's clock), last fired, misfires; with actions a "trigger now" button each.
std::string recurring_page(const std::vector<jobs::recurring_definition>& all, utc_time now, bool actions);
// The first occurrence of r after now, or none (none left, or an expression or zone that does not
// parse any more).
std::optional<utc_time> next_occurrence(const jobs::recurring_definition& r, utc_time now);
// The instances working the store: host, started, last heartbeat, concurrency, queues, kinds,
// measured clock skew.
std::string instances_page(const std::vector<jobs::instance_info>& all, utc_time now);
// The sign-in form; message: why the last attempt was refused, or empty.
std::string signin_page(std::string_view message);

// The static files, served under /static/.
extern const std::string_view dashboard_css;
extern const std::string_view dashboard_js;

}  // namespace clockwork::dashboard::detail
