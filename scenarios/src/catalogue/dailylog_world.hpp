// Internal: what the DailyLog scenarios share — the patterns document's DailyLogMaintenanceService on its
// in-memory store (scenarios/…/daily_log), with users 1, 2 and 4 active and user 3 inactive, the
// store's injected faults in the trace, and a check of the store once the host has stopped.
//
// The check is a scripted event after the stop (the scenario's drain_after_stop keeps the
// runtime going for it) that writes a `store_checked` record: how many logs were committed,
// whether every active user has exactly one log per day from the first run's "today" to the
// last run's "today" + 6 (or, before any success, whether nothing at all was written), and how
// the units of work ended. The counts read it back from the trace, with the service's stats.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "clockwork/scenarios/daily_log/add_daily_log.hpp"
#include "clockwork/scenarios/daily_log/daily_log_consistency.hpp"
#include "clockwork/scenarios/daily_log/daily_log_store.hpp"
#include "clockwork/testing/scenario.hpp"

namespace clockwork::scenarios::entries::dailylog {

inline constexpr std::chrono::nanoseconds check_delay = std::chrono::seconds(1);

// The store with its four users, its faults traced; and the service on it.
inline std::shared_ptr<daily_log_store> add_daily_log_on_store(testing::scenario_world& w,
                                                               daily_log_options options = {}) {
  constexpr nutrition_target weekday{.calories = 2000, .protein_g = 120, .carbs_g = 220, .fat_g = 70};
  constexpr nutrition_target weekend{.calories = 2400, .protein_g = 120, .carbs_g = 280, .fat_g = 80};
  auto store = std::make_shared<daily_log_store>();
  store->add_user({.id = user_id{1}, .active = true, .weekday_target = weekday, .weekend_target = weekend});
  store->add_user({.id = user_id{2}, .active = true, .weekday_target = weekday});
  store->add_user({.id = user_id{3}, .active = false, .weekday_target = weekday});
  store->add_user({.id = user_id{4}, .active = true, .weekday_target = weekday});
  store->faults().attach(&w.trace());
  add_daily_log(w.builder(), store, options);
  return store;
}

// Checks the store `check_delay` after the end of the span, once the host has stopped. In virtual
// time it always has by then. On a loaded real host the stop's unwinding (a cancelled run rolling
// its unit of work back) may still be queued behind this timer when it fires; checking then would
// see the staged adds of a run that is about to roll back and report a difference the service does
// not have, so the check waits for the host's `stopped` instead.
inline void check_store_after(testing::scenario_world& w, std::chrono::nanoseconds span,
                              std::shared_ptr<daily_log_store> store) {
  auto check = [&w, store] {
    const auto& stats = daily_log_service_of(w.app())->stats();
    bool consistent = store->logs().empty() && store->logs().staged_total() == 0;
    if (stats.first_today && stats.last_today) {
      const auto days = daily_log_service_of(w.app())->options().days_to_create;
      consistent = check_daily_logs(*store, *stats.first_today, add_days(*stats.last_today, days - 1)).ok();
    }
    w.rt().emit("store_checked", "store",
                {{"logs", std::to_string(store->logs().size())},
                 {"consistent", consistent ? "true" : "false"},
                 {"rollbacks", std::to_string(store->rollbacks())},
                 {"forgotten_commits", std::to_string(store->forgotten_commits())}});
  };
  // Owned by the timer's callback, which the world keeps until the run ends.
  auto after_stop = std::make_shared<std::optional<std::stop_callback<std::function<void()>>>>();
  w.at(span + check_delay, "check the store", [&w, check, after_stop] {
    const std::stop_token stopped = w.app().lifetime().stopped();
    if (stopped.stop_requested()) {
      check();
    } else {
      after_stop->emplace(stopped, check);
    }
  });
}

// runs, succeeded, failed, logs_created (the service's stats); errors_logged; consistent (0/1),
// rollbacks (the store check).
inline void count(testing::scenario_world& w, testing::verdict& v) {
  const auto& stats = daily_log_service_of(w.app())->stats();
  v.count("runs", static_cast<std::int64_t>(stats.runs));
  v.count("succeeded", static_cast<std::int64_t>(stats.succeeded));
  v.count("failed", static_cast<std::int64_t>(stats.failed));
  v.count("logs_created", static_cast<std::int64_t>(stats.logs_created));
  v.count("errors_logged", w.count_logs("Failed to create daily logs"));
  for (const auto& r : w.trace().find("store_checked", "store")) {
    v.count("consistent", *r.field("consistent") == "true" ? 1 : 0);
    v.count("rollbacks", std::stoll(*r.field("rollbacks")));
  }
}

}  // namespace clockwork::scenarios::entries::dailylog
