// Internal: one std::stop_callback per stop token, shared by every wait of a runtime that is
// suspended on that token.
//
// Why: a wait that registers its own std::stop_callback pays, each time it suspends, a lock and
// an unlock of the token's shared state to register, the same again to deregister, and two
// reference counts: eight atomic read-modify-writes, more than everything else a virtual wait
// costs when its sleepers share a token; and a stop then runs one callback per wait inside
// request_stop(). Here the first wait on a token registers one callback; the waits that
// suspend on the token while it has waiters join a list kept by the runtime, and leaving is an
// unlink. The last wait to leave deregisters the callback, so a token nobody waits on holds no
// registration (and the next wait registers anew, at the newest place).
//
// Order: on a stop the callback cancels its waits newest first — the order in which the same
// waits' own registrations would run (libstdc++ runs a token's callbacks newest first). Against
// callbacks registered on the token by someone else while the shared one lives, its waits run
// as one block at its place; virtual_runtime documents this.
//
// Stops from other threads: the lists are the runtime's loop's alone (join, leave and the
// cancelling all run there), so a runtime whose stops may be requested on another thread
// (real_runtime) gives the table a defer function. A callback that runs off the loop touches no
// list: it hands the runtime a ticket (which registration, which generation of it) and the
// runtime delivers it on its loop (deliver()), where the waits still on that registration are
// cancelled — unless the registration was released and made anew for another wait since, which
// the generation tells. A callback on the loop thread cancels at once.
//
// Example (what timed_wait does; services never see this):
//
//   if (auto* shared = rt.shared_stops(); shared != nullptr && shared->join(wait)) {
//     // wait is on the token's list until leave(wait)
//   } else {
//     // register the wait's own std::stop_callback
//   }
//
// Thread safety: join, leave and deliver on the owning runtime's loop thread only; the stop
// callbacks may run on any thread, and off the loop they only call the defer function.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <stop_token>

namespace clockwork::detail {

class timed_wait;

class stop_registrations {
  struct registration;

 public:
  // A stop to cancel a registration's waits with, handed from a callback to its runtime.
  struct ticket {
    registration* where = nullptr;
    std::uint64_t generation = 0;
  };
  // Called by a shared callback, on whatever thread requested the stop. Returns true when it
  // took the ticket, to deliver() on the runtime's loop later; false when the callback runs on
  // the loop and may cancel the waits at once. Must not throw (a stop callback cannot).
  using defer_fn = bool (*)(void* context, ticket stop) noexcept;

  // defer null: every stop is requested on the loop thread (virtual_runtime).
  explicit stop_registrations(defer_fn defer = nullptr, void* context = nullptr) noexcept
      : defer_(defer), context_(context) {}
  stop_registrations(const stop_registrations&) = delete;
  stop_registrations& operator=(const stop_registrations&) = delete;
  // Every wait has left by then: the runtime destroys its coroutines first.
  ~stop_registrations() = default;

  // Puts a suspending wait on its token's list, registering the token's callback if it has
  // none. Returns false, and changes nothing, when the wait must register its own callback:
  // every slot is taken by other tokens, or its token is already stopped (its own registration
  // then cancels it at once, as std::stop_callback does).
  //
  // join() and leave() run on every suspension of a wait with a token, so their common case —
  // the wait's token is the last one joined, the leaving wait is not the list's last — is in
  // line (defined in timed_wait.hpp, which has the wait's members); the rest is in the .cpp.
  inline bool join(timed_wait& wait);
  // Takes a wait off its token's list (its frame is going away); the last to leave deregisters.
  inline void leave(timed_wait& wait) noexcept;
  // On the loop: cancels, newest first, the waits still on the ticket's registration, if it is
  // the one whose callback deferred the ticket (not released and made anew since).
  void deliver(ticket stop) noexcept;

 private:
  friend class timed_wait;  // links itself through registration*

  struct cancel_all {
    stop_registrations* table;
    ticket stop;
    void operator()() const noexcept;
  };
  // A token's callback and its waits, newest first.
  struct registration {
    timed_wait* newest = nullptr;
    // Counts the callbacks made in this slot: a deferred ticket names the one it came from.
    std::uint64_t generation = 0;
    // Stays engaged after it ran (a callback does not deregister itself): the next join of the
    // emptied slot replaces it.
    std::optional<std::stop_callback<cancel_all>> callback;
  };

  static inline void link(registration& r, timed_wait& wait) noexcept;
  // Cancels every wait on r, newest first. Loop thread.
  static void cancel_waits(registration& r) noexcept;
  // join() when the wait's token is not the last one joined: looks through the table.
  bool join_any(timed_wait& wait);
  // Deregisters the callback of a registration its last wait left.
  static void release(registration& r) noexcept;

  // Few tokens have waiters at once on one runtime (a service's own token, its host's); a wait
  // on a further one registers its own callback. Slots are searched in order, so the table is
  // small.
  std::array<registration, 8> table_;
  defer_fn defer_;
  void* context_;
  // Where the last join linked a wait: most waits of a runtime share its token.
  registration* last_ = nullptr;
};

}  // namespace clockwork::detail
