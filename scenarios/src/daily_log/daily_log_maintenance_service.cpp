#include "clockwork/scenarios/daily_log/daily_log_maintenance_service.hpp"

#include <spdlog/logger.h>

#include <cstddef>
#include <exception>
#include <stdexcept>
#include <utility>
#include <vector>

#include "clockwork/scenarios/daily_log/daily_log.hpp"
#include "clockwork/scenarios/daily_log/daily_log_repository.hpp"
#include "clockwork/scenarios/daily_log/unit_of_work.hpp"
#include "clockwork/scenarios/daily_log/user_profile_repository.hpp"

namespace clockwork::scenarios {

daily_log_maintenance_service::daily_log_maintenance_service(std::shared_ptr<scope_factory> scopes,
                                                             daily_log_options options)
    : scopes_(std::move(scopes)), options_(options) {
  if (!scopes_) throw std::invalid_argument("clockwork::scenarios::daily_log_maintenance_service: null scope_factory");
  options_.validate();
}

task<> daily_log_maintenance_service::execute(std::stop_token stopping) {
  // Delay start-up so as not to interfere with the application's initialisation.
  auto startup = rt().delay(options_.startup_delay, stopping);
  co_await startup;

  while (!stopping.stop_requested()) {
    std::string error;
    try {
      auto run = create_missing_daily_logs(stopping);
      co_await run;
    } catch (const operation_canceled&) {
      if (stopping.stop_requested()) throw;  // shutting down: a graceful end, not an error
      error = "canceled without a stop request";
    } catch (const std::exception& e) {
      error = e.what();
    } catch (...) {
      error = "an exception not derived from std::exception";
    }
    if (!error.empty()) {
      // Catch, log, continue: the next run retries.
      ++stats_.failed;
      ++stats_.consecutive_failures;
      stats_.last_error = error;
      log()->error("Failed to create daily logs. Will retry. Error: {}", error);
    }

    auto pause = rt().delay(options_.check_interval, stopping);
    co_await pause;
  }
}

task<> daily_log_maintenance_service::create_missing_daily_logs(std::stop_token token) {
  ++stats_.runs;
  // One scope per run: its repositories and unit of work live exactly as long as the run.
  service_scope scope = scopes_->create_scope();
  auto user_repo = scope.provider().get<user_profile_repository>();
  auto daily_log_repo = scope.provider().get<daily_log_repository>();
  auto work = scope.provider().get<unit_of_work>();

  auto loading = user_repo->get_all_active(token);
  const std::vector<user_profile> users = co_await loading;
  // Read once, after the users are loaded, as the patterns document does: the whole run uses this date even
  // if it crosses midnight.
  const calendar_date today = rt().clock().utc_today();

  // The run's days, the same for every user: worked out once, not once per user.
  std::vector<calendar_date> days;
  days.reserve(static_cast<std::size_t>(options_.days_to_create));
  for (int i = 0; i < options_.days_to_create; ++i) days.push_back(add_days(today, i));

  std::uint64_t created = 0;
  for (const user_profile& user : users) {
    for (const calendar_date day : days) {
      auto probe = daily_log_repo->exists(user.id, day, token);
      const bool exists = co_await probe;
      if (!exists) {
        auto adding = daily_log_repo->add(daily_log::create(user.id, day, user.nutrition_target_for(day)), token);
        co_await adding;
        ++created;
        if (log()->should_log(spdlog::level::debug)) {
          log()->debug("Created DailyLog for {} on {}", to_string(user.id), to_string(day));
        }
      }
    }
  }

  auto committing = work->commit(token);
  co_await committing;
  ++stats_.succeeded;
  stats_.consecutive_failures = 0;
  stats_.logs_created += created;
  if (!stats_.first_today) stats_.first_today = today;
  stats_.last_today = today;
  log()->info("Daily log maintenance completed for {} users", users.size());
}

}  // namespace clockwork::scenarios
