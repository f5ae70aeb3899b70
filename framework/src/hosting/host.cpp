#include "clockwork/hosting/host.hpp"

#include <spdlog/logger.h>

#include <optional>
#include <stdexcept>

#include "clockwork/diagnostics/trace.hpp"
#include "clockwork/hosting/detail/host_state.hpp"
#include "clockwork/runtime/async_event.hpp"
#include "clockwork/runtime/cancellation.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork {

std::string_view to_string(service_state state) noexcept {
  switch (state) {
    case service_state::created: return "created";
    case service_state::running: return "running";
    case service_state::faulted: return "faulted";
    case service_state::stopped: return "stopped";
    case service_state::abandoned: return "abandoned";
  }
  return "unknown";
}

std::string_view to_string(failure_kind kind) noexcept {
  switch (kind) {
    case failure_kind::faulted: return "faulted";
    case failure_kind::start_failed: return "start_failed";
    case failure_kind::startup_timeout: return "startup_timeout";
    case failure_kind::stop_failed: return "stop_failed";
    case failure_kind::abandoned: return "abandoned";
  }
  return "unknown";
}

std::string host_result::summary() const {
  if (failures.empty()) return "ok";
  std::string out;
  for (const auto& f : failures) {
    if (!out.empty()) out += '\n';
    out += f.service + ": " + std::string(to_string(f.kind)) + ": " + f.message;
  }
  return out;
}

