// clockwork::jobs::detail::pg::listener — the one connection of a PostgreSQL store that LISTENs:
// it hears the notifications the schema's triggers send when a job becomes claimable (channel
// cw_job_work) and the store's own liveness pings (channel cw_job_ping), without polling.
//
//   pg::listener l{"postgresql:///jobs?host=/run/postgresql"};
//   l.subscribe();                                  // connects, LISTEN cw_job_work, cw_job_ping
//   const auto heard = l.wait(std::chrono::seconds(1));  // on the offload pool: it blocks
//   if (heard.work > 0) { /* look for work */ }
//   l.interrupt();                                  // from any thread: wait() returns at once
//
// Why a connection of its own: LISTEN is session state. Through a pooler in transaction mode the
// session that listened goes back to the pool and its notifications go nowhere (pgbouncer #655),
// so the listener may have an address of its own, straight to the server, while the store's
// statements go through the pooler. A listener that hears nothing it should (its pings do not come
// back) is half-open: the store drops it and subscribes again.
//
// Why poll(2) on libpq's socket and an eventfd: wait() must return when a notification arrives,
// when its time is up, and at once when the store's own commit or a stop asks it to (interrupt()).
//
// Thread safety: subscribe(), wait() and drop() from one thread at a time (the store runs one
// wait at a time); interrupt() from any thread.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace clockwork::jobs::detail::pg {

// What one wait() heard.
struct listener_heard {
  int work = 0;                    // notifications on cw_job_work (coalesced by the server)
  std::vector<std::string> pings;  // payloads heard on cw_job_ping
  bool lost = false;               // the connection is gone: dropped; subscribe() again
};

class listener {
 public:
  explicit listener(std::string conninfo);
  ~listener();
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;

  // Connects when not connected and listens on both channels; store_unavailable when it cannot.
  void subscribe();
  bool subscribed() const noexcept { return conn_ != nullptr; }
  // Closes the connection (the next subscribe() opens another).
  void drop() noexcept;

  using heard = listener_heard;
  // Waits up to `timeout` for notifications, returning early when some arrive or interrupt()
  // is called. Never throws.
  heard wait(std::chrono::milliseconds timeout);
  // Makes the current (or the next) wait() return at once. Any thread.
  void interrupt() noexcept;

  const std::string& where() const noexcept { return where_; }

 private:
  void collect(heard& h);
  std::string conninfo_;
  std::string where_;  // the address, its password hidden
  PGconn* conn_ = nullptr;
  int wake_fd_ = -1;  // an eventfd: interrupt() writes it, wait() polls it
};

}  // namespace clockwork::jobs::detail::pg
