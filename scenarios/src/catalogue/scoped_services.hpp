// Internal: Pattern 1's scoped services — the patterns document's IRepository and IUnitOfWork on
// clockwork::fakes. A scope's repository stages its writes in that scope's unit of work; only a
// commit makes them visible in the database (a singleton that outlives every scope). A unit of
// work that ends with staged writes while no exception propagates is a forgotten commit,
// reported as a scope_violation naming the service whose work ended it (report_to).
#pragma once

#include <cstddef>
#include <memory>
#include <stop_token>
#include <string>

#include "clockwork/di/service_collection.hpp"
#include "clockwork/fakes/in_memory_table.hpp"
#include "clockwork/fakes/unit_of_work.hpp"
#include "clockwork/runtime/runtime.hpp"
#include "clockwork/task.hpp"

namespace clockwork::scenarios::entries::pattern1 {

// The database: one table of processed items (item -> who processed it).
struct database {
  fakes::in_memory_table<int, std::string> processed{"processed"};
};

// Holds the database for unit_of_work: a base listed before fakes::unit_of_work, so that the
// table outlives the fake's destructor, which drops the staged writes there.
struct database_holder {
  std::shared_ptr<database> db;
};

// IUnitOfWork, scoped.
class unit_of_work final : private database_holder, public fakes::unit_of_work {
 public:
  unit_of_work(runtime& rt, std::shared_ptr<database> database)
      : database_holder{std::move(database)}, fakes::unit_of_work(options(rt)), rt_(&rt) {}
  task<> commit(std::stop_token token) { return commit_async(*rt_, std::move(token)); }

 private:
  static fakes::unit_of_work_options options(runtime& rt) {
    fakes::unit_of_work_options o;
    o.name = "unit_of_work";
    o.report_to = &rt;
    return o;
  }
  runtime* rt_;
};

// IRepository, scoped: stages in its scope's unit of work.
class repository {
 public:
  repository(std::shared_ptr<database> db, std::shared_ptr<unit_of_work> unit)
      : db_(std::move(db)), unit_(std::move(unit)) {}
  void mark_processed(int item, std::string by) { db_->processed.insert(*unit_, item, std::move(by)); }

 private:
  std::shared_ptr<database> db_;
  std::shared_ptr<unit_of_work> unit_;
};

inline void add_scoped_services(service_collection& services) {
  services.add_singleton<database>([] { return std::make_shared<database>(); }, "database");
  services.add_scoped<unit_of_work>(
      [](service_provider& sp) { return std::make_shared<unit_of_work>(*sp.get<runtime>(), sp.get<database>()); },
      "unit_of_work");
  services.add_scoped<repository>(
      [](service_provider& sp) { return std::make_shared<repository>(sp.get<database>(), sp.get<unit_of_work>()); },
      "repository");
}

}  // namespace clockwork::scenarios::entries::pattern1
