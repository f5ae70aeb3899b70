// The conformance suite on the SQLite store: a fresh file per test (in a temporary folder,
// removed after the test), every connection a store object of its own on the test's virtual
// runtime, so that instants are exact.
#include <gtest/gtest.h>

#include <unistd.h>
#include <atomic>
#include <filesystem>
#include <string>

#include "clockwork/jobs/sqlite_job_store.hpp"
#include "store_conformance.hpp"

namespace clockwork::jobs {
namespace {

namespace fs = std::filesystem;

// The folder of the running test's database: made by fresh(), removed by the next fresh() (the
// previous test's stores are gone by then) and at the end of the program.
fs::path folder;
bool migrated = false;

void remove_folder() {
  if (!folder.empty()) {
    std::error_code ec;
    fs::remove_all(folder, ec);
    folder.clear();
  }
}

testing::store_backend sqlite_backend() {
  testing::store_backend b;
  b.name = "sqlite";
  b.fresh = [] {
    remove_folder();
    static std::atomic<int> made{0};
    folder = fs::temp_directory_path() /
             ("clockwork-sqlite-conformance-" + std::to_string(::getpid()) + "-" + std::to_string(++made));
    fs::create_directories(folder);
    migrated = false;
  };
  b.open = [](runtime& rt, const std::string& connection) -> std::shared_ptr<job_store> {
    const fs::path file = folder / "jobs.db";
    if (!migrated) {
      sqlite_job_store::migrate(file);
      migrated = true;
    }
    sqlite_store_options options;
    options.name = connection;
    options.flush_every_commit = false;  // a test's file need not survive a power cut
    return std::make_shared<sqlite_job_store>(rt, file, options);
  };
  return b;
}

class remove_last_folder : public ::testing::Environment {
 public:
  void TearDown() override { remove_folder(); }
};
const auto* const cleanup = ::testing::AddGlobalTestEnvironment(new remove_last_folder);

}  // namespace

namespace testing {
INSTANTIATE_TEST_SUITE_P(sqlite, job_store_conformance, ::testing::Values(sqlite_backend()), backend_name);
}  // namespace testing

}  // namespace clockwork::jobs
