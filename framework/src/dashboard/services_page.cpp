#include <string>
#include <utility>

#include "clockwork/jobs/job_json.hpp"
#include "pages.hpp"
#include "services_view.hpp"

namespace clockwork::dashboard::detail {
namespace {

using json = nlohmann::json;

std::string optional_utc(const std::optional<utc_time>& t) {
  return t ? jobs::format_utc_micros(*t) : std::string();
}

std::string fields_text(const trace_record& r) {
  std::string text;
  for (const auto& [key, value] : r.fields) text += (text.empty() ? "" : " ") + key + "=" + value;
  return text;
}

}  // namespace

services_view read_services(const host_status* status, const recent_history* recent, std::size_t recent_limit) {
  services_view view;
  if (status == nullptr) return view;
  view.in_host = true;
  view.phase = status->phase();
  for (auto& s : status->services()) {
    service_row row;
    row.status = std::move(s);
    if (recent != nullptr) {
      if (auto summary = recent->summary_of(row.status.name)) row.summary = std::move(*summary);
    }
    view.services.push_back(std::move(row));
  }
  if (recent != nullptr) {
    auto all = recent->records();
    const std::size_t first = all.size() > recent_limit ? all.size() - recent_limit : 0;
    for (std::size_t i = all.size(); i > first; --i) view.recent.push_back(std::move(all[i - 1]));
    view.dropped = recent->dropped_records() + first;
  }
  return view;
}

json to_json(const services_view& view) {
  if (!view.in_host) return json{{"host", nullptr}, {"services", json::array()}, {"recent", json::array()}};
  json services = json::array();
  for (const auto& row : view.services) {
    services.push_back({{"name", row.status.name},
                        {"state", std::string(to_string(row.status.state))},
                        {"restarts", row.status.restarts},
                        {"last_failure", row.status.last_failure},
                        {"runs", row.summary.runs},
                        {"last_run", optional_utc(row.summary.last_run)},
                        {"findings", row.summary.findings},
                        {"last_finding", row.summary.last_finding}});
  }
  json recent = json::array();
  for (const auto& r : view.recent) {
    json fields = json::object();
    for (const auto& [key, value] : r.fields) fields[key] = value;
    recent.push_back({{"seq", r.seq},
                      {"utc", jobs::format_utc_micros(r.utc)},
                      {"source", r.source},
                      {"kind", r.kind},
                      {"fields", std::move(fields)}});
  }
  return json{{"host", {{"phase", view.phase}}},
              {"services", std::move(services)},
              {"recent", std::move(recent)},
              {"forgotten", view.dropped}};
}

std::string services_page(const services_view& view) {
  std::string out = page_head("services");
  out += "<h1>Services</h1>\n";
  if (!view.in_host) {
    out +=
        "<p id=\"no-host\">This dashboard runs outside a host (<code>clockwork-jobs dashboard</code>): it has no "
        "services to show. Add it to your host with <code>add_dashboard</code> to see them.</p>\n";
    return out + page_tail();
  }
  out += "<p>The host is <b id=\"host-phase\">" + escape_html(view.phase) + "</b>.</p>\n";
  out +=
      "<table id=\"services\">\n<tr><th>service</th><th>state</th><th>restarts</th><th>runs</th><th>last run</th>"
      "<th>findings</th><th>last finding</th><th>last failure</th></tr>\n";
  for (const auto& row : view.services) {
    const std::string state(to_string(row.status.state));
    out += "<tr data-service=\"" + escape_html(row.status.name) + "\">" + cell(row.status.name) + "<td class=\"state-" +
           state + "\">" + state + "</td><td>" + std::to_string(row.status.restarts) + "</td><td>" +
           std::to_string(row.summary.runs) + "</td>" + cell(optional_utc(row.summary.last_run)) + "<td>" +
           std::to_string(row.summary.findings) + "</td>" + cell(row.summary.last_finding) +
           cell(row.status.last_failure) + "</tr>\n";
  }
  out += "</table>\n";
  if (view.services.empty()) out += "<p>The host has no services.</p>\n";
  out +=
      "<h2>Recent events</h2>\n<p>Newest first, from a bounded ring (the host's lifecycle, runs, findings, "
      "clock changes; tasks and timers are not kept); <a href=\"/services/timeline\">as a timeline</a>.</p>\n"
      "<table id=\"recent\">\n<tr><th>UTC</th><th>source</th><th>kind</th><th>fields</th></tr>\n";
  for (const auto& r : view.recent) {
    out += "<tr>" + cell(jobs::format_utc_micros(r.utc)) + cell(r.source) + cell(r.kind) + cell(fields_text(r)) +
           "</tr>\n";
  }
  out += "</table>\n";
  if (view.dropped > 0) {
    out += "<p>" + std::to_string(view.dropped) + " older events are not shown.</p>\n";
  }
  out += "<script src=\"/static/services.js\" defer></script>\n";
  return out + page_tail();
}

const std::string_view services_js = R"((function () {
  'use strict';
  const table = document.getElementById('services');
  if (!table) return;
  function render(view) {
    if (!view.host) return;
    table.dataset.refreshes = String(Number(table.dataset.refreshes || 0) + 1);
    document.getElementById('host-phase').textContent = view.host.phase;
    for (const row of [...table.rows].slice(1)) row.remove();
    for (const s of view.services) {
      const row = table.insertRow();
      row.dataset.service = s.name;
      const values = [s.name, s.state, String(s.restarts), String(s.runs), s.last_run, String(s.findings),
                      s.last_finding, s.last_failure];
      values.forEach((value, i) => {
        const cell = row.insertCell();
        cell.textContent = value;
        if (i === 1) cell.className = 'state-' + s.state;
      });
    }
  }
  async function refresh() {
    try {
      const r = await fetch('/api/services', { credentials: 'same-origin' });
      if (r.ok) render(await r.json());
    } catch (e) {
      // The next refresh tries again.
    }
  }
  setInterval(refresh, 2000);
})();
)";

}  // namespace clockwork::dashboard::detail
