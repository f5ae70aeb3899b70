#include "clockwork/dashboard/dashboard.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <charconv>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "access.hpp"
#include "bounded_task_queue.hpp"
#include "clockwork/diagnostics/timeline_html.hpp"
#include "clockwork/jobs/job_json.hpp"
#include "clockwork/jobs/job_state.hpp"
#include "on_loop.hpp"
#include "pages.hpp"
#include "services_view.hpp"
#include "timeline_pages.hpp"

namespace clockwork::dashboard {
namespace {

using json = nlohmann::json;

// Allows the server's own scripts and styles only: no inline script, no outside resource, no
// framing by another site.
constexpr const char* content_security_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

void security_headers(httplib::Response& res) {
  res.set_header("Content-Security-Policy", content_security_policy);
  res.set_header("X-Content-Type-Options", "nosniff");
  // Not no-referrer: under it a browser sends `Origin: null` with its own same-origin form posts
  // (the Fetch standard's rule for POST), and the Origin check would refuse the sign-in form.
  res.set_header("Referrer-Policy", "same-origin");
  res.set_header("Cache-Control", "no-store");
}

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  // Invalid UTF-8 from a store (a job's error text, say) is replaced, never a failed response.
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void send_error(httplib::Response& res, int status, std::string message) {
  send_json(res, status, json{{"error", std::move(message)}});
}

std::optional<std::uint64_t> whole_number(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

detail::request_view view_of(const httplib::Request& req) {
  const auto header = [&req](const char* name) { return req.get_header_value(name); };
  return {header("Authorization"), header("Cookie"), header("Origin")};
}

}  // namespace

struct dashboard_server::impl {
  impl(real_runtime& runtime, std::shared_ptr<jobs::job_store> job_store, dashboard_options o)
      : rt(runtime), store(std::move(job_store)), options(std::move(o)) {}

  real_runtime& rt;
  std::shared_ptr<jobs::job_store> store;
  dashboard_options options;
  httplib::Server server;
  std::thread serving;
  std::atomic<bool> serving_ended{false};  // listen_after_bind returned (stopped, or never ran)
  std::uint16_t bound = 0;
  std::optional<detail::access_policy> access;
  std::shared_ptr<const host_status> host;       // none: the dashboard runs in no host
  std::shared_ptr<const recent_history> recent;  // the host's recent events

  // The instances, and the store's clock to tell the live ones by.
  std::optional<std::pair<std::vector<jobs::instance_info>, utc_time>> instances(httplib::Response& res) {
    using answer = std::pair<std::vector<jobs::instance_info>, utc_time>;
    return ask<answer>(res, [store = store]() -> task<answer> {
      auto all = co_await store->instances();
      const utc_time now = co_await store->now();
      co_return answer{std::move(all), now};
    });
  }

  // The recurring jobs, and the store's clock to tell their next occurrences by.
  std::optional<std::pair<std::vector<jobs::recurring_definition>, utc_time>> recurring(httplib::Response& res) {
    using answer = std::pair<std::vector<jobs::recurring_definition>, utc_time>;
    return ask<answer>(res, [store = store]() -> task<answer> {
      auto all = co_await store->recurring();
      const utc_time now = co_await store->now();
      co_return answer{std::move(all), now};
    });
  }

  // The services page's data, read on the loop (host_status belongs to it).
  std::optional<detail::services_view> services(httplib::Response& res) {
    return ask<detail::services_view>(res, [status = host, history = recent]() -> task<detail::services_view> {
      co_return detail::read_services(status.get(), history.get());
    });
  }

  // A store call on the runtime's loop: its answer, or a response already written (503 when it
  // did not come in time, 503 when the store is unavailable).
  template <class T>
  std::optional<T> ask(httplib::Response& res, std::function<task<T>()> call) {
    try {
      auto answer = detail::on_loop<T>(rt, options.store_timeout, std::move(call));
      if (!answer)
        send_error(res, 503,
                   "the store did not answer within " + std::to_string(options.store_timeout.count()) + " ms");
      return answer;
    } catch (const jobs::store_unavailable& e) {
      send_error(res, 503, e.what());
    } catch (const std::exception& e) {
      send_error(res, 500, e.what());
    }
    return std::nullopt;
  }

