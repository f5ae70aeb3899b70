#include "clockwork/hosting/host.hpp"

#include <spdlog/logger.h>

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "clockwork/diagnostics/trace.hpp"
#include "clockwork/hosting/detail/host_state.hpp"
#include "clockwork/runtime/async_event.hpp"
#include "clockwork/runtime/cancellation.hpp"
#include "clockwork/time/duration.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork {

using namespace std::chrono_literals;

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
    case failure_kind::dispose_failed: return "dispose_failed";
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
    if (error && is_blocking_cut(error)) {
      // The simulation cut a slice that would have blocked the thread for good: the service is
      // blocked, not ended. It stays "running" — deaf to its token — until the runtime goes, so
      // that stop() abandons it at the deadline, as a real host would have to.
      st->logger->error("background service '{}' blocks its thread for good; it ignores stop from now on", slot->name);
      async_event blocked{*st->rt, "nothing: blocked for good (its slice was cut at the slice cap)"};
      auto forever = blocked.wait();
      co_await forever;
    }
    const bool stop_requested = slot->stopping.stop_requested();
    if (!error) {
      if (!stop_requested) st->ended_early(*slot);
      break;
    }
    if (stop_requested && canceled) break;  // the graceful end of a stop
    if (!slot->first_fault) slot->first_fault = error;
    st->faulted(*slot, error);
    if (st->options.on_service_exception != service_exception_behavior::restart || stop_requested) break;
    const auto& policy = st->options.restart;
    if (policy.max_restarts && slot->restarts >= *policy.max_restarts) {
      st->logger->error("service '{}' will not be restarted: it already was {} time(s)", slot->name, slot->restarts);
      break;
    }
    const auto backoff = policy.delay_before(slot->restarts + 1);
    st->logger->warn("service '{}' restarts in {}", slot->name, format_duration(backoff));
    const bool waited = co_await st->rt->try_delay(backoff, slot->stopping.get_token());
    if (!waited) break;  // stopped during the backoff
    ++slot->restarts;
    slot->state = service_state::running;
    st->record(trace_kind::service_restarted, slot->name, {{"restart", std::to_string(slot->restarts)}});
  }
  slot->running = false;
  if (slot->state == service_state::abandoned) {
    const auto overshoot = format_duration(saturating_sub(st->rt->now(), st->stop_deadline));
    st->logger->warn("abandoned service '{}' ended {} after the shutdown deadline", slot->name, overshoot);
    st->record("service_ended_after_abandon", slot->name, {{"overshoot", overshoot}});
  } else if (slot->state == service_state::running) {
    slot->state = service_state::stopped;
  }
  slot->done->set();
}

// ---- lifecycle hooks ---------------------------------------------------------------------------

using hook = task<> (background_service::*)(std::stop_token);

// One round of hooks, shared by the host coroutine that waits for it and the hook tasks that
// report into it: neither outlives what it writes to, whoever ends first.
struct hook_round {
  hook_round(runtime& rt, std::size_t count)
      : errors(count), finished(count, 0), remaining(count), all_done(rt, "lifecycle hooks") {}
  std::vector<std::exception_ptr> errors;
  std::vector<char> finished;
  std::size_t remaining;
  async_event all_done;
};

task<> call_hook(std::shared_ptr<background_service> service, hook which, std::stop_token token,
                 std::shared_ptr<hook_round> round, std::size_t index) {
  try {
    co_await ((*service).*which)(token);
  } catch (...) {
    round->errors[index] = std::current_exception();
  }
  round->finished[index] = 1;
  if (--round->remaining == 0) round->all_done.set();
}

// Waits for every hook of the round until `deadline` is stopped; then gives the hooks one more
// turn of the loop, so that a hook honouring its (equally stopped) token is not abandoned for
// being resumed after us.
task<> wait_round(runtime& rt, std::shared_ptr<hook_round> round, std::stop_token deadline) {
  if (round->remaining == 0) co_return;
  bool in_time = true;
  try {
    auto all = round->all_done.wait(deadline);
    co_await all;
  } catch (const operation_canceled&) {
    in_time = false;
  }
  if (!in_time && round->remaining > 0) co_await rt.yield();
}

struct hook_outcome {
  std::vector<std::exception_ptr> errors;  // by position in the order given
  std::vector<char> abandoned;             // still running when given up on
  std::size_t ran = 0;                     // hooks called (one by one, start stops at the first failure)
};