namespace {

using detail::host_phase;
using detail::service_slot;
using state_ptr = std::shared_ptr<host::state>;

// One run of a service: execute(), then whatever the exception policy says, until it ends.
task<> run_service(state_ptr st, service_slot* slot) {
  const std::shared_ptr<background_service> service = slot->service;  // keeps it alive
  for (;;) {
    std::exception_ptr error;
    bool canceled = false;
    try {
      co_await service->execute(slot->stopping.get_token());
    } catch (const operation_canceled&) {
      error = std::current_exception();
      canceled = true;
    } catch (...) {
      error = std::current_exception();
    }
    const bool stop_requested = slot->stopping.stop_requested();
    if (!error) {
      if (!stop_requested) st->ended_early(*slot);
      break;
    }
    if (stop_requested && canceled) break;  // the graceful end of a stop
    st->faulted(*slot, error);
    if (st->options.on_service_exception != service_exception_behavior::restart || stop_requested) break;
    const auto& policy = st->options.restart;
    if (policy.max_restarts && slot->restarts >= *policy.max_restarts) {
      st->logger->error("service '{}' will not be restarted: it already was {} time(s)", slot->name, slot->restarts);
      break;
    }
    const auto backoff = policy.delay_before(slot->restarts + 1);
    st->logger->warn("service '{}' restarts in {}", slot->name, format_duration(backoff));
    try {
      co_await st->rt->delay(backoff, slot->stopping.get_token());
    } catch (const operation_canceled&) {
      break;  // stopped during the backoff
    }
    ++slot->restarts;
    slot->state = service_state::running;
    st->record(trace_kind::service_restarted, slot->name, {{"restart", std::to_string(slot->restarts)}});
  }
  slot->running = false;
  if (slot->state == service_state::abandoned) {
    st->logger->warn("abandoned service '{}' ended {} after the shutdown deadline", slot->name,
                     format_duration(st->rt->now() - st->stop_deadline));
    st->record("service_ended_after_abandon", slot->name,
               {{"overshoot", format_duration(st->rt->now() - st->stop_deadline)}});
  } else if (slot->state == service_state::running) {
    slot->state = service_state::stopped;
  }
  slot->done->set();
}

// Runs one hook per service, in the given order, sequentially or all at once; returns the
// exceptions by slot (null where the hook succeeded).
using hook = task<> (background_service::*)(std::stop_token);

task<> call_hook(std::shared_ptr<background_service> service, hook which, std::stop_token token,
                 std::exception_ptr* error, std::size_t* remaining, async_event* all_done) {
  try {
    co_await ((*service).*which)(token);
  } catch (...) {
    *error = std::current_exception();
  }
  if (--*remaining == 0) all_done->set();
}

task<std::vector<std::exception_ptr>> run_hooks(state_ptr st, std::vector<service_slot*> order, hook which,
                                                std::stop_token token, bool concurrently) {
  std::vector<std::exception_ptr> errors(order.size());
  if (order.empty()) co_return errors;
  if (!concurrently) {
    for (std::size_t i = 0; i < order.size(); ++i) {
      std::size_t one = 1;
      async_event done{*st->rt, "hook"};
      co_await call_hook(order[i]->service, which, token, &errors[i], &one, &done);
    }
    co_return errors;
  }
  std::size_t remaining = order.size();
  async_event all_done{*st->rt, "lifecycle hooks"};
  for (std::size_t i = 0; i < order.size(); ++i) {
    st->rt->spawn(call_hook(order[i]->service, which, token, &errors[i], &remaining, &all_done),
                  order[i]->name + " (hook)");
  }
  co_await all_done.wait();
  co_return errors;
}

std::vector<service_slot*> in_order(host::state& st, bool reverse) {
  std::vector<service_slot*> out;
  for (auto& slot : st.slots) out.push_back(slot.get());
  if (reverse) std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace

// ---- host::state -----------------------------------------------------------------------------

void host::state::record(std::string_view kind, std::string_view source, trace_fields fields) {
  if (tracer != nullptr && tracer->wants(kind)) tracer->record(kind, source, std::move(fields));
}

void host::state::fail(std::string service, failure_kind kind, std::string message, std::exception_ptr error) {
  failures.push_back({std::move(service), kind, std::move(message), rt->now(), std::move(error)});
}

void host::state::faulted(service_slot& slot, const std::exception_ptr& error) {
  const std::string what = describe_exception(error);
  slot.state = service_state::faulted;
  fail(slot.name, failure_kind::faulted, "execute threw: " + what, error);
  logger->error("background service '{}' failed: {}", slot.name, what);
  record(trace_kind::service_faulted, slot.name, {{"error", what}});
  rt->report(finding_kind::service_faulted, slot.name, "execute threw: " + what);
  if (options.on_service_exception == service_exception_behavior::stop_host) {
    logger->critical("the host is stopping because background service '{}' failed (on_service_exception = stop_host)",
                     slot.name);
    lifetime.stop_application();
  }
}

void host::state::ended_early(service_slot& slot) {
  logger->warn("background service '{}' returned from execute before stop was requested; it does no more work",
               slot.name);
  rt->report(finding_kind::service_faulted, slot.name,
             "execute returned before stop was requested: the service stopped working silently");
}

// ---- host ------------------------------------------------------------------------------------

host::host(std::shared_ptr<state> s) noexcept : state_(std::move(s)) {}
host::host(host&&) noexcept = default;
host& host::operator=(host&&) noexcept = default;

host::~host() {
  if (!state_) return;
  state& st = *state_;
  if (st.phase == host_phase::starting || st.phase == host_phase::running) {
    st.logger->warn("host destroyed without stop(): requesting stop of every service");
    st.lifetime.stop_application();
    for (auto& slot : st.slots) slot->stopping.request_stop();
  }
}

application_lifetime& host::lifetime() noexcept {
  return state_->lifetime;
}
service_provider& host::services() noexcept {
  return *state_->provider;
}
runtime& host::rt() const noexcept {
  return *state_->rt;
}
const std::shared_ptr<spdlog::logger>& host::logger() const noexcept {
  return state_->logger;
}
const host_options& host::options() const noexcept {
  return state_->options;
}

host_result host::result() const {
  host_result r;
  r.failures = state_->failures;
  r.exit_code = r.failures.empty() ? 0 : 1;
  return r;
}

std::vector<std::string> host::service_names() const {
  std::vector<std::string> names;
  for (const auto& slot : state_->slots) names.push_back(slot->name);
  return names;
}

service_slot& host::state::slot(std::string_view name) const {
  for (const auto& s : slots) {
    if (s->name == name) return *s;
  }
  throw std::out_of_range("clockwork::host: no service named '" + std::string(name) + "'");
}

service_state host::state_of(std::string_view service) const {
  return state_->slot(service).state;
}
unsigned host::restarts_of(std::string_view service) const {
  return state_->slot(service).restarts;
}
std::shared_ptr<background_service> host::service(std::string_view name) const {
  return state_->slot(name).service;
}

task<> host::start(std::stop_token token) {
  const state_ptr st = state_;
  if (st->phase != host_phase::created) {
    throw std::logic_error("clockwork::host::start: the host was already started (or stopped); a host starts once");
  }
  if (st->rt->shutting_down()) throw std::logic_error("clockwork::host::start: the runtime is shutting down");
  st->phase = host_phase::starting;
  st->logger->info("hosting starting: {} service(s)", st->slots.size());

  std::stop_source startup_timer;
  std::optional<cancel_after> startup_guard;
  if (st->options.startup_timeout) startup_guard.emplace(*st->rt, startup_timer, *st->options.startup_timeout);
  const linked_stop_source link{token, startup_timer.get_token()};
  const std::stop_token start_token = link.token();

  // Reports why start stopped early and throws what the caller should see.
  auto check = [&]() {
    if (!start_token.stop_requested()) return;
    if (startup_guard && startup_guard->fired() && !token.stop_requested()) {
      const std::string message =
          "the host did not start within startup_timeout (" + format_duration(*st->options.startup_timeout) + ")";
      st->fail("host", failure_kind::startup_timeout, message, nullptr);
      st->logger->error("{}", message);
      throw timeout_error("clockwork::host::start: " + message);
    }
    st->fail("host", failure_kind::start_failed, "start was cancelled by its token", nullptr);
    throw operation_canceled{};
  };

  check();
  auto starting_errors = co_await run_hooks(st, in_order(*st, false), &background_service::starting, start_token,
                                            st->options.start_concurrently);
  check();  // a hook cancelled by the start token is the timeout's (or caller's) failure, not its own
  for (std::size_t i = 0; i < starting_errors.size(); ++i) {
    if (!starting_errors[i]) continue;
    const std::string what = describe_exception(starting_errors[i]);
    st->fail(st->slots[i]->name, failure_kind::start_failed, "starting hook threw: " + what, starting_errors[i]);
    st->logger->error("service '{}' failed in its starting hook: {}", st->slots[i]->name, what);
  }
  for (auto& e : starting_errors) {
    if (e) std::rethrow_exception(e);
  }

  for (auto& owned : st->slots) {
    service_slot& slot = *owned;
    check();
    st->record(trace_kind::service_starting, slot.name);
    const steady_time began = st->rt->now();
    slot.state = service_state::running;
    slot.running = true;
    if (st->options.inline_start) {
      st->rt->spawn_inline(run_service(st, &slot), slot.name);
    } else {
      st->rt->spawn(run_service(st, &slot), slot.name);
    }
    const auto took = st->rt->now() - began;
    if (took > st->options.startup_block_budget) {
      st->rt->report(finding_kind::startup_blocked, slot.name,
                     "start took " + format_duration(took) +
                         ": execute blocked before its first suspension and held up the start of the host");
    }
    st->record(trace_kind::service_started, slot.name);
  }

  check();
  auto started_errors = co_await run_hooks(st, in_order(*st, false), &background_service::started, start_token,
                                           st->options.start_concurrently);
  check();
  for (std::size_t i = 0; i < started_errors.size(); ++i) {
    if (!started_errors[i]) continue;
    const std::string what = describe_exception(started_errors[i]);
    st->fail(st->slots[i]->name, failure_kind::start_failed, "started hook threw: " + what, started_errors[i]);
    st->logger->error("service '{}' failed in its started hook: {}", st->slots[i]->name, what);
  }
  for (auto& e : started_errors) {
    if (e) std::rethrow_exception(e);
  }

  st->phase = host_phase::running;
  st->lifetime.notify_started();
  st->logger->info("application started");
}

task<> host::stop(std::stop_token token) {
  const state_ptr st = state_;
  if (st->phase == host_phase::created) {
    // Nothing was started, so nothing runs; the lifetime still reports the shutdown.
    st->phase = host_phase::stopped;
    st->lifetime.stop_application();
    st->lifetime.notify_stopped();
    st->stop_done->set();
    co_return;
  }
  if (st->phase == host_phase::stopping || st->phase == host_phase::stopped) {
    co_await st->stop_done->wait();  // a second stop waits for the first and changes nothing
    co_return;
  }
  st->phase = host_phase::stopping;
  st->lifetime.stop_application();
  st->logger->info("application is shutting down");
  st->record(trace_kind::stop_requested, "host");

  std::stop_source shutdown_timer;
  const cancel_after shutdown_guard{*st->rt, shutdown_timer, st->options.shutdown_timeout};
  const linked_stop_source link{token, shutdown_timer.get_token()};
  const std::stop_token shutdown = link.token();
  st->stop_deadline = st->rt->now() + st->options.shutdown_timeout;
  const auto reverse = in_order(*st, true);

  auto stopping_errors =
      co_await run_hooks(st, reverse, &background_service::stopping, shutdown, st->options.stop_concurrently);
  for (std::size_t i = 0; i < stopping_errors.size(); ++i) {
    if (!stopping_errors[i]) continue;
    const std::string what = describe_exception(stopping_errors[i]);
    st->fail(reverse[i]->name, failure_kind::stop_failed, "stopping hook threw: " + what, stopping_errors[i]);
    st->logger->error("service '{}' failed in its stopping hook: {}", reverse[i]->name, what);
  }

  bool out_of_time = false;
  auto request_stop = [&](service_slot& slot) {
    if (slot.stopping.stop_requested()) return;
    st->record(trace_kind::service_stopping, slot.name);
    slot.stopping.request_stop();
  };
  if (st->options.stop_concurrently) {
    for (service_slot* slot : reverse) request_stop(*slot);
  }
  for (service_slot* slot : reverse) {
    request_stop(*slot);
    if (out_of_time || !slot->running) continue;
    try {
      co_await slot->done->wait(shutdown);
    } catch (const operation_canceled&) {
      out_of_time = true;
    }
  }
  if (out_of_time) {
    // Give every service told to stop just now one turn to react before naming the ones still
    // running: a service that honours its token is not abandoned for being last in line.
    for (service_slot* slot : reverse) request_stop(*slot);
    co_await st->rt->yield();
    for (service_slot* slot : reverse) {
      if (!slot->running) continue;
      slot->state = service_state::abandoned;
      const std::string message = "still running " + format_duration(st->options.shutdown_timeout) +
                                  " after stop was requested (shutdown_timeout); abandoned";
      st->fail(slot->name, failure_kind::abandoned, message, nullptr);
      st->logger->error("background service '{}' {}", slot->name, message);
      st->record("service_abandoned", slot->name,
                 {{"shutdown_timeout", format_duration(st->options.shutdown_timeout)}});
      st->rt->report(finding_kind::cancellation_ignored, slot->name, "ignored cancellation: " + message);
    }
  }
  for (service_slot* slot : reverse) {
    if (!slot->running)
      st->record(trace_kind::service_stopped, slot->name, {{"state", std::string(to_string(slot->state))}});
  }

  auto stopped_errors =
      co_await run_hooks(st, reverse, &background_service::stopped, shutdown, st->options.stop_concurrently);
  for (std::size_t i = 0; i < stopped_errors.size(); ++i) {
    if (!stopped_errors[i]) continue;
    const std::string what = describe_exception(stopped_errors[i]);
    st->fail(reverse[i]->name, failure_kind::stop_failed, "stopped hook threw: " + what, stopped_errors[i]);
    st->logger->error("service '{}' failed in its stopped hook: {}", reverse[i]->name, what);
  }

  st->phase = host_phase::stopped;
  st->lifetime.notify_stopped();
  st->logger->info("application stopped: {}", st->failures.empty() ? std::string("ok") : result().summary());
  st->stop_done->set();
}

task<host_result> host::run(std::stop_token token) {
  const state_ptr st = state_;
  if (st->rt->shutting_down()) throw std::logic_error("clockwork::host::run: the runtime is shutting down");
  if (st->phase != host_phase::created) {
    throw std::logic_error("clockwork::host::run: the host was already started; run() starts it itself");
  }
  struct forward_stop {
    application_lifetime* lifetime;
    void operator()() const noexcept { lifetime->stop_application(); }
  };
  const std::stop_callback<forward_stop> on_token{token, forward_stop{&st->lifetime}};
  bool started = true;
  try {
    co_await start(token);
  } catch (...) {
    started = false;  // the failure is in the result; stop what did start
  }
  if (started && !st->lifetime.stop_requested()) {
    async_event never{*st->rt, "application stopping"};
    try {
      co_await never.wait(st->lifetime.stopping());
    } catch (const operation_canceled&) {
    }
  }
  co_await stop();
  co_return result();
}

}  // namespace clockwork