  // The filters and page of a jobs request, or none with a 400 written.
  std::optional<jobs::job_query> query_of(const httplib::Request& req, httplib::Response& res) {
    jobs::job_query q;
    q.page_size = options.page_size;
    if (req.has_param("state") && !req.get_param_value("state").empty()) {
      const auto state = jobs::parse_job_state(req.get_param_value("state"));
      if (!state) {
        send_error(res, 400, "unknown state '" + req.get_param_value("state") + "'");
        return std::nullopt;
      }
      q.state = *state;
    }
    if (req.has_param("page")) {
      const auto page = whole_number(req.get_param_value("page"));
      if (!page || *page > 1'000'000) {
        send_error(res, 400, "page must be a whole number up to 1000000");
        return std::nullopt;
      }
      q.page = static_cast<std::size_t>(*page);
    }
    q.kind = req.get_param_value("kind");
    q.queue = req.get_param_value("queue");
    q.search = req.get_param_value("search");
    return q;
  }

  // The job the path names and its history, or none with the error written (400, 404, 503).
  std::optional<std::pair<jobs::job, std::vector<jobs::history_entry>>> job_with_history(const httplib::Request& req,
                                                                                         httplib::Response& res) {
    const auto id = whole_number(req.matches[1].str());
    if (!id || *id > static_cast<std::uint64_t>(INT64_MAX)) {
      send_error(res, 400, "not a job id");
      return std::nullopt;
    }
    const auto job_id = static_cast<jobs::job_id>(*id);
    const auto j = ask<std::optional<jobs::job>>(res, [store = store, job_id]() { return store->get(job_id); });
    if (!j) return std::nullopt;
    if (!*j) {
      send_error(res, 404, "no job " + std::to_string(job_id));
      return std::nullopt;
    }
    auto history =
        ask<std::vector<jobs::history_entry>>(res, [store = store, job_id]() { return store->history(job_id); });
    if (!history) return std::nullopt;
    return std::make_pair(**j, std::move(*history));
  }

  void routes() {
    server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      security_headers(res);
      // The sign-in form and the page's own script and style need no token.
      if (req.path == "/signin" || req.path.starts_with("/static/")) return httplib::Server::HandlerResponse::Unhandled;
      if (!access->may_read(view_of(req))) {
        if (req.path.starts_with("/api/")) {
          send_error(res, 401, "this dashboard needs its token: Authorization: Bearer TOKEN");
        } else {
          res.set_redirect("/signin", 303);
        }
        return httplib::Server::HandlerResponse::Handled;
      }
      return httplib::Server::HandlerResponse::Unhandled;
    });

    // ---- signing in: the token once, then an HttpOnly, SameSite=Strict cookie ----
    server.Get("/signin", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(detail::signin_page(""), "text/html; charset=utf-8");
    });
    server.Post("/signin", [this](const httplib::Request& req, httplib::Response& res) {
      const detail::request_view view = view_of(req);
      const std::string given = req.get_param_value("token");
      const detail::request_view with_token{"Bearer " + given, {}, view.origin};
      if (!access->token_required()) {
        res.set_redirect("/", 303);
        return;
      }
      // The same Origin rule as actions: no other site may sign a browser in.
      if (!access->may_act(with_token)) {
        res.status = 401;
        res.set_content(detail::signin_page("That is not this dashboard's token."), "text/html; charset=utf-8");
        return;
      }
      res.set_header("Set-Cookie",
                     std::string(detail::token_cookie) + "=" + given + "; HttpOnly; SameSite=Strict; Path=/");
      res.set_redirect("/", 303);
    });

