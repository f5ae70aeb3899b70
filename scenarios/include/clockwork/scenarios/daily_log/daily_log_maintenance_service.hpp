// clockwork::scenarios::daily_log_maintenance_service — the patterns document's DailyLogMaintenanceService,
// ported line by line: a background service that, once per run, creates the daily logs that
// are missing for every active user, for today and the next days.
//
// What it does, as the patterns document does:
//   - waits startup_delay (1 min), then loops: run, wait check_interval (6 h), run, ...
//   - each run opens one scope (scope_factory::create_scope) and takes the scope's
//     user_profile_repository, daily_log_repository and unit_of_work from it;
//   - loads the active users, then reads "today" once, as the UTC date of the injected clock
//     (a run that crosses midnight after loading users keeps the date it read);
//   - for each user and each of days_to_create days, adds the log if it does not exist
//     (idempotent: a second run in the same day adds nothing), logging each at debug;
//   - commits the unit of work once, then logs "Daily log maintenance completed for {n} users"
//     at info;
//   - catch, log, continue: a failed run is logged as an error and retried at the next
//     interval. operation_canceled after stop was requested ends the service gracefully.
//
// Example — one registration, production and test:
//
//   // production: repositories backed by the real database, registered as scoped services
//   clockwork::real_runtime rt;
//   clockwork::host_builder builder{rt};
//   register_sql_repositories(builder.services());
//   clockwork::scenarios::add_daily_log_service(builder);
//   // test: the same service on in-memory repositories, in virtual time
//   clockwork::testing::simulation sim;
//   auto store = std::make_shared<clockwork::scenarios::daily_log_store>();
//   clockwork::scenarios::add_daily_log(sim.builder(), store);
//   sim.start();
//   sim.run_for(std::chrono::minutes(1));     // the first run, at exactly +1 min
//
// Contract and thread safety: as background_service's. stats() is read on the runtime's
// thread, or once the runtime is not running.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "clockwork/di/service_scope.hpp"
#include "clockwork/hosting/background_service.hpp"
#include "clockwork/scenarios/daily_log/calendar.hpp"
#include "clockwork/scenarios/daily_log/daily_log_options.hpp"

namespace clockwork::scenarios {

// What the service has done so far.
struct daily_log_stats {
  std::uint64_t runs = 0;                    // started (a run cut short by stop counts here only)
  std::uint64_t succeeded = 0;               // committed
  std::uint64_t failed = 0;                  // threw, were logged, will be retried
  std::uint64_t consecutive_failures = 0;    // failed since the last success
  std::uint64_t logs_created = 0;            // committed by successful runs
  std::optional<calendar_date> first_today;  // "today" of the first successful run
  std::optional<calendar_date> last_today;   // "today" of the latest successful run
  std::string last_error;                    // what() of the latest failure
};

class daily_log_maintenance_service final : public background_service {
 public:
  // Throws std::invalid_argument for a null scope factory or invalid options.
  explicit daily_log_maintenance_service(std::shared_ptr<scope_factory> scopes, daily_log_options options = {});

  task<> execute(std::stop_token stopping) override;

  const daily_log_stats& stats() const noexcept { return stats_; }
  const daily_log_options& options() const noexcept { return options_; }

 private:
  task<> create_missing_daily_logs(std::stop_token token);

  std::shared_ptr<scope_factory> scopes_;
  daily_log_options options_;
  daily_log_stats stats_;
};

}  // namespace clockwork::scenarios
