// clockwork::jobs::detail::pg — the small RAII layer over libpq's C API that the PostgreSQL job
// store is written on: a connection that owns its PGconn, a result that owns its PGresult, one
// way to run a statement (unnamed and parameterised, text in and out), and the translation of
// libpq's failures into the job store's errors.
//
//   pg::connection db{"postgresql:///jobs?host=/run/postgresql"};   // store_unavailable if not
//   const auto r = db.exec("UPDATE cw_job SET state = 'succeeded' WHERE id = $1 AND epoch = $2 "
//                          "RETURNING id", {std::to_string(id), std::to_string(epoch)}, "complete");
//   const bool applied = r.rows() == 1;
//
// Why these choices:
//   - Unnamed statements only (PQexecParams), never PQprepare: PgBouncer 1.18 in transaction
//     pooling hands each transaction to any server connection, where a named statement of
//     another transaction does not exist. Parameters are always bound, never spliced into SQL.
//   - No session state: nothing is SET on the connection; what a transaction needs it sets with
//     SET LOCAL inside itself. The statement timeout in particular (set_statement_timeout) goes
//     into every transaction's BEGIN (one round trip for both), and a statement outside a
//     transaction is sent in a pipeline behind `set_config('statement_timeout', …, true)`: the
//     two run in one implicit transaction up to the pipeline's sync, again one round trip, and
//     the setting ends with it — through PgBouncer too, which hands the whole pipeline to one
//     server connection.
//   - Blocking calls, run by the store on the runtime's offload pool, as the SQLite store's are:
//     one mechanism for both, and the runtime's loop never waits for the database.
//   - libpq rather than Debian 12's libpqxx (6.4, the old API, synchronous): the layer is about
//     200 lines and maps errors to the store's own, which a wrapper's generic exceptions hide.
//
// Errors: a server that cannot be reached, a connection that dropped, a refused authentication,
// a statement timeout → store_unavailable naming the address (its password hidden), libpq's
// message and what to check; a failure whose commit may have happened (the connection dropped
// during COMMIT) → commit_unknown; anything else (a statement this code got wrong, a
// constraint) → std::runtime_error with the SQLSTATE. A password never appears in a message.
//
// Thread safety: none; the store guards each connection with a mutex.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace clockwork::jobs::detail::pg {

// The connection string or URI with its password hidden ("password=***", "user:***@host"), for
// every message that names the store.
std::string redact(std::string_view conninfo);

// A statement's rows, owned.
class result {
 public:
  result() = default;
  explicit result(PGresult* r) noexcept : r_(r) {}
  int rows() const noexcept { return r_ ? PQntuples(r_.get()) : 0; }
  const PGresult* get() const noexcept { return r_.get(); }
  bool is_null(int row, int column) const noexcept { return PQgetisnull(r_.get(), row, column) == 1; }
  std::string text(int row, int column) const;
  std::int64_t integer(int row, int column) const;
  std::optional<std::int64_t> optional_integer(int row, int column) const;
  // "t"/"f"
  bool boolean(int row, int column) const;

 private:
  struct clear {
    void operator()(PGresult* r) const noexcept { PQclear(r); }
  };
  std::unique_ptr<PGresult, clear> r_;
};

// A parameter: its text, or SQL NULL.
using param = std::optional<std::string>;

class connection {
 public:
  // Connects (blocking). store_unavailable when the server cannot be reached or refuses.
  explicit connection(std::string conninfo);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // The address, its password hidden.
  const std::string& where() const noexcept { return where_; }
  PGconn* get() const noexcept { return conn_; }
  bool ok() const noexcept { return PQstatus(conn_) == CONNECTION_OK; }
  // Hands the PGconn over to the caller (who PQfinish()es it); this object is then empty.
  PGconn* release() noexcept {
    PGconn* c = conn_;
    conn_ = nullptr;
    return c;
  }

  // How long one statement may run before the server cancels it (store_unavailable, "statement
  // timeout"); zero leaves the server's own setting. Applied per transaction, never to the session.
  void set_statement_timeout(std::chrono::milliseconds timeout) noexcept { statement_timeout_ = timeout; }
  std::chrono::milliseconds statement_timeout() const noexcept { return statement_timeout_; }

  // Runs one statement (no parameters and no statement timeout: a simple query, which may hold
  // several statements; with a timeout, outside a transaction: exactly one statement).
  // `doing` names it in messages ("claim", "migrate"...).
  result exec(const char* sql, std::string_view doing);
  result exec(const char* sql, const std::vector<param>& params, std::string_view doing);
  // BEGIN (or BEGIN `mode`) with the statement timeout, in one round trip.
  void begin(std::string_view mode, std::string_view doing);
  // COMMIT: a connection lost here leaves the outcome unknown (commit_unknown).
  void commit(std::string_view doing);
  // ROLLBACK; what a failure here would say is moot (the server rolls back a lost connection's).
  void rollback(std::string_view doing);
  // Connects again after the connection dropped (store_unavailable when it cannot).
  void reconnect();

 private:
  [[noreturn]] void fail(const PGresult* r, std::string_view doing, bool at_commit);
  // One statement behind set_config('statement_timeout'), in a pipeline of one round trip.
  result exec_with_timeout(const char* sql, const std::vector<const char*>& values, std::string_view doing);
  std::string conninfo_;
  std::string where_;
  PGconn* conn_ = nullptr;
  std::chrono::milliseconds statement_timeout_{0};
  bool in_transaction_ = false;
};

}  // namespace clockwork::jobs::detail::pg