// Runs one kind of hook for the slots, in the given order, one by one or all at once. Each hook
// is a task of its own, so that one that never ends can be left behind; it starts inline (in
// the host's slice, as a directly awaited hook would), so a hook that finishes without
// suspending lets nothing else run — execute() launched by start() gets its first turn after
// the started hooks, as before .NET 10.
task<hook_outcome> run_hooks(state_ptr st, std::vector<service_slot*> order, hook which, std::string_view label,
                             std::stop_token token, std::stop_token deadline, bool concurrently,
                             bool stop_at_first_failure) {
  hook_outcome out;
  out.errors.resize(order.size());
  out.abandoned.resize(order.size(), 0);
  if (order.empty()) co_return out;
  if (concurrently) {
    auto round = std::make_shared<hook_round>(*st->rt, order.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
      st->rt->spawn_inline(call_hook(order[i]->service, which, token, round, i),
                           order[i]->name + " (" + std::string(label) + ")", order[i]->name);
    }
    out.ran = order.size();
    co_await wait_round(*st->rt, round, deadline);
    for (std::size_t i = 0; i < order.size(); ++i) {
      out.errors[i] = round->errors[i];
      out.abandoned[i] = round->finished[i] == 0 ? 1 : 0;
    }
    co_return out;
  }
  for (std::size_t i = 0; i < order.size(); ++i) {
    auto round = std::make_shared<hook_round>(*st->rt, 1);
    st->rt->spawn_inline(call_hook(order[i]->service, which, token, round, 0),
                         order[i]->name + " (" + std::string(label) + ")", order[i]->name);
    ++out.ran;
    co_await wait_round(*st->rt, round, deadline);
    out.errors[i] = round->errors[0];
    out.abandoned[i] = round->finished[0] == 0 ? 1 : 0;
    if (stop_at_first_failure && (out.errors[i] || out.abandoned[i])) break;
  }
  co_return out;
}

std::vector<service_slot*> in_order(host::state& st, bool reverse) {
  std::vector<service_slot*> out;
  for (auto& slot : st.slots) out.push_back(slot.get());
  if (reverse) std::reverse(out.begin(), out.end());
  return out;
}

// Records what a round of hooks did: an error is a failure of `error_kind`; a hook left behind
// is a failure of `abandoned_kind` and a cancellation_ignored finding naming the service.
//
// A hook that ended with operation_canceled after its token was stopped honoured the token: for
// start that is not the hook's failure (start reports why it stopped), for stop it is a hook
// that did not finish its work before the deadline (stop_failed, saying so).
void report_hooks(host::state& st, const std::vector<service_slot*>& order, const hook_outcome& outcome,
                  std::string_view label, failure_kind error_kind, failure_kind abandoned_kind,
                  const std::string& deadline_name, const std::stop_token& token, bool cancellation_is_failure) {
  for (std::size_t i = 0; i < order.size(); ++i) {
    const std::string& name = order[i]->name;
    if (outcome.errors[i] && token.stop_requested() && is_cancellation(outcome.errors[i])) {
      if (cancellation_is_failure) {
        const std::string message =
            std::string(label) + " was cancelled at the " + deadline_name + " before it finished";
        st.fail(name, error_kind, message, outcome.errors[i]);
        st.logger->error("service '{}': {}", name, message);
      }
    } else if (outcome.errors[i]) {
      const std::string what = describe_exception(outcome.errors[i]);
      st.fail(name, error_kind, std::string(label) + " threw: " + what, outcome.errors[i]);
      st.logger->error("service '{}' failed in its {}: {}", name, label, what);
    }
    if (outcome.abandoned[i]) {
      const std::string message = std::string(label) + " still running at the " + deadline_name + "; abandoned";
      st.fail(name, abandoned_kind, message, nullptr);
      st.logger->error("service '{}': {}", name, message);
      st.record("hook_abandoned", name, {{"hook", std::string(label)}, {"deadline", deadline_name}});
      st.rt->report(finding_kind::cancellation_ignored, name, "ignored cancellation: " + message);
    }
  }
}

}  // namespace

// ---- host::state -----------------------------------------------------------------------------

