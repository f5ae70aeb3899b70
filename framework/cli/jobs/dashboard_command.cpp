#include "dashboard_command.hpp"

#include <charconv>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <ostream>
#include <stop_token>

#include "clockwork/dashboard/dashboard.hpp"
#include "clockwork/runtime/real_runtime.hpp"

namespace clockwork::cli {
namespace {

struct listen_address {
  std::string address;
  std::uint16_t port = 0;
};

// ADDR:PORT, [V6]:PORT.
listen_address parse_listen(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    throw usage_error("--listen " + text + ": give ADDRESS:PORT, such as 127.0.0.1:8080 (port 0: a free one)");
  }
  listen_address l;
  l.address = text.substr(0, colon);
  if (l.address.size() > 2 && l.address.front() == '[' && l.address.back() == ']') {
    l.address = l.address.substr(1, l.address.size() - 2);
  }
  const std::string port = text.substr(colon + 1);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc{} || end != port.data() + port.size() || value > 65535) {
    throw usage_error("--listen " + text + ": the port must be a whole number from 0 to 65535");
  }
  l.port = static_cast<std::uint16_t>(value);
  return l;
}

std::string token_of(const dashboard_command_options& o) {
  if (!o.token.empty() && !o.token_file.empty()) throw usage_error("give --token or --token-file, not both");
  if (o.token_file.empty()) return o.token;
  std::ifstream in(o.token_file, std::ios::binary);
  if (!in) throw usage_error("--token-file " + o.token_file + ": cannot read it");
  std::string token{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.empty()) throw usage_error("--token-file " + o.token_file + ": the file is empty");
  return token;
}

}  // namespace

dashboard::dashboard_options server_options_of(const dashboard_command_options& o) {
  const listen_address where = parse_listen(o.listen);
  dashboard::dashboard_options options;
  options.address = where.address;
  options.port = where.port;
  options.token = token_of(o);
  options.actions = o.actions;
  return options;
}

int dashboard_command(const store_url& url, const dashboard_command_options& o, std::ostream& out, std::ostream& err) {
  const dashboard::dashboard_options options = server_options_of(o);
  real_runtime rt;
  const std::shared_ptr<jobs::job_store> store = open_store(url, rt, "dashboard");
  std::optional<dashboard::dashboard_server> server;
  try {
    server.emplace(rt, store, options);
  } catch (const std::invalid_argument& e) {
    throw usage_error(e.what());
  }
  std::stop_source stopping;
  // Before the server's threads start: they inherit the blocked signals.
  if (o.watch_signals) rt.stop_on_signals(stopping);
  std::stop_callback on_signal(stopping.get_token(), [&rt] { rt.request_stop(); });
  std::stop_callback on_stop(o.stop, [&rt] { rt.request_stop(); });
  server->start();
  out << "listening on " << server->url() << std::endl;
  if (!o.actions) err << "clockwork-jobs dashboard: read-only (--actions enables retry, cancel, delete, trigger)\n";
  rt.run();
  server->stop();
  return 0;
}

}  // namespace clockwork::cli
