// The PostgreSQL tests' view of the `postgres` ctest fixture (tools/pg-cluster.sh): its
// connection strings, read from the file CLOCKWORK_PG_ENV names, or why the tests skip; and a
// fresh database for a test that needs an empty one.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <unistd.h>

#include "pg_handle.hpp"

namespace clockwork::jobs::detail::pg {

// The fixture's connection strings (tools/pg-cluster.sh writes them), or why the tests skip.
class pg_test : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* file = std::getenv("CLOCKWORK_PG_ENV");
    if (!file) GTEST_SKIP() << "CLOCKWORK_PG_ENV is not set: run these tests through ctest (fixture 'postgres')";
    std::ifstream in(file);
    if (!in) GTEST_SKIP() << file << " is missing: the 'postgres' fixture did not run";
    for (std::string line; std::getline(in, line);) {
      const auto eq = line.find('=');
      if (eq == std::string::npos) continue;
      std::string value = line.substr(eq + 1);
      if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') value = value.substr(1, value.size() - 2);
      env_[line.substr(0, eq)] = value;
    }
    if (env_.contains("CLOCKWORK_PG_SKIP")) GTEST_SKIP() << env_["CLOCKWORK_PG_SKIP"];
    direct = env_.at("CLOCKWORK_PG_DIRECT");
    pooled = env_.at("CLOCKWORK_PG_POOLED");
  }
  // The direct address with another user.
  std::string as_user(const std::string& user, const std::string& password) const {
    const auto at = direct.find("user=");
    return direct.substr(0, at) + "user=" + user + "&password=" + password;
  }

  // A database of its own for this test (created empty, dropped by the fixture's cluster going
  // away), and its addresses straight to the server and through PgBouncer.
  struct database {
    std::string direct;
    std::string pooled;
  };
  database fresh_database() {
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

  std::string direct;
  std::string pooled;

 private:
  std::map<std::string, std::string> env_;
};


}  // namespace clockwork::jobs::detail::pg