void host::state::record(std::string_view kind, std::string_view source, trace_fields fields) {
  rt->emit(kind, source, fields);  // to the runtime's observer: the trace, the detectors
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
  if (options.on_service_exception != service_exception_behavior::stop_host) return;
  if (phase == host_phase::starting) {
    // .NET's order: the start goes on (the other services start, the started hooks run and the
    // application is notified as started), then the host stops. Stopping the application now
    // would cancel the start and leave the other services half started.
    logger->critical(
        "the host will stop once its start has finished because background service '{}' failed "
        "(on_service_exception = stop_host)",
        slot.name);
    stop_after_start = true;
    return;
  }
  logger->critical("the host is stopping because background service '{}' failed (on_service_exception = stop_host)",
                   slot.name);
  lifetime->stop_application();
}

void host::state::ended_early(service_slot& slot) {
  logger->warn("background service '{}' returned from execute before stop was requested; it does no more work",
               slot.name);
  rt->report(finding_kind::silent_death, slot.name,
             "execute returned before stop was requested: the service stopped working silently");
}

void host::state::disposal_failed(std::string_view what, const std::exception_ptr& error, bool in_result) noexcept {
  try {
    const std::string why = describe_exception(error);
    logger->error("{}: dispose() threw: {}", what, why);
    record("dispose_failed", what, {{"error", why}});
    if (in_result) fail(std::string(what), failure_kind::dispose_failed, "dispose() threw: " + why, error);
  } catch (...) {
    // Out of memory while reporting a disposal error: nothing more can be done from here.
  }
}

void host::state::dispose_services(bool in_result) noexcept {
  for (auto it = slots.rbegin(); it != slots.rend(); ++it) {
    service_slot& slot = **it;
    if (slot.disposed || slot.running || !slot.service) continue;
    slot.disposed = true;
    try {
      slot.service->dispose();
    } catch (...) {
      disposal_failed(slot.name, std::current_exception(), in_result);
    }
  }
}

void host::state::dispose_provider(bool in_result) noexcept {
  if (!provider) return;
  disposal_in_result = in_result;
  try {
    provider->dispose();  // errors arrive through on_dispose_error (set by host_builder)
  } catch (...) {
    disposal_failed("service_provider", std::current_exception(), in_result);
  }
}

host::state::~state() {
  // Every service coroutine has ended (each held this state): dispose what stop() did not.
  dispose_services(/*in_result=*/false);
  slots.clear();
  dispose_provider(/*in_result=*/false);
  provider.reset();
}

// ---- host ------------------------------------------------------------------------------------

host::host(std::shared_ptr<state> s) noexcept : state_(std::move(s)) {}
host::host(host&&) noexcept = default;
host& host::operator=(host&&) noexcept = default;

host::~host() {
  if (!state_) return;
  state& st = *state_;
  if (st.phase == host_phase::starting || st.phase == host_phase::running || st.phase == host_phase::start_failed) {
    st.logger->warn("host destroyed without stop(): requesting stop of every service");
    st.start_cancel.request_stop();
    st.lifetime->stop_application();
    for (auto& slot : st.slots) slot->stopping.request_stop();
  }
}

