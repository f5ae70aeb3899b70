#include "pages.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <iterator>
#include <string>
#include <tuple>
#include <utility>

#include "clockwork/jobs/job_json.hpp"
#include "clockwork/jobs/job_state.hpp"
#include "clockwork/jobs/recurring_scheduler.hpp"
#include "clockwork/schedule/cron_describe.hpp"
#include "clockwork/schedule/cron_expression.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork::dashboard::detail {
namespace {

// The length of the valid UTF-8 sequence at s[i], or 0.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = byte(i);
  std::size_t n = 0;
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF)
    n = 2;
  else if (b >= 0xE0 && b <= 0xEF)
    n = 3;
  else if (b >= 0xF0 && b <= 0xF4)
    n = 4;
  else
    return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  // Overlong three-byte forms, surrogates, and code points past U+10FFFF.
  if (n == 3 && b == 0xE0 && byte(i + 1) < 0xA0) return 0;
  if (n == 3 && b == 0xED && byte(i + 1) > 0x9F) return 0;
  if (n == 4 && b == 0xF0 && byte(i + 1) < 0x90) return 0;
  if (n == 4 && b == 0xF4 && byte(i + 1) > 0x8F) return 0;
  return n;
}

}  // namespace

std::string page_head(std::string_view title) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
  out += escape_html(title);
  out +=
      " \u2014 clockwork</title>\n<link rel=\"stylesheet\" href=\"/static/dashboard.css\">\n"
      "<script src=\"/static/dashboard.js\" defer></script>\n</head>\n<body>\n"
      "<nav><b>clockwork</b> <a href=\"/\">overview</a> <a href=\"/jobs\">jobs</a> <a "
      "href=\"/recurring\">recurring</a> "
      "<a href=\"/instances\">instances</a> <a href=\"/services\">services</a></nav>\n<main>\n";
  return out;
}

std::string page_tail() {
  return "</main>\n</body>\n</html>\n";
}

std::string cell(std::string_view text) {
  return "<td>" + escape_html(text) + "</td>";
}

