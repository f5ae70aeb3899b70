// The RAII layer over libpq (pg_handle.hpp).
#include "pg_handle.hpp"

#include <cctype>
#include <charconv>
#include <stdexcept>

#include "clockwork/jobs/job_store.hpp"

namespace clockwork::jobs::detail::pg {
namespace {

std::string trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

bool is_uri(std::string_view s) {
  return s.starts_with("postgresql://") || s.starts_with("postgres://");
}

// Hides the value after each "password=" of a URI's query (up to '&').
std::string redact_query(std::string s) {
  for (std::size_t at = 0; (at = s.find("password=", at)) != std::string::npos;) {
    const bool starts_key = at == 0 || s[at - 1] == '?' || s[at - 1] == '&';
    at += 9;
    if (!starts_key) continue;
    const auto end = s.find('&', at);
    s.replace(at, (end == std::string::npos ? s.size() : end) - at, "***");
  }
  return s;
}

// Hides the value of each `password` keyword of a key=value string, quoted or not.
std::string redact_keywords(std::string_view s) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    // A keyword starts after whitespace (or at the beginning).
    if ((i == 0 || std::isspace(static_cast<unsigned char>(s[i - 1]))) && s.substr(i).starts_with("password")) {
      std::size_t j = i + 8;
      while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
      if (j < s.size() && s[j] == '=') {
        ++j;
        while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
        out += "password=***";
        if (j < s.size() && s[j] == '\'') {
          for (++j; j < s.size() && s[j] != '\''; ++j) {
            if (s[j] == '\\') ++j;
          }
          if (j < s.size()) ++j;
        } else {
          while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
        }
        i = j;
        continue;
      }
    }
    out += s[i++];
  }
  return out;
}

std::string sqlstate_of(const PGresult* r) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  return state ? state : "";
}

}  // namespace

std::string redact(std::string_view conninfo) {
  if (!is_uri(conninfo)) return redact_keywords(conninfo);
  std::string s(conninfo);
  const auto authority = s.find("://") + 3;
  const auto authority_end = s.find_first_of("/?", authority);
  const auto at = s.find('@', authority);
  if (at != std::string::npos && (authority_end == std::string::npos || at < authority_end)) {
    const auto colon = s.find(':', authority);
    if (colon != std::string::npos && colon < at) s.replace(colon + 1, at - colon - 1, "***");
  }
  return redact_query(std::move(s));
}

// ---- result -------------------------------------------------------------------------------------

std::string result::text(int row, int column) const {
  return std::string(PQgetvalue(r_.get(), row, column), static_cast<std::size_t>(PQgetlength(r_.get(), row, column)));
}

std::int64_t result::integer(int row, int column) const {
  const char* v = PQgetvalue(r_.get(), row, column);
  const char* end = v + PQgetlength(r_.get(), row, column);
  std::int64_t out = 0;
  const auto [ptr, ec] = std::from_chars(v, end, out);
  if (ec != std::errc{} || ptr != end) {
    throw std::runtime_error("clockwork::jobs: postgres: column " + std::to_string(column) + " is not an integer: '" +
                             std::string(v, end) + "'");
  }
  return out;
}

std::optional<std::int64_t> result::optional_integer(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return integer(row, column);
}

bool result::boolean(int row, int column) const {
  return PQgetlength(r_.get(), row, column) == 1 && PQgetvalue(r_.get(), row, column)[0] == 't';
}

// ---- connection ---------------------------------------------------------------------------------

connection::connection(std::string conninfo) : conninfo_(std::move(conninfo)), where_(redact(conninfo_)) {
  reconnect();
}

connection::~connection() {
  PQfinish(conn_);
}

void connection::reconnect() {
  in_transaction_ = false;  // a lost connection's transaction is gone with it
  PQfinish(conn_);
  conn_ = PQconnectdb(conninfo_.c_str());
  if (!conn_) throw store_unavailable("clockwork::jobs: postgres " + where_ + ": out of memory connecting");
  if (PQstatus(conn_) == CONNECTION_OK) {
    // libpq prints the server's notices ("relation … already exists, skipping") on stderr by
    // default; a store has nothing to say about them.
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
    return;
  }
  const std::string message = trimmed(PQerrorMessage(conn_));
  const bool needs_password = PQconnectionNeedsPassword(conn_) != 0;
  // A failed connection still owns its memory; a constructor that throws runs no destructor.
  PQfinish(conn_);
  conn_ = nullptr;
  if (needs_password || message.find("authentication failed") != std::string::npos) {
    throw store_unavailable("clockwork::jobs: postgres " + where_ + ": authentication refused (" + message +
                            "): check the user, and the password libpq reads from PGPASSWORD or ~/.pgpass "
                            "(never put it in --store: it would show in ps)");
  }
  throw store_unavailable("clockwork::jobs: postgres " + where_ + ": cannot connect (" + message +
                          "): check that the server runs and listens there, the host, port and database, and "
                          "the PG* variables libpq reads");
}

