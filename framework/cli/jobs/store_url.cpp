#include "store_url.hpp"

#include <functional>
#include <vector>

#include "clockwork/jobs/sqlite_job_store.hpp"
#if CLOCKWORK_HAS_POSTGRES
#include "clockwork/jobs/postgres_job_store.hpp"
#endif
#include "clockwork/runtime/runtime.hpp"

namespace clockwork::cli {
namespace {

struct scheme {
  std::string_view name;
  std::string_view prefix;
  std::string_view usage;  // how the URL is written, for messages
  std::function<std::shared_ptr<jobs::job_store>(const store_url&, runtime&, std::string)> open;
  std::function<std::string(const store_url&)> migrate;
};

std::shared_ptr<jobs::job_store> open_sqlite(const store_url& url, runtime& rt, std::string name) {
  jobs::sqlite_store_options options;
  options.name = std::move(name);
  return std::make_shared<jobs::sqlite_job_store>(rt, url.location, options);
}

std::string migrate_sqlite(const store_url& url) {
  const jobs::sqlite_migration m = jobs::sqlite_job_store::migrate(url.location);
  const std::string where = "sqlite:" + url.location + ": ";
  if (m.from == m.to) return where + "schema already at version " + std::to_string(m.to);
  if (m.from == 0) return where + "schema created (version " + std::to_string(m.to) + ")";
  return where + "schema upgraded from version " + std::to_string(m.from) + " to " + std::to_string(m.to);
}

#if CLOCKWORK_HAS_POSTGRES
// The whole URI goes to libpq, which also reads what it leaves out (the password from
// PGPASSWORD or ~/.pgpass, PGHOST, PGPORT...); messages show it with its password hidden.
std::shared_ptr<jobs::job_store> open_postgres(const store_url& url, runtime& rt, std::string name) {
  jobs::postgres_store_options options;
  options.name = std::move(name);
  options.listen_address = url.listen;
  return std::make_shared<jobs::postgres_job_store>(rt, url.text, options);
}

std::string migrate_postgres(const store_url& url) {
  const jobs::postgres_migration m = jobs::postgres_job_store::migrate(url.text);
  const std::string where = m.where + ": ";
  if (m.from == m.to) return where + "schema already at version " + std::to_string(m.to);
  if (m.from == 0) return where + "schema created (version " + std::to_string(m.to) + ")";
  return where + "schema upgraded from version " + std::to_string(m.from) + " to " + std::to_string(m.to);
}
#endif

const std::vector<scheme>& schemes() {
  static const std::vector<scheme> known {
    {"sqlite", "sqlite:", "sqlite:PATH", open_sqlite, migrate_sqlite},
#if CLOCKWORK_HAS_POSTGRES
        {"postgresql", "postgresql://", "postgresql://[user@]host[:port]/database[?...]", open_postgres,
         migrate_postgres},
        {"postgres", "postgres://", "postgres://...", open_postgres, migrate_postgres},
#endif
  };
  return known;
}

std::string known_schemes() {
  std::string out;
  for (const scheme& s : schemes()) out += (out.empty() ? "" : ", ") + std::string(s.usage);
  return out;
}

const scheme& scheme_of(const store_url& url) {
  for (const scheme& s : schemes()) {
    if (s.name == url.scheme) return s;
  }
  throw usage_error("--store: no scheme '" + url.scheme + "'");
}

}  // namespace

store_url parse_store_url(std::string_view text) {
  for (const scheme& s : schemes()) {
    if (text.substr(0, s.prefix.size()) != s.prefix) continue;
    store_url url{std::string(s.name), std::string(text.substr(s.prefix.size())), std::string(text), {}};
    // sqlite:///var/lib/jobs.db, the URL form, names /var/lib/jobs.db.
    if (url.scheme == "sqlite" && url.location.rfind("//", 0) == 0) url.location.erase(0, 2);
    if (url.location.empty()) {
      throw usage_error("--store '" + std::string(text) + "': no location after '" + std::string(s.prefix) +
                        "' (expected " + std::string(s.usage) + ")");
    }
    return url;
  }
  const auto colon = text.find(':');
  const std::string given =
      colon == std::string_view::npos ? "no scheme" : "scheme '" + std::string(text.substr(0, colon)) + "'";
  throw usage_error("--store '" + std::string(text) + "': " + given +
                    " is not one this build knows (known: " + known_schemes() + ")");
}

std::shared_ptr<jobs::job_store> open_store(const store_url& url, runtime& rt, std::string name) {
  try {
    return scheme_of(url).open(url, rt, std::move(name));
  } catch (const jobs::store_unavailable& e) {
    throw usage_error(e.what());
  } catch (const jobs::schema_mismatch& e) {
    throw usage_error(e.what());
  } catch (const std::invalid_argument& e) {
    throw usage_error(e.what());
  }
}

std::string migrate_store(const store_url& url) {
  try {
    return scheme_of(url).migrate(url);
  } catch (const jobs::store_unavailable& e) {
    throw usage_error(e.what());
  } catch (const jobs::schema_mismatch& e) {
    throw usage_error(e.what());
  } catch (const std::invalid_argument& e) {
    throw usage_error(e.what());
  }
}

}  // namespace clockwork::cli
