// clockwork::dashboard — a web page and a JSON API over a job store, served by the process that
// holds the store: counts by state, jobs by state, a job's whole history (claims with their
// epochs, refused stale writes), recurring jobs, instances, queues, the services of the host it
// runs in (show_host); and, when enabled, the operator's actions (retry, cancel, delete, trigger
// now, pause and resume a queue).
//
// Safe by default:
//   - it listens on loopback (127.0.0.1) unless told otherwise, and refuses (std::invalid_argument)
//     any other address without an access token, which every request then needs;
//   - actions are off unless enabled, and always need the token, by POST only, with an Origin (when
//     the browser sends one) equal to the dashboard's own: no other site can make a browser act;
//   - the token is compared in constant time and never logged; a browser signs in once through a
//     form that sets an HttpOnly, SameSite=Strict cookie;
//   - requests and connections are bounded (max_request_bytes, threads, keep-alive limits), and
//     every response carries a Content-Security-Policy that allows the server's own scripts and
//     styles only.
//
// Threads: the HTTP server runs on threads of its own (cpp-httplib); they never touch the store or
// the host: each read or action is posted to the runtime's loop, which calls the store (or reads
// the host's status and its bounded recent_history) as any service would, and the HTTP thread
// waits for the answer (at most store_timeout: then 503).
//
// Why cpp-httplib: Debian 12 packages it as a compiled library (a 1,940-line header and a shared
// library), so a file that serves HTTP compiles in ~3 s of CPU; the other candidate, Boost.Beast
// (Boost 1.74), took ~15 s for the same minimal server and needs <utility> included before Asio to
// compile as C++20 with GCC 12. Its blocking thread-per-request model suits a page for operators.
//
// Example — production and test side by side:
//
//   // production: in a host, beside the workers (loopback; a token for anything else)
//   clockwork::dashboard::dashboard_options o;
//   o.port = 8080;
//   o.actions = true;
//   o.token = read_secret("/run/secrets/dashboard-token");
//   clockwork::dashboard::add_dashboard(builder, store, o);
//   // test: a free port, the API over HTTP
//   clockwork::dashboard::dashboard_server d{rt, store, {.port = 0}};
//   d.start();
//   auto stats = http_get(d.url() + "/api/stats");
//
// Thread safety: start() and stop() from one thread; url() and port() from any once started.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "clockwork/diagnostics/recent_history.hpp"
#include "clockwork/hosting/host_status.hpp"
#include "clockwork/jobs/job_store.hpp"
#include "clockwork/runtime/real_runtime.hpp"

namespace clockwork::dashboard {

struct dashboard_options {
  std::string address = "127.0.0.1";  // loopback unless told otherwise
  std::uint16_t port = 0;             // 0: a free port (port() says which)
  // Needed by every request when set; required for an address other than loopback. Compared in
  // constant time, never logged.
  std::string token;
  bool actions = false;  // retry, cancel, delete, trigger, pause/resume: off unless asked
  std::size_t max_request_bytes = 16 * 1024;
  std::size_t threads = 4;                        // connections served at once
  std::size_t waiting_connections = 16;           // accepted and waiting for a thread; past that, not accepted
  std::chrono::milliseconds store_timeout{5000};  // a store call that takes longer: 503
  std::size_t page_size = 50;
  // add_dashboard only: called on the loop with url() once the dashboard listens (a command that
  // prints where, a test that connects).
  std::function<void(const std::string& url)> on_listening;
};

class dashboard_server {
 public:
  // std::invalid_argument for options that are not safe or not sensible (a non-loopback address
  // without a token, zero threads, ...), naming the option.
  dashboard_server(real_runtime& rt, std::shared_ptr<jobs::job_store> store, dashboard_options options = {});
  ~dashboard_server();
  dashboard_server(const dashboard_server&) = delete;
  dashboard_server& operator=(const dashboard_server&) = delete;

  // What the services page (/services, /api/services) shows: the host the dashboard runs in and
  // its recent history (add_dashboard gives both). Without them the page says that this
  // dashboard runs in no host. Call before start().
  void show_host(std::shared_ptr<const host_status> status, std::shared_ptr<const recent_history> recent);

  // Binds and serves on threads of its own. std::runtime_error naming the address when it
  // cannot bind.
  void start();
  // Stops serving and joins the server's threads. Idempotent.
  void stop();

  std::uint16_t port() const noexcept;
  // http://ADDRESS:PORT
  std::string url() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace clockwork::dashboard