application_lifetime& host::lifetime() noexcept {
  return *state_->lifetime;
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

// ---- start -----------------------------------------------------------------------------------

namespace {

// The body of start(): throws whatever start() should throw; start() keeps the phase.
task<> start_services(state_ptr st, std::stop_token caller) {
  std::stop_source timer_source;
  std::optional<cancel_after> timer;
  const auto& startup_timeout = st->options.startup_timeout;
  // Budgets get the runtime's timing allowance: zero in virtual time; on a scaled real runtime,
  // the machine's own latency, scaled, so that scaling never invents a timeout.
  const auto allowance = st->rt->timing_allowance();
  if (startup_timeout) {
    timer.emplace(*st->rt, timer_source, *startup_timeout == 0ns ? 0ns : saturating_add(*startup_timeout, allowance));
  }
  // What hooks see: any reason to stop starting.
  const linked_stop_source cancel{caller, timer_source.get_token(), st->start_cancel.get_token(),
                                  st->lifetime->stopping()};
  // How long the host waits for a hook: the startup deadline, or stop() giving up on the start.
  const linked_stop_source deadline{timer_source.get_token(), st->start_abandon.get_token()};
  const std::stop_token token = cancel.token();

  const auto deadline_name = [&]() -> std::string {
    if (timer && timer->fired()) return "startup deadline (startup_timeout " + format_duration(*startup_timeout) + ")";
    return "shutdown deadline (stop was requested during start)";
  };
  // Throws what the caller should see when the start was stopped; a no-op otherwise.
  const auto check = [&]() {
    if (!token.stop_requested()) return;
    if (timer && timer->fired() && !caller.stop_requested()) {
      const std::string message =
          "the host did not start within startup_timeout (" + format_duration(*startup_timeout) + ")";
      st->fail("host", failure_kind::startup_timeout, message, nullptr);
      st->logger->error("{}", message);
      throw timeout_error("clockwork::host::start: " + message);
    }
    if (caller.stop_requested()) {
      st->fail("host", failure_kind::start_failed, "start was cancelled by its token", nullptr);
      throw operation_canceled{};
    }
    // stop() or the application stopping: the application is shutting down, not failing.
    st->logger->info("start cancelled: the application is stopping");
    throw operation_canceled{};
  };
  const auto hook_failure = [&](const hook_outcome& outcome, const std::vector<service_slot*>& order,
                                std::string_view label) {
    const bool by_timer = timer && timer->fired();
    report_hooks(*st, order, outcome, label, failure_kind::start_failed,
                 by_timer ? failure_kind::startup_timeout : failure_kind::abandoned, deadline_name(), token, false);
    for (char abandoned : outcome.abandoned) {
      if (abandoned) check();  // the deadline (or the stop that gave up on us) explains it
    }
    for (const auto& error : outcome.errors) {
      if (!error) continue;
      if (token.stop_requested() && is_cancellation(error)) check();  // honoured the token: say why
      std::rethrow_exception(error);
    }
  };

  check();
  const auto order = in_order(*st, false);
  const auto starting = co_await run_hooks(st, order, &background_service::starting, "starting hook", token,
                                           deadline.token(), st->options.start_concurrently, true);
  hook_failure(starting, order, "starting hook");
  check();

  for (service_slot* slot : order) {
    check();  // nothing is launched once the start was stopped
    st->record(trace_kind::service_starting, slot->name);
    const steady_time began = st->rt->now();
    slot->state = service_state::running;
    slot->running = true;
    if (st->options.inline_start) {
      st->rt->spawn_inline(run_service(st, slot), slot->name, slot->name);
    } else {
      st->rt->spawn_as(run_service(st, slot), slot->name, slot->name);
    }
    const auto took = st->rt->now() - began;
    if (took > saturating_add(st->options.startup_block_budget, allowance)) {
      st->rt->report(finding_kind::startup_blocked, slot->name,
                     "start took " + format_duration(took) +
                         ": execute blocked before its first suspension and held up the start of the host");
    }
    // Before .NET 10, an exception thrown before execute's first suspension failed StartAsync.
    if (st->options.inline_start && slot->first_fault) std::rethrow_exception(slot->first_fault);
    st->record(trace_kind::service_started, slot->name);
  }

  check();
  const auto started = co_await run_hooks(st, order, &background_service::started, "started hook", token,
                                          deadline.token(), st->options.start_concurrently, true);
  hook_failure(started, order, "started hook");
  check();
}

}  // namespace

task<> host::start(std::stop_token token) {
  const state_ptr st = state_;
  if (st->phase != host_phase::created) {
    throw std::logic_error("clockwork::host::start: the host was already started (or stopped); a host starts once");
  }
  if (st->rt->shutting_down()) throw std::logic_error("clockwork::host::start: the runtime is shutting down");
  st->phase = host_phase::starting;
  st->logger->info("hosting starting: {} service(s)", st->slots.size());
  std::exception_ptr error;
  try {
    co_await start_services(st, std::move(token));
  } catch (...) {
    error = std::current_exception();
  }
  if (st->phase == host_phase::starting) {
    st->phase = error ? host_phase::start_failed : host_phase::running;
    if (!error) {
      st->lifetime->notify_started();
      st->logger->info("application started");
    }
  }
  if (st->stop_after_start) {
    st->logger->info("the application is stopping: a service failed during start (on_service_exception = stop_host)");
    st->lifetime->stop_application();
  }
  st->start_done->set();
  if (error) std::rethrow_exception(error);
}

// ---- stop ------------------------------------------------------------------------------------

task<> host::stop(std::stop_token token) {
  const state_ptr st = state_;
  if (st->phase == host_phase::created) {
    // Nothing was started, so nothing runs; the lifetime still reports the shutdown.
    st->phase = host_phase::stopped;
    st->lifetime->stop_application();
    st->dispose_services(/*in_result=*/true);
    st->dispose_provider(/*in_result=*/true);
    st->lifetime->notify_stopped();
    st->stop_done->set();
    co_return;
  }
  if (st->phase == host_phase::stopping || st->phase == host_phase::stopped) {
    auto first = st->stop_done->wait();  // a second stop waits for the first and changes nothing
    co_await first;
    co_return;
  }
  const bool start_in_progress = st->phase == host_phase::starting;
  st->phase = host_phase::stopping;
  st->logger->info("application is shutting down");
  st->record(trace_kind::stop_requested, "host");

  std::stop_source shutdown_timer;
  const auto budget = saturating_add(st->options.shutdown_timeout, st->rt->timing_allowance());
  const cancel_after shutdown_guard{*st->rt, shutdown_timer, budget};
  const linked_stop_source link{token, shutdown_timer.get_token()};
  const std::stop_token shutdown = link.token();
  st->stop_deadline = saturating_add(st->rt->now(), budget);
  const std::string deadline_name =
      "shutdown deadline (shutdown_timeout " + format_duration(st->options.shutdown_timeout) + ")";

  if (start_in_progress) {
    // Cancel the start and let it unwind: it launches nothing more. If it is still waiting for
    // a hook at the shutdown deadline, it gives up on the hook (naming it) and ends.
    st->start_cancel.request_stop();
    bool in_time = true;
    try {
      auto started = st->start_done->wait(shutdown);
      co_await started;
    } catch (const operation_canceled&) {
      in_time = false;
    }
    if (!in_time) {
      st->start_abandon.request_stop();
      auto started = st->start_done->wait();
      co_await started;
    }
  }
  const auto reverse = in_order(*st, true);

  const auto stopping = co_await run_hooks(st, reverse, &background_service::stopping, "stopping hook", shutdown,
                                           shutdown, st->options.stop_concurrently, false);
  report_hooks(*st, reverse, stopping, "stopping hook", failure_kind::stop_failed, failure_kind::abandoned,
               deadline_name, shutdown, true);
  // ApplicationStopping after the stopping hooks, as .NET's StopAsync orders it.
  st->lifetime->stop_application();

  bool out_of_time = false;
  const auto request_stop = [&](service_slot& slot) {
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
      auto ended = slot->done->wait(shutdown);
      co_await ended;
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
    if (!slot->running) {
      st->record(trace_kind::service_stopped, slot->name, {{"state", std::string(to_string(slot->state))}});
    }
  }

  const auto stopped = co_await run_hooks(st, reverse, &background_service::stopped, "stopped hook", shutdown, shutdown,
                                          st->options.stop_concurrently, false);
  report_hooks(*st, reverse, stopped, "stopped hook", failure_kind::stop_failed, failure_kind::abandoned, deadline_name,
               shutdown, true);

  // Disposal is part of the result: services that ended, then the container's singletons.
  // An abandoned service is disposed when its coroutine ends (host::state's destructor).
  st->dispose_services(/*in_result=*/true);
  st->dispose_provider(/*in_result=*/true);

  st->phase = host_phase::stopped;
  st->lifetime->notify_stopped();
  st->logger->info("application stopped: {}", st->failures.empty() ? std::string("ok") : result().summary());
  st->stop_done->set();
}

// ---- run -------------------------------------------------------------------------------------

task<host_result> host::run(std::stop_token token) {
  const state_ptr st = state_;
  if (st->rt->shutting_down()) throw std::logic_error("clockwork::host::run: the runtime is shutting down");
  if (st->phase != host_phase::created) {
    throw std::logic_error("clockwork::host::run: the host was already started; run() starts it itself");
  }
  // run's token asks the application to stop: during start it cancels the start (gracefully,
  // as stop() does); afterwards it ends the wait below.
  struct cancel_start {
    std::stop_source target;
    void operator()() const noexcept { target.request_stop(); }
  };
  const std::stop_callback<cancel_start> on_token{token, cancel_start{st->start_cancel}};
  bool started = true;
  try {
    co_await start();
  } catch (...) {
    started = false;  // the failure is in the result; stop what did start
  }
  if (started) {
    const linked_stop_source until{st->lifetime->stopping(), token};
    async_event never{*st->rt, "application stopping"};
    try {
      auto wait = never.wait(until.token());
      co_await wait;
    } catch (const operation_canceled&) {
    }
  }
  co_await stop();
  co_return result();
}

}  // namespace clockwork