    // ---- pages ----
    server.Get("/static/dashboard.css", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(detail::dashboard_css), "text/css");
    });
    server.Get("/static/dashboard.js", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(detail::dashboard_js), "text/javascript");
    });
    server.Get("/", [this](const httplib::Request&, httplib::Response& res) {
      const auto s = ask<jobs::store_stats>(res, [store = store]() { return store->stats(); });
      if (!s) return;
      const auto all = instances(res);
      if (!all) return;
      res.set_content(detail::overview_page(*s, detail::alive_count(all->first, all->second), options.actions),
                      "text/html; charset=utf-8");
    });
    server.Get("/jobs", [this](const httplib::Request& req, httplib::Response& res) {
      const auto q = query_of(req, res);
      if (!q) return;
      const auto found = ask<jobs::job_page>(res, [store = store, q = *q]() { return store->list(q); });
      if (!found) return;
      res.set_content(detail::jobs_page(*q, *found), "text/html; charset=utf-8");
    });
    server.Get(R"(/jobs/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      const auto found = job_with_history(req, res);
      if (found)
        res.set_content(detail::job_detail_page(found->first, found->second, options.actions),
                        "text/html; charset=utf-8");
    });

    server.Get("/recurring", [this](const httplib::Request&, httplib::Response& res) {
      const auto all = recurring(res);
      if (all)
        res.set_content(detail::recurring_page(all->first, all->second, options.actions), "text/html; charset=utf-8");
    });
    server.Get("/instances", [this](const httplib::Request&, httplib::Response& res) {
      const auto all = instances(res);
      if (all) res.set_content(detail::instances_page(all->first, all->second), "text/html; charset=utf-8");
    });

    server.Get("/services", [this](const httplib::Request&, httplib::Response& res) {
      const auto view = services(res);
      if (view) res.set_content(detail::services_page(*view), "text/html; charset=utf-8");
    });
    server.Get("/static/services.js", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(detail::services_js), "text/javascript");
    });
    // The timelines, drawn by the timeline renderer with its stylesheet and script linked.
    server.Get("/static/timeline.css", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(timeline_stylesheet()), "text/css");
    });
    server.Get("/static/timeline.js", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(timeline_script()), "text/javascript");
    });
    server.Get(R"(/jobs/(\d+)/timeline)", [this](const httplib::Request& req, httplib::Response& res) {
      const auto found = job_with_history(req, res);
      if (found) res.set_content(detail::job_timeline_page(found->first, found->second), "text/html; charset=utf-8");
    });
    server.Get("/services/timeline", [this](const httplib::Request&, httplib::Response& res) {
      if (!recent) {
        res.status = 404;
        res.set_content(detail::services_page(detail::services_view{}), "text/html; charset=utf-8");
        return;
      }
      const auto records = ask<std::vector<trace_record>>(
          res, [history = recent]() -> task<std::vector<trace_record>> { co_return history->records(); });
      if (records) res.set_content(detail::host_timeline_page(*records), "text/html; charset=utf-8");
    });

    // ---- the API ----
    server.Get("/api/services", [this](const httplib::Request&, httplib::Response& res) {
      const auto view = services(res);
      if (view) send_json(res, 200, detail::to_json(*view));
    });
    server.Get("/api/stats", [this](const httplib::Request&, httplib::Response& res) {
      const auto s = ask<jobs::store_stats>(res, [store = store]() { return store->stats(); });
      if (s) send_json(res, 200, jobs::to_json(*s));
    });

    server.Get("/api/jobs", [this](const httplib::Request& req, httplib::Response& res) {
      const auto q = query_of(req, res);
      if (!q) return;
      const auto found = ask<jobs::job_page>(res, [store = store, q = *q]() { return store->list(q); });
      if (!found) return;
      json all = json::array();
      for (const jobs::job& j : found->jobs) all.push_back(jobs::to_json(j));
      res.set_header("X-Total-Count", std::to_string(found->total));
      send_json(res, 200, all);
    });

    server.Get(R"(/api/jobs/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      const auto found = job_with_history(req, res);
      if (!found) return;
      json events = json::array();
      for (const auto& h : found->second) events.push_back(jobs::to_json(h));
      send_json(res, 200, json{{"job", jobs::to_json(found->first)}, {"history", events}});
    });

    // Succeeded and failed jobs per minute of the store's clock, the last `minutes` (60 unless given).
    server.Get("/api/per_minute", [this](const httplib::Request& req, httplib::Response& res) {
      std::uint64_t minutes = 60;
      if (req.has_param("minutes")) {
        const auto m = whole_number(req.get_param_value("minutes"));
        if (!m || *m == 0 || *m > 1440) return send_error(res, 400, "minutes must be a whole number from 1 to 1440");
        minutes = *m;
      }
      const auto counts = ask<std::vector<jobs::minute_count>>(
          res, [store = store, minutes]() -> task<std::vector<jobs::minute_count>> {
            const utc_time now = co_await store->now();
            const utc_time to = std::chrono::floor<std::chrono::minutes>(now) + std::chrono::minutes(1);
            co_return co_await store->per_minute(to - std::chrono::minutes(minutes), to);
          });
      if (!counts) return;
      json out = json::array();
      for (const auto& m : *counts) {
        out.push_back(
            {{"minute", jobs::format_utc_micros(m.minute)}, {"succeeded", m.succeeded}, {"failed", m.failed}});
      }
      send_json(res, 200, out);
    });

    server.Get("/api/recurring", [this](const httplib::Request&, httplib::Response& res) {
      const auto all = recurring(res);
      if (!all) return;
      json out = json::array();
      for (const auto& r : all->first) {
        json one = jobs::to_json(r);
        const auto next = detail::next_occurrence(r, all->second);
        one["next"] = next ? json(jobs::format_utc_micros(*next)) : json(nullptr);
        out.push_back(std::move(one));
      }
      send_json(res, 200, out);
    });

    server.Get("/api/instances", [this](const httplib::Request&, httplib::Response& res) {
      const auto all = instances(res);
      if (!all) return;
      json out = json::array();
      for (const auto& i : all->first) {
        json one = jobs::to_json(i);
        one["alive"] = detail::is_alive(i, all->second);
        out.push_back(std::move(one));
      }
      send_json(res, 200, out);
    });

    // ---- actions: POST, the token, no foreign origin, and only when enabled ----
    const auto action = [this](const httplib::Request& req, httplib::Response& res) {
      if (!options.actions) {
        send_error(res, 403, "actions are off on this dashboard (enable them with --actions)");
        return false;
      }
      if (!access->may_act(view_of(req))) {
        send_error(res, 403, "an action needs the token, from this dashboard's own origin");
        return false;
      }
      return true;
    };
    const auto job_action = [this, action](const char* what, auto call) {
      return [this, action, what, call](const httplib::Request& req, httplib::Response& res) {
        if (!action(req, res)) return;
        const auto id = whole_number(req.matches[1].str());
        if (!id || *id > static_cast<std::uint64_t>(INT64_MAX)) return send_error(res, 400, "not a job id");
        const auto job_id = static_cast<jobs::job_id>(*id);
        const auto outcome =
            ask<jobs::write_outcome>(res, [store = store, call, job_id]() { return call(*store, job_id); });
        if (!outcome) return;
        const int status = *outcome == jobs::write_outcome::applied     ? 200
                           : *outcome == jobs::write_outcome::not_found ? 404
                                                                        : 409;
        send_json(res, status,
                  json{{"job", job_id}, {"action", what}, {"outcome", std::string(jobs::to_string(*outcome))}});
      };
    };
    server.Post(R"(/api/jobs/(\d+)/retry)",
                job_action("retry", [](jobs::job_store& s, jobs::job_id id) { return s.retry(id); }));
    server.Post(R"(/api/jobs/(\d+)/cancel)",
                job_action("cancel", [](jobs::job_store& s, jobs::job_id id) { return s.cancel(id); }));
    server.Post(R"(/api/jobs/(\d+)/delete)",
                job_action("delete", [](jobs::job_store& s, jobs::job_id id) { return s.remove(id); }));
    server.Post(R"(/api/jobs/(\d+)/run_now)",
                job_action("run_now", [](jobs::job_store& s, jobs::job_id id) { return s.run_now(id); }));
    server.Post(
        R"(/api/recurring/([^/]+)/trigger)", [this, action](const httplib::Request& req, httplib::Response& res) {
          if (!action(req, res)) return;
          const std::string name = req.matches[1].str();
          const auto id =
              ask<std::optional<jobs::job_id>>(res, [store = store, name]() { return store->trigger_recurring(name); });
          if (!id) return;
          if (!*id) return send_error(res, 404, "no recurring job named '" + name + "'");
          send_json(res, 200, json{{"recurring", name}, {"job", **id}});
        });
    for (const bool pause : {true, false}) {
      server.Post(pause ? R"(/api/queues/([^/]+)/pause)" : R"(/api/queues/([^/]+)/resume)",
                  [this, action, pause](const httplib::Request& req, httplib::Response& res) {
                    if (!action(req, res)) return;
                    const std::string queue = req.matches[1].str();
                    const auto done = ask<bool>(res, [store = store, queue, pause]() -> task<bool> {
                      if (pause) {
                        co_await store->pause_queue(queue);
                      } else {
                        co_await store->resume_queue(queue);
                      }
                      co_return true;
                    });
                    if (done) send_json(res, 200, json{{"queue", queue}, {"paused", pause}});
                  });
    }
  }
};

