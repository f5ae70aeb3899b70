// The exceptions clockwork throws for conditions a caller is expected to handle.
//
// Misuse of an API (a negative period, a second waiter, a past deadline) is reported with the
// standard std::invalid_argument / std::logic_error, each with a message naming what was wrong.
// The types below are the ones a service or a test catches on purpose.
//
//   try {
//     co_await rt.delay(std::chrono::hours(1), stopping);
//   } catch (const clockwork::operation_canceled&) {
//     // stopping was requested: leave the loop, this is not an error
//   }
//
// All types are plain values; throwing and catching them is thread-safe.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>

namespace clockwork {

// A wait ended because its stop token was stopped. The counterpart of .NET's
// OperationCanceledException; services let it escape execute() on shutdown.
class operation_canceled : public std::exception {
 public:
  operation_canceled() noexcept = default;
  const char* what() const noexcept override { return "clockwork: operation canceled"; }
};

// with_timeout() gave up waiting. Not an operation_canceled: a timeout is a failure of the
// awaited operation, not a shutdown, and catch blocks that treat cancellation as graceful
// must not swallow it.
class timeout_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The virtual runtime was asked to run until something happens, but every live coroutine is
// suspended on something that no timer and no ready work can ever complete. what() lists each
// suspended coroutine and what it awaits.
class deadlock_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// More resumptions happened at one virtual instant than the step budget allows: something
// re-arms itself at the same instant forever, so virtual time can never move on.
class livelock_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A fault injected on purpose (clockwork::chaos, while exploring a scenario): a wait or an
// operation that failed because a seed said so. A service should treat it as any other error.
class injected_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown by virtual_runtime::work() when one slice of modeled blocking work passes the
// runtime's slice cap: the simulated equivalent of a thread blocked for good (the patterns document's
// "while (!stop) Thread.Sleep(5000)"). It does not derive from std::exception, so that a
// service's catch-all-and-continue block does not turn it into an endless loop; the host treats
// a service it escapes as blocked forever (abandoned at the shutdown deadline).
class blocking_cut {
 public:
  const char* what() const noexcept { return "clockwork: a blocking slice was cut at the virtual runtime's slice cap"; }
};

// what() of the exception error holds, or a fixed text for one not derived from std::exception.
std::string describe_exception(const std::exception_ptr& error);
// Whether error holds an operation_canceled.
bool is_cancellation(const std::exception_ptr& error);
// Whether error holds a blocking_cut.
bool is_blocking_cut(const std::exception_ptr& error);

}  // namespace clockwork
