// The store's listening connection (pg_listener.hpp).
#include "pg_listener.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "clockwork/jobs/job_store.hpp"
#include "pg_handle.hpp"

namespace clockwork::jobs::detail::pg {

listener::listener(std::string conninfo) : conninfo_(std::move(conninfo)), where_(redact(conninfo_)) {
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0)
    throw std::runtime_error(std::string("clockwork::jobs: postgres listener: eventfd: ") + std::strerror(errno));
}

listener::~listener() {
  drop();
  ::close(wake_fd_);
}

void listener::drop() noexcept {
  PQfinish(conn_);
  conn_ = nullptr;
}

void listener::subscribe() {
  if (conn_) return;
  // The connection and its LISTEN go through the handle (same errors, same redaction); the raw
  // PGconn is then taken over, since waiting on its socket is this class's whole job.
  connection c{conninfo_};
  c.exec("LISTEN cw_job_work; LISTEN cw_job_ping", "listening for new work");
  conn_ = c.release();
}

void listener::interrupt() noexcept {
  const std::uint64_t one = 1;
  // A full counter still wakes the reader: nothing to do when the write fails.
  [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
}

void listener::collect(heard& h) {
  while (PGnotify* n = PQnotifies(conn_)) {
    if (std::strcmp(n->relname, "cw_job_ping") == 0) {
      h.pings.emplace_back(n->extra);
    } else {
      ++h.work;
    }
    PQfreemem(n);
  }
}

listener::heard listener::wait(std::chrono::milliseconds timeout) {
  heard h;
  if (!conn_) {
    h.lost = true;
    return h;
  }
  // Notifications read along with an earlier result are already buffered.
  collect(h);
  if (h.work > 0 || !h.pings.empty()) return h;
  pollfd fds[2] = {{PQsocket(conn_), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  const int ready = ::poll(fds, 2, static_cast<int>(std::max<std::chrono::milliseconds::rep>(timeout.count(), 0)));
  if (ready < 0) return h;  // EINTR: as a timeout; the store calls again
  if (fds[1].revents & POLLIN) {
    std::uint64_t count = 0;
    [[maybe_unused]] const auto read = ::read(wake_fd_, &count, sizeof count);
  }
  if (fds[0].revents != 0) {
    if (PQconsumeInput(conn_) == 0 || PQstatus(conn_) != CONNECTION_OK) {
      drop();
      h.lost = true;
      return h;
    }
    collect(h);
  }
  return h;
}

}  // namespace clockwork::jobs::detail::pg