dashboard_server::dashboard_server(real_runtime& rt, std::shared_ptr<jobs::job_store> store,
                                   dashboard_options options) {
  if (!store) throw std::invalid_argument("clockwork::dashboard: no job store given");
  if (options.threads == 0) throw std::invalid_argument("clockwork::dashboard: threads must be at least 1");
  if (options.waiting_connections == 0)
    throw std::invalid_argument("clockwork::dashboard: waiting_connections must be at least 1");
  if (options.max_request_bytes == 0)
    throw std::invalid_argument("clockwork::dashboard: max_request_bytes must be positive");
  if (options.page_size == 0 || options.page_size > 1000)
    throw std::invalid_argument("clockwork::dashboard: page_size must be from 1 to 1000");
  if (options.actions && options.token.empty()) {
    throw std::invalid_argument("clockwork::dashboard: actions need an access token (--token or --token-file)");
  }
  if (!detail::is_loopback(options.address) && options.token.empty()) {
    throw std::invalid_argument("clockwork::dashboard: listening on " + options.address +
                                " (not loopback) needs an access token (--token or --token-file)");
  }
  impl_ = std::make_unique<impl>(rt, std::move(store), std::move(options));
}

void dashboard_server::show_host(std::shared_ptr<const host_status> status,
                                 std::shared_ptr<const recent_history> recent) {
  impl_->host = std::move(status);
  impl_->recent = std::move(recent);
}

