// Internal: one std::stop_callback per stop token, shared by every wait of a single-threaded
// runtime that is suspended on that token.
//
// Why: a wait that registers its own std::stop_callback pays, each time it suspends, a lock and
// an unlock of the token's shared state to register, the same again to deregister, and two
// reference counts: eight atomic read-modify-writes, more than everything else a virtual wait
// costs when its sleepers share a token. Here the first wait on a token registers one callback;
// the waits that suspend on the token while it has waiters join a list kept by the runtime, and
// leaving is an unlink. The last wait to leave deregisters the callback, so a token nobody waits
// on holds no registration (and the next wait registers anew, at the newest place).
//
// Order: on a stop the callback cancels its waits newest first — the order in which the same
// waits' own registrations would run (libstdc++ runs a token's callbacks newest first). Against
// callbacks registered on the token by someone else while the shared one lives, its waits run
// as one block at its place; virtual_runtime documents this.
//
// Example (what timed_wait does; services never see this):
//
//   if (auto* shared = rt.shared_stops(); shared != nullptr && shared->join(wait)) {
//     // wait is on the token's list until leave(wait)
//   } else {
//     // register the wait's own std::stop_callback
//   }
//
// Thread safety: none. Only a runtime whose every call, stop requests included, comes from one
// thread (virtual_runtime) lends one to its waits; real_runtime's waits register their own
// callbacks, which a stop on another thread may run.
#pragma once

#include <array>
#include <optional>
#include <stop_token>

namespace clockwork::detail {

class timed_wait;

class stop_registrations {
 public:
  stop_registrations() = default;
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

 private:
  friend class timed_wait;  // links itself through registration*

  struct registration;
  struct cancel_all {
    registration* self;
    void operator()() const noexcept;
  };
  // A token's callback and its waits, newest first.
  struct registration {
    timed_wait* newest = nullptr;
    // Stays engaged after it ran (a callback does not deregister itself): the next join of the
    // emptied slot replaces it.
    std::optional<std::stop_callback<cancel_all>> callback;
  };

  static inline void link(registration& r, timed_wait& wait) noexcept;
  // join() when the wait's token is not the last one joined: looks through the table.
  bool join_any(timed_wait& wait);
  // Deregisters the callback of a registration its last wait left.
  static void release(registration& r) noexcept;

  // Few tokens have waiters at once on one runtime (a service's own token, its host's); a wait
  // on a further one registers its own callback. Slots are searched in order, so the table is
  // small.
  std::array<registration, 8> table_;
  // Where the last join linked a wait: most waits of a runtime share its token.
  registration* last_ = nullptr;
};

}  // namespace clockwork::detail
