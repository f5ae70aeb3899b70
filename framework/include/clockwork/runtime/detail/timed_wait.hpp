// Internal: the wait every clockwork timer wait is built on (delay, try_delay, a periodic
// timer's tick, an event's wait with a timeout, a wall-clock wait).
//
// A timed_wait is a timer_node with a completion gate and a stop callback — its own, or a place
// on the list of a callback its runtime shares among the waits on one token
// (stop_registrations.hpp); it lives in the awaiting coroutine's frame, so a wait allocates
// nothing. The public awaitables (waits.hpp)
// derive from it and decide what await_resume reports.
//
// Thread safety: the stop callback may run on any thread (a stop requested elsewhere); the gate
// (an atomic) decides which completion wins, and the runtime moves a cancellation onto its loop
// (runtime::cancel_wait). Everything else happens on the loop thread.
#pragma once

#include <atomic>
#include <coroutine>
#include <cstdint>
#include <optional>
#include <stop_token>
#include <string_view>

#include "clockwork/diagnostics/runtime_observer.hpp"
#include "clockwork/runtime/detail/stop_registrations.hpp"
#include "clockwork/runtime/detail/timer_node.hpp"
#include "clockwork/time/clock.hpp"

namespace clockwork {

class runtime;

namespace detail {

// What a wait answers once resumed, worked out out of line by waits whose bookkeeping is long
// (a tick, an event): their await_resume, inlined into the awaiting coroutine, turns `canceled`
// into operation_canceled there, so that a stop's exception unwinds no frame of theirs.
enum class wait_answer : std::uint8_t { yes, no, canceled };

// A wait that completes when its timer fires, its stop token is stopped or something signals
// it, whichever first. Lives in the awaiting coroutine's frame; destroying the frame mid-wait
// disarms it.
//
// The completion gate: state_ moves off `pending` exactly once (try_complete), and only the
// path that moved it resumes the coroutine; every later attempt (a timer, a stop request, a
// set() of an event) is a no-op. A wait that is already due when it suspends closes the gate
// (`due`) before it goes through the ready queue, so nothing can queue it a second time.
//
// The owner — the spawned coroutine whose record the wait reports to and resumes under — is
// fixed when the wait suspends. Re-arming the timer (periodic_timer::set_period, from any
// coroutine) never changes it.
class timed_wait : public timer_node {
 public:
  // fired: the deadline was reached; canceled: the stop token won; signaled: something else
  // (an event, a disposal) completed the wait first; due: the deadline had already passed
  // when the wait suspended, and it went through the ready queue (its awaitable looks at the
  // token and what it waits for again on resume).
  enum class outcome : std::uint8_t { pending, fired, canceled, signaled, due };

 private:
  // Declared first so that it sits in timer_node's tail padding: every suspended wait, and so
  // every idle service's frame, is 8 bytes smaller.
  std::atomic<outcome> state_{outcome::pending};

 protected:
  // A delay's own flags, kept here because these bytes would be padding otherwise (they follow
  // state_ in the end of timer_node): the caller chose the instant (delay_until), and chaos
  // failed the wait.
  bool absolute_ = false;
  bool injected_failure_ = false;

 private:
  // Which member of stop_hook_ is alive (also in the padding).
  enum class stop_mode : std::uint8_t { none, own, shared };
  stop_mode stop_mode_ = stop_mode::none;

 public:
  timed_wait(runtime& rt, steady_time due, std::stop_token token) noexcept
      : timer_node(&timed_wait::fire_wait), rt_(&rt), token_(std::move(token)) {
    deadline = due;
  }
  // Awaitables are moved only before they are awaited (returned from a factory), never while
  // armed.
  timed_wait(timed_wait&& other) noexcept
      : timer_node(&timed_wait::fire_wait), rt_(other.rt_), token_(std::move(other.token_)) {
    deadline = other.deadline;
  }
  timed_wait& operator=(timed_wait&&) = delete;
  ~timed_wait();