dashboard_server::~dashboard_server() {
  stop();
}

void dashboard_server::start() {
  impl& d = *impl_;
  const std::size_t threads = d.options.threads;
  const std::size_t waiting = d.options.waiting_connections;
  d.server.new_task_queue = [threads, waiting] { return new detail::bounded_task_queue(threads, waiting); };
  d.server.set_payload_max_length(d.options.max_request_bytes);
  // A response goes out in more than one write (headers, body): with Nagle's algorithm on, the
  // second waits for the client's delayed ACK — 40 ms on Linux — on every keep-alive request.
  d.server.set_tcp_nodelay(true);
  d.server.set_read_timeout(5, 0);
  d.server.set_write_timeout(5, 0);
  d.server.set_keep_alive_max_count(100);
  d.server.set_keep_alive_timeout(5);
  const int port = d.options.port == 0
                       ? d.server.bind_to_any_port(d.options.address)
                       : (d.server.bind_to_port(d.options.address, d.options.port) ? d.options.port : -1);
  if (port <= 0) {
    throw std::runtime_error("clockwork::dashboard: cannot listen on " + d.options.address + ":" +
                             std::to_string(d.options.port) + " (in use, or not an address of this machine)");
  }
  d.bound = static_cast<std::uint16_t>(port);
  d.access.emplace(d.options.token, url());
  d.routes();
  d.serving = std::thread([&d] {
    d.server.listen_after_bind();
    d.serving_ended = true;
  });
  // httplib's stop() shuts the socket only once the listening thread has marked itself running;
  // a stop that came before would be lost, and the thread would then wait in accept() for good
  // (a host started and stopped at once, on a loaded machine: seen). So start() returns once the
  // thread runs — a few microseconds, scheduling allowing; nothing here reads a clock.
  while (!d.server.is_running() && !d.serving_ended) std::this_thread::yield();
}

void dashboard_server::stop() {
  if (!impl_) return;
  impl_->server.stop();
  if (impl_->serving.joinable()) impl_->serving.join();
}

std::uint16_t dashboard_server::port() const noexcept {
  return impl_->bound;
}

std::string dashboard_server::url() const {
  const std::string& a = impl_->options.address;
  const bool v6 = a.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + a + "]" : a) + ":" + std::to_string(impl_->bound);
}

}  // namespace clockwork::dashboard
