// clockwork::jobs::detail::sqlite — the small RAII layer over SQLite's C API that the SQLite job
// store is written on: a connection that owns its sqlite3 handle and caches its prepared
// statements, a cursor (one use of a cached statement, reset when it ends so that no read stays
// open), a write transaction (BEGIN IMMEDIATE, rolled back unless committed), and the
// translation of SQLite's result codes into the job store's errors.
//
//   sqlite::connection db{path, SQLITE_OPEN_READWRITE, busy_timeout};
//   sqlite::write_transaction tx{db};
//   auto q = db.prepare("UPDATE cw_job SET state = 'succeeded' WHERE id = ?1 AND epoch = ?2 RETURNING id");
//   q.bind(id, epoch);
//   const bool applied = q.step();
//   tx.commit();                                     // an error here is commit_unknown
//
// Errors: a locked file (past the busy timeout), a full disk, a file removed under the store,
// an I/O error, a file that is not a database → store_unavailable naming the path and the reason;
// anything else (a statement this code got wrong, a constraint) → std::runtime_error.
//
// Thread safety: none; the store guards each connection with a mutex.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace clockwork::jobs::detail::sqlite {

// Throws the job store's error for result code `rc` of `doing` ("claim", "open"...) on `db` (may
// be null), naming `path`.
[[noreturn]] void fail(sqlite3* db, int rc, std::string_view doing, const std::string& path);

class connection;

// A prepared statement, owned by a connection's cache.
class statement {
 public:
  statement(sqlite3* db, const char* sql, const std::string& path);
  ~statement();
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  sqlite3_stmt* get() const noexcept { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// One use of a prepared statement: bind, step through the rows, read columns. Ending it resets
// the statement (ending any read it holds) and clears its bindings.
class cursor {
 public:
  cursor(const connection& db, sqlite3_stmt* stmt) noexcept : db_(&db), stmt_(stmt) {}
  ~cursor();
  cursor(const cursor&) = delete;
  cursor& operator=(const cursor&) = delete;

  // Binds the parameters ?1, ?2, ... in order.
  template <class... Values>
  cursor& bind(const Values&... values) {
    int index = 0;
    (bind_at(++index, values), ...);
    return *this;
  }
  void bind_at(int index, std::int64_t value);
  void bind_at(int index, int value) { bind_at(index, static_cast<std::int64_t>(value)); }
  void bind_at(int index, unsigned value) { bind_at(index, static_cast<std::int64_t>(value)); }
  void bind_at(int index, std::uint64_t value);
  void bind_at(int index, std::string_view value);
  void bind_at(int index, const std::string& value) { bind_at(index, std::string_view(value)); }
  void bind_at(int index, const char* value) { bind_at(index, std::string_view(value)); }
  void bind_at(int index, std::nullopt_t);
  template <class T>
  void bind_at(int index, const std::optional<T>& value) {
    if (value) {
      bind_at(index, *value);
    } else {
      bind_at(index, std::nullopt);
    }
  }

  // Advances to the next row: true when there is one, false when the statement is done.
  bool step();
  // Steps a statement that returns no rows (or whose rows do not matter) to its end.
  void run();

  bool is_null(int column) const;
  std::int64_t integer(int column) const;
  std::optional<std::int64_t> optional_integer(int column) const;
  std::string text(int column) const;

 private:
  [[noreturn]] void fail(int rc) const;
  const connection* db_;
  sqlite3_stmt* stmt_;
};

// One open database file.
class connection {
 public:
  // Opens `path` with sqlite3_open_v2 flags; store_unavailable when it cannot be opened.
  connection(std::string path, int flags, std::chrono::milliseconds busy_timeout);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  sqlite3* get() const noexcept { return db_; }
  const std::string& path() const noexcept { return path_; }

  // A cursor on the statement for `sql`, prepared once and cached by the text's address: pass
  // string constants, never a string built at run time.
  cursor prepare(const char* sql);
  // Runs statements that return nothing (PRAGMA, DDL, BEGIN...), uncached.
  void exec(const char* sql, std::string_view doing);
  // The first column of the first row of `sql`, uncached (PRAGMA reads).
  std::int64_t read_integer(const char* sql, std::string_view doing);
  // store_unavailable when the file at path() is no longer the one this connection opened (it
  // was removed, moved or replaced). SQLite does not notice in WAL mode: its writes would go on
  // into a file nobody can open again, and be lost.
  void check_file() const;

  // Rows the latest INSERT, UPDATE or DELETE changed.
  int changes() const noexcept { return sqlite3_changes(db_); }
  // What `doing` means in error messages of this connection's statements.
  void set_doing(std::string_view doing) { doing_ = doing; }
  std::string_view doing() const noexcept { return doing_; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
  std::uint64_t device_ = 0;  // the file opened (st_dev, st_ino), for check_file()
  std::uint64_t inode_ = 0;
  std::string_view doing_ = "a query";
  std::map<const char*, std::unique_ptr<statement>> cache_;
};

// BEGIN IMMEDIATE on construction: the write lock first, so that nothing read inside can change
// before the transaction writes. commit() commits (a failure there is commit_unknown: the commit
// may or may not have reached the file); otherwise the destructor rolls back.
class write_transaction {
 public:
  explicit write_transaction(connection& db);
  ~write_transaction();
  write_transaction(const write_transaction&) = delete;
  write_transaction& operator=(const write_transaction&) = delete;
  void commit();

 private:
  connection& db_;
  bool open_ = true;
};

// A read that sees one snapshot across several statements (BEGIN DEFERRED ... COMMIT).
class read_transaction {
 public:
  explicit read_transaction(connection& db);
  ~read_transaction();
  read_transaction(const read_transaction&) = delete;
  read_transaction& operator=(const read_transaction&) = delete;

 private:
  connection& db_;
};

}  // namespace clockwork::jobs::detail::sqlite
