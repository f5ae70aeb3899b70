#include "clockwork/scenarios/daily_log/daily_log_demo.hpp"

#include <memory>
#include <stdexcept>
#include <utility>

#include "clockwork/diagnostics/logging.hpp"
#include "clockwork/hosting/host_builder.hpp"
#include "clockwork/runtime/cancellation.hpp"
#include "clockwork/scenarios/daily_log/add_daily_log.hpp"
#include "clockwork/scenarios/daily_log/daily_log_store.hpp"

namespace clockwork::scenarios {
namespace {

// Runs the host until length has passed on the runtime's clock, then lets it shut down.
task<host_result> run_host_for(host& app, runtime& rt, std::chrono::nanoseconds length, steady_time* stop_at) {
  std::stop_source stop;
  const cancel_after deadline{rt, stop, length};
  *stop_at = deadline.deadline();
  auto running = app.run(stop.get_token());
  host_result result = co_await running;
  co_return result;
}

template <class Runtime>
daily_log_demo_report run_demo_on(Runtime& rt, trace& tr, const daily_log_demo_options& options) {
  options.validate();
  daily_log_demo_report report;

  auto store = std::make_shared<daily_log_store>();
  for (user_profile& user : demo_users(options.users, options.inactive_every)) {
    report.active_users += user.active ? 1 : 0;
    store->add_user(std::move(user));
  }
  report.users = options.users;
  store->faults().attach(&tr);
  if (options.inject_faults) script_demo_faults(store->faults());

  auto warnings = std::make_shared<testing::log_capture>();
  warnings->set_level(spdlog::level::warn);
  const std::size_t findings_before = rt.findings().size();
  rt.set_observer(&tr);
  const steady_time start = rt.now();
  steady_time stop_at{};
  {
    host_builder builder{rt};
    builder.configure(options.host);
    builder.add_log_sink(warnings);
    builder.add_log_sink(make_trace_sink(tr));
    add_daily_log(builder, store, options.service);
    host app = builder.build();
    report.result = rt.block_on(run_host_for(app, rt, options.length, &stop_at));
    report.stats = daily_log_service_of(app)->stats();
  }
  const steady_time stopped = rt.now();
  // The sinks and the trace belong to this call and its caller: detach them from the runtime.
  rt.set_logger(make_null_logger());
  rt.set_observer(nullptr);
  store->faults().attach(nullptr);

  report.simulated = stopped - start;
  report.stop_took = stopped - stop_at;
  const fakes::fault_plan& plan = store->faults();
  report.get_all_active_calls = plan.calls(daily_log_store::get_all_active_operation);
  report.exists_calls = plan.calls(daily_log_store::exists_operation);
  report.add_calls = plan.calls(daily_log_store::add_operation);
  report.commit_calls = plan.calls(daily_log_store::commit_operation);
  report.repository_calls = plan.calls();
  report.faults = plan.injected();
  report.units_begun = store->units_begun();
  report.units_committed = store->commits();
  report.units_rolled_back = store->rollbacks();
  report.units_forgotten = store->forgotten_commits();
  report.findings.assign(rt.findings().begin() + static_cast<std::ptrdiff_t>(findings_before), rt.findings().end());
  report.warnings = warnings->records();
  if (report.stats.first_today && report.stats.last_today) {
    report.consistency = check_daily_logs(*store, *report.stats.first_today,
                                          add_days(*report.stats.last_today, options.service.days_to_create - 1));
    report.consistency_checked = true;
  }
  return report;
}

}  // namespace

void daily_log_demo_options::validate() const {
  const std::string prefix = "clockwork::scenarios::daily_log_demo_options: ";
  if (length <= std::chrono::nanoseconds{0}) throw std::invalid_argument(prefix + "length must be positive");
  if (users == 0) throw std::invalid_argument(prefix + "users must be at least 1");
  service.validate();
  host.validate();
}

bool daily_log_demo_report::ok() const noexcept {
  return result.ok() && stats.succeeded > 0 && consistency_checked && consistency.ok() && units_forgotten == 0;
}

std::vector<user_profile> demo_users(std::uint32_t count, std::uint32_t inactive_every) {
  std::vector<user_profile> users;
  users.reserve(count);
  for (std::uint32_t id = 1; id <= count; ++id) {
    const int n = static_cast<int>(id);
    user_profile user;
    user.id = user_id{id};
    user.active = inactive_every == 0 || id % inactive_every != 0;
    user.weekday_target = {
        .calories = 1800 + (n % 8) * 50, .protein_g = 90 + n % 40, .carbs_g = 200 + n % 60, .fat_g = 60 + n % 20};
    if (id % 3 == 0) {
      user.weekend_target = nutrition_target{.calories = user.weekday_target.calories + 300,
                                             .protein_g = user.weekday_target.protein_g,
                                             .carbs_g = user.weekday_target.carbs_g + 50,
                                             .fat_g = user.weekday_target.fat_g + 10};
    }
    users.push_back(user);
  }
  return users;
}

void script_demo_faults(fakes::fault_plan& plan) {
  // The connection drops in the middle of the first run: nothing of that run is committed, and
  // the next run, 6 hours later, creates everything.
  plan.fail(std::string(daily_log_store::add_operation)).on_call(300).with_message("connection reset by peer");
  // The database is down for three runs in a row (18 hours); the fourth catches up.
  plan.fail(std::string(daily_log_store::get_all_active_operation))
      .on_calls(20, 22)
      .with_message("database unavailable");
  // A commit is chosen as a deadlock victim: the whole run is rolled back and redone later.
  // (The 41st commit is the one of the 45th run, at 00:01 on the 12th, which adds a day of logs.)
  plan.fail_commit().on_call(41).with_message("deadlock victim");
  // Loading users once takes 90 s: as the patterns document waits its interval after each run, every later
  // run starts 90 s later than it would have.
  plan.add_latency(std::string(daily_log_store::get_all_active_operation), std::chrono::seconds(90)).on_call(60);
  // The first query about one particular log times out.
  plan.fail(std::string(daily_log_store::exists_operation))
      .when([](const fakes::fault_call& call) { return call.description == "user 42 on 2026-01-20"; })
      .times(1)
      .with_message("query timeout");
}

daily_log_demo_report run_daily_log_demo(virtual_runtime& rt, trace& tr, const daily_log_demo_options& options) {
  return run_demo_on(rt, tr, options);
}

daily_log_demo_report run_daily_log_demo(real_runtime& rt, trace& tr, const daily_log_demo_options& options) {
  return run_demo_on(rt, tr, options);
}

}  // namespace clockwork::scenarios