namespace {

std::string state_link(std::string_view state) {
  return "<a href=\"/jobs?state=" + std::string(state) + "\">" + std::string(state) + "</a>";
}

// Every byte but unreserved ASCII as %XX: a value in a link's query.
std::string percent_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_length(text, i);
    if (n == 0) {
      out += "\uFFFD";
      ++i;
      continue;
    }
    if (n == 1) {
      switch (text[i]) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += text[i];
      }
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

bool is_alive(const jobs::instance_info& instance, utc_time now) {
  return instance.last_heartbeat >= now - std::chrono::minutes(1);
}

std::size_t alive_count(const std::vector<jobs::instance_info>& all, utc_time now) {
  std::size_t n = 0;
  for (const auto& i : all) n += is_alive(i, now) ? 1 : 0;
  return n;
}

std::string overview_page(const jobs::store_stats& stats, std::size_t instances_alive, bool actions) {
  std::string out = page_head("overview");
  out += "<h1>Jobs</h1>\n<table class=\"states\" id=\"states\">\n<tr>";
  for (const jobs::job_state s : jobs::all_job_states) out += "<th>" + state_link(jobs::to_string(s)) + "</th>";
  out += "</tr>\n<tr>";
  for (const jobs::job_state s : jobs::all_job_states) {
    out += "<td class=\"count\" data-state=\"" + std::string(jobs::to_string(s)) + "\">" +
           std::to_string(stats.count(s)) + "</td>";
  }
  out += "</tr>\n</table>\n";
  // Drawn by dashboard.js from /api/per_minute (green: succeeded, red: failed).
  out +=
      "<h2>Succeeded and failed, per minute</h2>\n<p class=\"chart-title\">the last hour</p>\n"
      "<svg class=\"chart\" id=\"per-minute-hour\" data-minutes=\"60\" data-bin=\"1\" viewBox=\"0 0 600 100\" "
      "role=\"img\" aria-label=\"jobs per minute, the last hour\"></svg>\n"
      "<p class=\"chart-title\">the last day, per 15 minutes</p>\n"
      "<svg class=\"chart\" id=\"per-minute-day\" data-minutes=\"1440\" data-bin=\"15\" viewBox=\"0 0 600 100\" "
      "role=\"img\" aria-label=\"jobs per 15 minutes, the last day\"></svg>\n";
  out += "<p class=\"alive\"><a href=\"/instances\"><span id=\"alive\">" + std::to_string(instances_alive) +
         "</span> instances alive</a> (a heartbeat within the last minute)</p>\n";
  out += "<h2>Queues</h2>\n<table class=\"queues\" id=\"queues\" data-actions=\"" +
         std::string(actions ? "true" : "false") +
         "\">\n<tr><th>queue</th><th>pending</th>"
         "<th>running</th><th>paused</th></tr>\n";
  for (const jobs::queue_info& q : stats.queues) {
    out += "<tr>" + cell(q.name) + "<td>" + std::to_string(q.pending) + "</td><td>" + std::to_string(q.running) +
           "</td><td>" + (q.paused ? "paused" : "") + "</td>";
    if (actions) {
      const std::string action = q.paused ? "resume" : "pause";
      out += "<td><button type=\"button\" data-queue=\"" + escape_html(q.name) + "\" data-queue-action=\"" + action +
             "\">" + action + "</button></td>";
    }
    out += "</tr>\n";
  }
  out += "</table>\n<p class=\"warning\" id=\"unserved\"";
  if (stats.unserved_kinds.empty()) out += " hidden";
  out += ">Due jobs of kinds no live instance serves: <code>";
  for (std::size_t i = 0; i < stats.unserved_kinds.size(); ++i) {
    out += (i > 0 ? " " : "") + escape_html(stats.unserved_kinds[i]);
  }
  out += "</code></p>\n<h2>Since the store was created</h2>\n<p class=\"totals\" id=\"totals\">";
  const std::pair<const char*, std::uint64_t> totals[] = {{"enqueued", stats.enqueued},    {"claimed", stats.claimed},
                                                          {"succeeded", stats.succeeded},  {"failed", stats.failed},
                                                          {"retried", stats.retried},      {"rescued", stats.rescued},
                                                          {"lease_lost", stats.lease_lost}};
  for (std::size_t i = 0; i < std::size(totals); ++i) {
    out += std::string(i > 0 ? ", " : "") + totals[i].first + " <span data-total=\"" + totals[i].first + "\">" +
           std::to_string(totals[i].second) + "</span>";
  }
  out += "</p>\n";
  return out + page_tail();
}

std::string jobs_page(const jobs::job_query& query, const jobs::job_page& page) {
  const std::string state = query.state ? std::string(jobs::to_string(*query.state)) : std::string();
  std::string out = page_head(state.empty() ? "jobs" : state + " jobs");
  out += "<h1>" + (state.empty() ? std::string("Jobs") : state + " jobs") + "</h1>\n";
  // The filters, as a plain GET form: its address is the page's, bookmarkable.
  out +=
      "<form class=\"filters\" method=\"get\" action=\"/jobs\"><label>state <select name=\"state\">"
      "<option value=\"\">any</option>";
  for (const jobs::job_state s : jobs::all_job_states) {
    const std::string name{jobs::to_string(s)};
    out += "<option" + std::string(name == state ? " selected" : "") + ">" + name + "</option>";
  }
  out += "</select></label> <label>kind <input name=\"kind\" value=\"" + escape_html(query.kind) +
         "\"></label> <label>queue <input name=\"queue\" value=\"" + escape_html(query.queue) +
         "\"></label> <label>id or unique key <input name=\"search\" value=\"" + escape_html(query.search) +
         "\"></label> <button type=\"submit\">show</button></form>\n";
  out += "<p>" + std::to_string(page.total) + " in all</p>\n";
  out +=
      "<table class=\"jobs\">\n<tr><th>id</th><th>state</th><th>kind</th><th>queue</th><th>attempt</th>"
      "<th>epoch</th><th>scheduled</th><th>last error</th></tr>\n";
  for (const jobs::job& j : page.jobs) {
    const std::string id = std::to_string(j.id);
    out += "<tr><td><a href=\"/jobs/" + id + "\">" + id + "</a></td>" + cell(jobs::to_string(j.state)) + cell(j.kind) +
           cell(j.queue) + "<td>" + std::to_string(j.attempt) + "/" + std::to_string(j.max_attempts) + "</td><td>" +
           std::to_string(j.epoch) + "</td>" + cell(jobs::format_utc_micros(j.scheduled_at)) + cell(j.last_error) +
           "</tr>\n";
  }
  out += "</table>\n<p class=\"pages\">";
  // The same filters on the next and previous pages, each value percent-encoded.
  std::string base = "/jobs?";
  const auto param = [&base](std::string_view name, std::string_view value) {
    if (!value.empty()) base += std::string(name) + "=" + percent_encode(value) + "&amp;";
  };
  param("state", state);
  param("kind", query.kind);
  param("queue", query.queue);
  param("search", query.search);
  base += "page=";
  if (query.page > 0) out += "<a href=\"" + base + std::to_string(query.page - 1) + "\">\u2190 newer</a> ";
  if ((query.page + 1) * query.page_size < page.total)
    out += "<a href=\"" + base + std::to_string(query.page + 1) + "\">older \u2192</a>";
  out += "</p>\n";
  return out + page_tail();
}

std::optional<utc_time> next_occurrence(const jobs::recurring_definition& r, utc_time now) {
  try {
    return jobs::plan_recurring(r, now).next;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string recurring_page(const std::vector<jobs::recurring_definition>& all, utc_time now, bool actions) {
  std::string out = page_head("recurring jobs");
  out +=
      "<h1>Recurring jobs</h1>\n<table class=\"recurring\">\n<tr><th>name</th><th>schedule</th><th>expression</th>"
      "<th>zone</th><th>kind</th><th>queue</th><th>misfire policy</th><th>next</th><th>last fired</th>"
      "<th>misfires</th>";
  if (actions) out += "<th></th>";
  out += "</tr>\n";
  for (const auto& r : all) {
    std::string words;
    try {
      words = cron::describe(cron::expression{r.expression, r.dialect});
    } catch (const std::exception&) {
      words = "(not an expression of its dialect)";
    }
    const auto j = jobs::to_json(r);
    out += "<tr>" + cell(r.name) + cell(words) + "<td><code>" + escape_html(r.expression) + "</code> " +
           escape_html(j["dialect"].get<std::string>()) + "</td>" + cell(r.zone) + cell(r.kind) + cell(r.queue) +
           cell(j["misfire"]["policy"].get<std::string>()) + cell([&] {
             const auto next = next_occurrence(r, now);
             return next ? jobs::format_utc_micros(*next) : std::string("none");
           }()) +
           cell(r.last_fired ? jobs::format_utc_micros(*r.last_fired) : std::string("never")) + "<td>" +
           std::to_string(r.misfires) + "</td>";
    if (actions) {
      out += "<td><button type=\"button\" data-trigger=\"" + escape_html(r.name) + "\">trigger now</button></td>";
    }
    out += "</tr>\n";
  }
  out += "</table>\n";
  if (all.empty()) out += "<p>No recurring job is stored.</p>\n";
  if (actions) out += "<p><span id=\"action-result\"></span></p>\n";
  return out + page_tail();
}

std::string instances_page(const std::vector<jobs::instance_info>& all, utc_time now) {
  std::string out = page_head("instances");
  out +=
      "<h1>Instances</h1>\n<table class=\"instances\">\n<tr><th>name</th><th>host</th><th>started</th>"
      "<th>last heartbeat</th><th>alive</th><th>concurrency</th><th>queues</th><th>kinds</th><th>clock "
      "skew</th></tr>\n";
  const auto joined = [](const std::vector<std::string>& v) {
    std::string text;
    for (const auto& x : v) text += (text.empty() ? "" : ", ") + x;
    return text;
  };
  for (const auto& i : all) {
    out += "<tr>" + cell(i.name) + cell(i.host) + cell(jobs::format_utc_micros(i.started)) +
           cell(jobs::format_utc_micros(i.last_heartbeat)) + cell(is_alive(i, now) ? "yes" : "no") + "<td>" +
           std::to_string(i.concurrency) + "</td>" + cell(joined(i.queues)) + cell(joined(i.kinds)) +
           cell(format_duration(i.clock_skew)) + "</tr>\n";
  }
  out += "</table>\n";
  if (all.empty()) out += "<p>No instance is registered.</p>\n";
  return out + page_tail();
}

std::string signin_page(std::string_view message) {
  std::string out = page_head("sign in");
  out += "<h1>Sign in</h1>\n";
  if (!message.empty()) out += "<p class=\"warning\">" + escape_html(message) + "</p>\n";
  out +=
      "<form method=\"post\" action=\"/signin\"><label>access token <input type=\"password\" name=\"token\" "
      "autocomplete=\"current-password\" required></label> <button type=\"submit\">sign in</button></form>\n";
  return out + page_tail();
}

std::string job_detail_page(const jobs::job& j, const std::vector<jobs::history_entry>& history, bool actions) {
  const std::string id = std::to_string(j.id);
  std::string out = page_head("job " + id);
  out += "<h1>Job " + id + " <span class=\"state " + std::string(jobs::to_string(j.state)) + "\">" +
         std::string(jobs::to_string(j.state)) + "</span></h1>\n<dl class=\"job\">\n";
  const auto row = [&out](std::string_view name, std::string_view value) {
    out += "<dt>" + std::string(name) + "</dt><dd>" + escape_html(value) + "</dd>\n";
  };
  row("kind", j.kind);
  row("queue", j.queue);
  row("attempt", std::to_string(j.attempt) + " of " + std::to_string(j.max_attempts));
  row("epoch (fencing token)", std::to_string(j.epoch));
  row("scheduled", jobs::format_utc_micros(j.scheduled_at));
  if (!j.lease_owner.empty()) row("claimed by", j.lease_owner);
  if (!j.unique_key.empty()) row("unique key", j.unique_key);
  if (!j.last_error.empty()) row("last error", j.last_error);
  row("payload", j.payload);
  out += "</dl>\n";
  if (actions) {
    // The actions the job's state allows (the store refuses the others with not_allowed anyway).
    using jobs::job_state;
    const job_state st = j.state;
    const bool finished = st == job_state::succeeded || st == job_state::failed || st == job_state::cancelled;
    const bool waiting = st == job_state::scheduled || st == job_state::retrying;
    out += "<p class=\"actions\">";
    for (const auto& [action, label, allowed] :
         {std::tuple{"run_now", "run now", waiting}, std::tuple{"retry", "retry", finished},
          std::tuple{"cancel", "cancel", !finished}, std::tuple{"delete", "delete", finished}}) {
      if (!allowed) continue;
      out += "<button type=\"button\" data-action=\"" + std::string(action) + "\" data-job=\"" + id + "\">" + label +
             "</button> ";
    }
    out += "<span id=\"action-result\"></span></p>\n";
  }
  out += "<p><a href=\"/jobs/" + id + "/timeline\">its history as a timeline</a> (a lane per instance)</p>\n";
  out +=
      "<h2>History</h2>\n<table class=\"history\">\n<tr><th>at</th><th>event</th><th>epoch</th>"
      "<th>attempt</th><th>by</th><th>due</th><th>detail</th></tr>\n";
  for (const jobs::history_entry& h : history) {
    const std::string event{jobs::to_string(h.event)};
    out += "<tr class=\"" + event + "\">" + cell(jobs::format_utc_micros(h.at)) + cell(event) + "<td>" +
           std::to_string(h.epoch) + "</td><td>" + std::to_string(h.attempt) + "</td>" + cell(h.instance) +
           cell(h.scheduled ? jobs::format_utc_micros(*h.scheduled) : std::string()) + cell(h.detail) + "</tr>\n";
  }
  out += "</table>\n";
  return out + page_tail();
}

const std::string_view dashboard_css =
    R"(body { font: 14px/1.45 system-ui, "DejaVu Sans", sans-serif; margin: 0; color: #1f2937; background: #f5f6f8; }
nav { padding: 10px 20px; background: #111827; color: #f9fafb; }
nav a { color: #c7d2fe; margin-left: 14px; }
main { padding: 16px 20px; max-width: 1400px; }
table { border-collapse: collapse; background: #fff; margin: 8px 0 16px; display: block; overflow-x: auto; width: max-content; max-width: 100%; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e5e7eb; text-align: left; vertical-align: top; }
th { white-space: nowrap; }
td { overflow-wrap: break-word; max-width: 48em; }
td.count { font-size: 22px; font-weight: 650; text-align: center; }
tr.lease_lost td, .state.failed { color: #b91c1c; }
.state { font-size: 14px; padding: 2px 8px; border-radius: 999px; background: #e5e7eb; }
.state.succeeded { background: #dcfce7; color: #15803d; }
svg.chart { display: block; width: 600px; height: 100px; background: #fff; border: 1px solid #e5e7eb; }
svg.chart rect.ok { fill: #16a34a; }
svg.chart rect.bad { fill: #dc2626; }
.chart-title { color: #6b7280; font-size: 12px; margin: 8px 0 2px; }
dl.job { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; }
dd { margin: 0; font-family: ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
.warning { color: #b45309; }
)";

// The overview, live: /api/stats every two seconds, written with textContent only.
const std::string_view dashboard_js = R"((function () {
  'use strict';
  const states = document.getElementById('states');
  if (!states) return;
  function render(s) {
    for (const td of states.querySelectorAll('td[data-state]')) td.textContent = String(s.states[td.dataset.state] ?? 0);
    for (const span of document.querySelectorAll('#totals span[data-total]')) {
      span.textContent = String(s.store[span.dataset.total] ?? 0);
    }
    const unserved = document.getElementById('unserved');
    unserved.hidden = s.unserved_kinds.length === 0;
    unserved.querySelector('code').textContent = s.unserved_kinds.join(' ');
    const table = document.getElementById('queues');
    for (const row of [...table.rows].slice(1)) row.remove();
    for (const q of s.queues) {
      const row = table.insertRow();
      for (const value of [q.name, String(q.pending), String(q.running), q.paused ? 'paused' : '']) {
        row.insertCell().textContent = value;
      }
      if (table.dataset.actions === 'true') {
        const button = document.createElement('button');
        button.type = 'button';
        button.dataset.queue = q.name;
        button.dataset.queueAction = q.paused ? 'resume' : 'pause';
        button.textContent = button.dataset.queueAction;
        row.insertCell().appendChild(button);
      }
    }
  }
  async function refresh() {
    try {
      const r = await fetch('/api/stats', { credentials: 'same-origin' });
      if (r.ok) render(await r.json());
      const i = await fetch('/api/instances', { credentials: 'same-origin' });
      if (i.ok) document.getElementById('alive').textContent = String((await i.json()).filter((x) => x.alive).length);
    } catch (e) {
      // The next refresh tries again.
    }
  }
  setInterval(refresh, 2000);
  // Pause and resume, on the queues' table (its rows are drawn again with every refresh).
  document.getElementById('queues').addEventListener('click', async (event) => {
    const button = event.target.closest('button[data-queue-action]');
    if (!button) return;
    await fetch('/api/queues/' + encodeURIComponent(button.dataset.queue) + '/' + button.dataset.queueAction,
                { method: 'POST', credentials: 'same-origin' }).catch(() => {});
    refresh();
  });
})();

// The overview's charts: succeeded (green) and failed (red) per minute or per bin of minutes,
// from /api/per_minute, every ten seconds; bars carry their counts as data attributes.
(function () {
  'use strict';
  const SVG = 'http://www.w3.org/2000/svg';
  const charts = document.querySelectorAll('svg.chart[data-minutes]');
  if (!charts.length) return;
  async function draw(svg) {
    try {
      const r = await fetch('/api/per_minute?minutes=' + svg.dataset.minutes, { credentials: 'same-origin' });
      if (!r.ok) return;
      const minutes = await r.json();
      const bin = Number(svg.dataset.bin);
      const bins = [];
      for (let i = 0; i < minutes.length; i += bin) {
        const part = minutes.slice(i, i + bin);
        bins.push({ from: part[0].minute, succeeded: part.reduce((a, m) => a + m.succeeded, 0),
                    failed: part.reduce((a, m) => a + m.failed, 0) });
      }
      const max = Math.max(1, ...bins.map((b) => b.succeeded + b.failed));
      while (svg.firstChild) svg.removeChild(svg.firstChild);
      const w = 600 / bins.length;
      bins.forEach((b, i) => {
        const g = document.createElementNS(SVG, 'g');
        g.setAttribute('data-succeeded', String(b.succeeded));
        g.setAttribute('data-failed', String(b.failed));
        const title = document.createElementNS(SVG, 'title');
        title.textContent = b.from + ': ' + b.succeeded + ' succeeded, ' + b.failed + ' failed';
        g.appendChild(title);
        let y = 100;
        for (const [count, cls] of [[b.succeeded, 'ok'], [b.failed, 'bad']]) {
          const h = 96 * count / max;
          const rect = document.createElementNS(SVG, 'rect');
          rect.setAttribute('class', cls);
          rect.setAttribute('x', String(i * w + 0.5));
          rect.setAttribute('width', String(Math.max(0.5, w - 1)));
          rect.setAttribute('y', String(y - h));
          rect.setAttribute('height', String(h));
          g.appendChild(rect);
          y -= h;
        }
        svg.appendChild(g);
      });
    } catch (e) {
      // The next round tries again.
    }
  }
  for (const svg of charts) {
    draw(svg);
    setInterval(() => draw(svg), 10000);
  }
})();

// "trigger now" on the recurring jobs' page.
(function () {
  'use strict';
  for (const button of document.querySelectorAll('button[data-trigger]')) {
    button.addEventListener('click', async () => {
      const result = document.getElementById('action-result');
      try {
        const r = await fetch('/api/recurring/' + encodeURIComponent(button.dataset.trigger) + '/trigger',
                              { method: 'POST', credentials: 'same-origin' });
        const body = await r.json();
        result.textContent = r.ok ? button.dataset.trigger + ': job ' + body.job + ' enqueued' : (body.error || String(r.status));
      } catch (e) {
        result.textContent = 'the dashboard did not answer';
      }
    });
  }
})();

// A job's action buttons: POST to /api/ (the sign-in cookie goes along, same origin only), then
// the page again to show the job's new state.
(function () {
  'use strict';
  for (const button of document.querySelectorAll('button[data-action]')) {
    button.addEventListener('click', async () => {
      const result = document.getElementById('action-result');
      try {
        const r = await fetch('/api/jobs/' + button.dataset.job + '/' + button.dataset.action,
                              { method: 'POST', credentials: 'same-origin' });
        const body = await r.json();
        if (r.ok && button.dataset.action === 'delete') { location.assign('/jobs'); return; }
        if (r.ok) { location.reload(); return; }
        result.textContent = body.error || body.outcome || ('refused: ' + r.status);
      } catch (e) {
        result.textContent = 'the dashboard did not answer';
      }
    });
  }
})();
)";

}  // namespace clockwork::dashboard::detail