 protected:
  // For waits that decide for themselves what a timer firing means (wall-clock waits).
  timed_wait(runtime& rt, steady_time due, std::stop_token token, fire_fn on_fire) noexcept
      : timer_node(on_fire), rt_(&rt), token_(std::move(token)) {
    deadline = due;
  }

 public:
  // Completes the wait as fired (loop thread), unless a cancellation already won.
  static void fire_wait(timer_node& node);
  // Completes the wait as cancelled. Called by the stop callback, possibly from another
  // thread; the runtime serialises it with fire() on its loop.
  void cancel_on_loop();
  // Completes the wait as signalled (its event was set, its timer disposed). Loop thread only.
  // Returns false when the wait had already completed otherwise.
  bool signal_on_loop();

  // Exactly one of fire()/cancel wins: the first to move state_ off pending.
  bool try_complete(outcome how) noexcept;

 protected:
  // Arms the timer (or yields through the ready queue when the deadline has passed) and
  // registers the stop callback. A wait without deadline (steady_time::max(), what any
  // saturated deadline is) arms no timer, so that it never looks like pending time to the
  // deadlock detector.
  void suspend(std::coroutine_handle<> h, wait_kind kind, std::string_view what);
  outcome result() const noexcept { return state_.load(std::memory_order_acquire); }
  bool stop_requested() const noexcept { return token_.stop_requested(); }

  runtime* rt_;
  std::stop_token token_;
  std::coroutine_handle<> handle_;

 private:
  friend class stop_registrations;

  // Registers for the stop token when suspending: on the runtime's shared registration if it
  // lends one, else a callback of the wait's own (watch_stop_alone: out of line, so that the
  // shared case stays small enough to be inlined where the wait suspends).
  void watch_stop();
  [[gnu::noinline]] void watch_stop_alone();
  // Completes the wait as cancelled if nothing else completed it first (a stop callback).
  void cancel_by_stop() noexcept;

  struct on_stop {
    timed_wait* self;
    void operator()() const noexcept { self->cancel_by_stop(); }
  };
  // The wait's place on a shared registration's list, newest first.
  struct shared_link {
    timed_wait* newer;
    timed_wait* older;
    stop_registrations::registration* registration;
  };
  // One of the two, as stop_mode_ says; neither before the wait suspends or after its
  // registration ran.
  union stop_hook {
    stop_hook() noexcept {}
    ~stop_hook() {}
    std::stop_callback<on_stop> own;
    shared_link shared;
  } stop_hook_;
};

// stop_registrations' in-line parts (declared in stop_registrations.hpp): here, where the wait's
// members are known.
inline void stop_registrations::link(registration& r, timed_wait& wait) noexcept {
  wait.stop_hook_.shared = {nullptr, r.newest, &r};
  if (r.newest != nullptr) r.newest->stop_hook_.shared.newer = &wait;
  r.newest = &wait;
  wait.stop_mode_ = timed_wait::stop_mode::shared;
}

inline bool stop_registrations::join(timed_wait& wait) {
  // The token the last join linked, still waited on: the same registration the table search
  // would find (a token has at most one registration with waits), without the search.
  if (registration* r = last_; r != nullptr && r->newest != nullptr && r->newest->token_ == wait.token_) {
    link(*r, wait);
    return true;
  }
  return join_any(wait);
}

inline void stop_registrations::leave(timed_wait& wait) noexcept {
  const timed_wait::shared_link place = wait.stop_hook_.shared;
  if (place.newer != nullptr) {
    place.newer->stop_hook_.shared.older = place.older;
  } else {
    place.registration->newest = place.older;
  }
  if (place.older != nullptr) place.older->stop_hook_.shared.newer = place.newer;
  wait.stop_mode_ = timed_wait::stop_mode::none;
  if (place.registration->newest == nullptr) release(*place.registration);
}

// Pending wall-clock waits, linked so that the runtime can re-evaluate them when the wall
// clock changes.
struct wall_link {
  wall_link* prev = nullptr;
  wall_link* next = nullptr;
};

}  // namespace detail
}  // namespace clockwork