result connection::exec(const char* sql, std::string_view doing) {
  return exec(sql, {}, doing);
}

result connection::exec(const char* sql, const std::vector<param>& params, std::string_view doing) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  if (statement_timeout_.count() > 0 && !in_transaction_) return exec_with_timeout(sql, values, doing);
  PGresult* raw = params.empty() ? PQexec(conn_, sql)
                                 : PQexecParams(conn_, sql, static_cast<int>(values.size()), nullptr, values.data(),
                                                nullptr, nullptr, /*text results*/ 0);
  result r{raw};
  const auto status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return r;
  fail(raw, doing, /*at_commit=*/false);
}

result connection::exec_with_timeout(const char* sql, const std::vector<const char*>& values, std::string_view doing) {
  const std::string timeout = std::to_string(statement_timeout_.count());
  const char* timeout_value = timeout.c_str();
  if (PQenterPipelineMode(conn_) != 1) fail(nullptr, doing, /*at_commit=*/false);
  const bool sent = PQsendQueryParams(conn_, "SELECT set_config('statement_timeout', $1, true)", 1, nullptr,
                                      &timeout_value, nullptr, nullptr, 0) == 1 &&
                    PQsendQueryParams(conn_, sql, static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                                      nullptr, 0) == 1 &&
                    PQpipelineSync(conn_) == 1;
  // Every result up to the sync is read, whatever happened, so that the connection leaves
  // pipeline mode ready for the next statement; the first failure is the one reported.
  result answer;
  result failure;
  bool failed = !sent;
  for (int query = 0; sent && query < 2; ++query) {
    result r{PQgetResult(conn_)};
    const PGresult* raw = r.get();
    if (!raw) {
      failed = true;
      break;
    }
    while (PGresult* rest = PQgetResult(conn_)) PQclear(rest);  // the NULL that ends each query
    const auto status = PQresultStatus(raw);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      if (query == 1) answer = std::move(r);
    } else if (!failed) {
      failed = true;
      if (status != PGRES_PIPELINE_ABORTED) failure = std::move(r);
    }
  }
  if (sent) {
    for (int guard = 0; guard < 4; ++guard) {  // up to the sync (or a lost connection's NULL)
      result r{PQgetResult(conn_)};
      if (!r.get() || PQresultStatus(r.get()) == PGRES_PIPELINE_SYNC) break;
    }
  }
  if (PQexitPipelineMode(conn_) != 1) failed = true;
  if (failed) fail(failure.get(), doing, /*at_commit=*/false);
  return answer;
}

void connection::begin(std::string_view mode, std::string_view doing) {
  std::string sql = mode.empty() ? "BEGIN" : "BEGIN " + std::string(mode);
  // An integer of our own making: a simple query may carry it as text, and BEGIN and SET LOCAL
  // then take one round trip.
  if (statement_timeout_.count() > 0)
    sql += "; SET LOCAL statement_timeout = " + std::to_string(statement_timeout_.count());
  in_transaction_ = true;
  try {
    exec(sql.c_str(), doing);
  } catch (...) {
    in_transaction_ = false;
    throw;
  }
}

void connection::rollback(std::string_view doing) {
  try {
    exec("ROLLBACK", doing);  // still in the transaction: a plain statement, not behind set_config
  } catch (...) {
    in_transaction_ = false;
    throw;
  }
  in_transaction_ = false;
}

void connection::commit(std::string_view doing) {
  in_transaction_ = false;
  PGresult* raw = PQexec(conn_, "COMMIT");
  const result r{raw};
  if (raw && PQresultStatus(raw) == PGRES_COMMAND_OK) return;
  // Sent and then lost: the server may have committed before the connection went.
  fail(raw, doing, /*at_commit=*/true);
}

void connection::fail(const PGresult* r, std::string_view doing, bool at_commit) {
  const std::string state = sqlstate_of(r);
  const std::string message = trimmed(r ? PQresultErrorMessage(r) : PQerrorMessage(conn_));
  const std::string head = "clockwork::jobs: postgres " + where_ + ": " + std::string(doing) + ": ";
  if (PQstatus(conn_) != CONNECTION_OK || state.starts_with("08") || state == "57P01" || state == "57P02" ||
      state == "57P03") {
    if (at_commit) throw commit_unknown(head + "the connection was lost at the commit (" + message + ")");
    throw store_unavailable(head + "the connection was lost (" + message + "); nothing was applied");
  }
  if (state == "57014") throw store_unavailable(head + "statement timeout (" + message + "); nothing was applied");
  if (state.starts_with("53")) throw store_unavailable(head + "the server is out of resources (" + message + ")");
  throw std::runtime_error(head + message + (state.empty() ? "" : " (SQLSTATE " + state + ")"));
}

}  // namespace clockwork::jobs::detail::pg
