#include "sqlite_handle.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "clockwork/jobs/job_store.hpp"

namespace clockwork::jobs::detail::sqlite {

void fail(sqlite3* db, int rc, std::string_view doing, const std::string& path) {
  const int extended = db ? sqlite3_extended_errcode(db) : rc;
  const std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const std::string where = "clockwork::jobs: sqlite:" + path + ": " + std::string(doing) + ": ";
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw store_unavailable(where + "the database is locked by another connection past the busy timeout (" + detail +
                              ")");
    case SQLITE_FULL:
      throw store_unavailable(where + "the disk is full, or the store's size limit is reached (" + detail +
                              "); nothing was written");
    case SQLITE_READONLY:
      if (extended == SQLITE_READONLY_DBMOVED) {
        throw store_unavailable(where + "the database file was removed or moved while the store had it open");
      }
      throw store_unavailable(where + "the database cannot be written (" + detail + ")");
    case SQLITE_IOERR:
      throw store_unavailable(where + "an I/O error (" + detail + ", code " + std::to_string(extended) + ")");
    case SQLITE_NOTADB: throw store_unavailable(where + "the file is not a SQLite database");
    case SQLITE_CORRUPT: throw store_unavailable(where + "the database file is corrupt (" + detail + ")");
    case SQLITE_CANTOPEN: throw store_unavailable(where + "the file cannot be opened (" + detail + ")");
    case SQLITE_PERM:
    case SQLITE_AUTH: throw store_unavailable(where + "access denied (" + detail + ")");
    case SQLITE_NOMEM: throw store_unavailable(where + "out of memory");
    case SQLITE_PROTOCOL: throw store_unavailable(where + "the WAL lock protocol failed (" + detail + ")");
    default:
      // A statement this code got wrong, or a constraint it did not expect: retrying cannot help.
      throw std::runtime_error(where + detail + " (code " + std::to_string(extended) + ")");
  }
}

// ---- statement ------------------------------------------------------------------------------

statement::statement(sqlite3* db, const char* sql, const std::string& path) {
  // Persistent: the statement lives as long as the connection.
  const int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
    fail(db, rc, std::string("preparing \"") + sql + "\"", path);
  }
}

statement::~statement() {
  sqlite3_finalize(stmt_);
}

// ---- cursor ---------------------------------------------------------------------------------

cursor::~cursor() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void cursor::fail(int rc) const {
  sqlite::fail(db_->get(), rc, db_->doing(), db_->path());
}

void cursor::bind_at(int index, std::int64_t value) {
  if (const int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK) fail(rc);
}

void cursor::bind_at(int index, std::uint64_t value) {
  if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    throw std::out_of_range("clockwork::jobs: a value does not fit a SQLite integer: " + std::to_string(value));
  }
  bind_at(index, static_cast<std::int64_t>(value));
}

void cursor::bind_at(int index, std::string_view value) {
  // SQLITE_TRANSIENT: SQLite copies the text, so the caller's string may go before the step.
  const int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) fail(rc);
}

void cursor::bind_at(int index, std::nullopt_t) {
  if (const int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) fail(rc);
}

bool cursor::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(rc);
}

void cursor::run() {
  while (step()) {
  }
}

bool cursor::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t cursor::integer(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::optional<std::int64_t> cursor::optional_integer(int column) const {
  if (is_null(column)) return std::nullopt;
  return integer(column);
}

std::string cursor::text(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (!data) return {};
  return std::string(data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

// ---- connection -----------------------------------------------------------------------------

connection::connection(std::string path, int flags, std::chrono::milliseconds busy_timeout) : path_(std::move(path)) {
  // The store serialises every use of a connection itself (one mutex per store object).
  const int rc = sqlite3_open_v2(path_.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string detail = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    if ((rc & 0xff) == SQLITE_CANTOPEN) {
      throw store_unavailable("clockwork::jobs: sqlite:" + path_ + ": the file cannot be opened (" + detail + ")");
    }
    fail(nullptr, rc, "open", path_);
  }
  sqlite3_extended_result_codes(db_, 1);
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0) {
    device_ = static_cast<std::uint64_t>(st.st_dev);
    inode_ = static_cast<std::uint64_t>(st.st_ino);
  }
  sqlite3_busy_timeout(db_, static_cast<int>(std::min<std::chrono::milliseconds::rep>(
                                busy_timeout.count(), std::numeric_limits<int>::max())));
}

connection::~connection() {
  cache_.clear();  // statements before the handle
  sqlite3_close_v2(db_);
}

void connection::check_file() const {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) {
    const int error = errno;
    throw store_unavailable("clockwork::jobs: sqlite:" + path_ + ": the database file is gone (" +
                            std::strerror(error) +
                            "): it was removed or moved while the store had it open; nothing was written");
  }
  if (static_cast<std::uint64_t>(st.st_dev) != device_ || static_cast<std::uint64_t>(st.st_ino) != inode_) {
    throw store_unavailable("clockwork::jobs: sqlite:" + path_ +
                            ": the database file was replaced while the store had it open; nothing was written");
  }
}

cursor connection::prepare(const char* sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) it = cache_.emplace(sql, std::make_unique<statement>(db_, sql, path_)).first;
  return cursor{*this, it->second->get()};
}

void connection::exec(const char* sql, std::string_view doing) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  sqlite3_free(message);  // sqlite3_errmsg still has it
  if (rc != SQLITE_OK) fail(db_, rc, doing, path_);
}

std::int64_t connection::read_integer(const char* sql, std::string_view doing) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    fail(db_, rc, doing, path_);
  }
  rc = sqlite3_step(stmt);
  const std::int64_t value = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    // fail() reads the error from the connection, where finalize leaves it.
    sqlite3_finalize(stmt);
    fail(db_, rc, doing, path_);
  }
  sqlite3_finalize(stmt);
  return value;
}

// ---- transactions ---------------------------------------------------------------------------

write_transaction::write_transaction(connection& db) : db_(db) {
  db_.exec("BEGIN IMMEDIATE", db_.doing());
}

write_transaction::~write_transaction() {
  if (open_) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void write_transaction::commit() {
  const int rc = sqlite3_exec(db_.get(), "COMMIT", nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) {
    open_ = false;
    return;
  }
  const std::string detail = sqlite3_errmsg(db_.get());
  // Still inside the transaction (SQLite rolls back on its own for some errors): end it.
  if (!sqlite3_get_autocommit(db_.get())) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  open_ = false;
  throw commit_unknown("clockwork::jobs: sqlite:" + db_.path() + ": " + std::string(db_.doing()) +
                       ": the commit failed (" + detail + "); it may or may not have reached the file");
}

read_transaction::read_transaction(connection& db) : db_(db) {
  db_.exec("BEGIN DEFERRED", db_.doing());
}

read_transaction::~read_transaction() {
  sqlite3_exec(db_.get(), "COMMIT", nullptr, nullptr, nullptr);
}

}  // namespace clockwork::jobs::detail::sqlite
