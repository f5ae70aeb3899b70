// The PostgreSQL tests' view of the `postgres` ctest fixture (tools/pg-cluster.sh): its
// connection strings, read from the file CLOCKWORK_PG_ENV names, or why the tests skip; and a
// fresh database for a test that needs an empty one.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include "pg_handle.hpp"

namespace clockwork::jobs::detail::pg {

// The fixture's cluster: its two addresses, or why the tests skip.
struct pg_fixture {
  std::string skip;    // not empty: why the tests skip
  std::string direct;  // libpq URI straight to the server
  std::string pooled;  // the same through PgBouncer

  // Reads the file CLOCKWORK_PG_ENV names (tools/pg-cluster.sh writes it).
  static pg_fixture read() {
    pg_fixture f;
    const char* file = std::getenv("CLOCKWORK_PG_ENV");
    if (!file) {
      f.skip = "CLOCKWORK_PG_ENV is not set: run these tests through ctest (fixture 'postgres')";
      return f;
    }
    std::ifstream in(file);
    if (!in) {
      f.skip = std::string(file) + " is missing: the 'postgres' fixture did not run";
      return f;
    }
    std::map<std::string, std::string> env;
    for (std::string line; std::getline(in, line);) {
      const auto eq = line.find('=');
      if (eq == std::string::npos) continue;
      std::string value = line.substr(eq + 1);
      if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') value = value.substr(1, value.size() - 2);
      env[line.substr(0, eq)] = value;
    }
    if (env.contains("CLOCKWORK_PG_SKIP")) {
      f.skip = env["CLOCKWORK_PG_SKIP"];
      return f;
    }
    f.direct = env.at("CLOCKWORK_PG_DIRECT");
    f.pooled = env.at("CLOCKWORK_PG_POOLED");
    return f;
  }

  // A database of its own (created empty; it goes with the fixture's cluster), and its addresses
  // straight to the server and through PgBouncer.
  struct database {
    std::string direct;
    std::string pooled;
  };
  database fresh_database() const {
    static std::atomic<int> made{0};
    const std::string name = "cw_test_" + std::to_string(::getpid()) + "_" + std::to_string(++made);
    connection admin{direct};
    admin.exec(("CREATE DATABASE " + name).c_str(), "a test");
    const auto swap = [&](const std::string& uri) {
      const auto slash = uri.find("///") + 3;
      return uri.substr(0, slash) + name + uri.substr(uri.find('?'));
    };
    return {swap(direct), swap(pooled)};
  }
};

// A test against the fixture's cluster (skipped, saying why, without one).
class pg_test : public ::testing::Test {
 protected:
  using database = pg_fixture::database;
  void SetUp() override {
    fixture_ = pg_fixture::read();
    if (!fixture_.skip.empty()) GTEST_SKIP() << fixture_.skip;
    direct = fixture_.direct;
    pooled = fixture_.pooled;
  }
  // The direct address with another user.
  std::string as_user(const std::string& user, const std::string& password) const {
    const auto at = direct.find("user=");
    return direct.substr(0, at) + "user=" + user + "&password=" + password;
  }
  database fresh_database() const { return fixture_.fresh_database(); }

  std::string direct;
  std::string pooled;

 private:
  pg_fixture fixture_;
};

}  // namespace clockwork::jobs::detail::pg
