// §5 Decision matrix: "Need retries on failure — BackgroundService + try/catch + counter". An
// hourly sync on a periodic_timer; each run tries up to three times, counting its attempts and
// backing off 1 s, then 2 s, between them. The upstream is down for the first two calls: the
// first run succeeds on its third attempt (two warnings, no error), the later ones at once. A
// run that used up its attempts would log an error and wait for the next tick. Nothing found.
#include <stdexcept>

#include "entries.hpp"

namespace clockwork::scenarios::entries {
namespace {

class sync_with_retries final : public background_service {
 public:
  static constexpr int max_attempts = 3;

  task<> execute(std::stop_token stopping) override {
    periodic_timer timer{rt(), std::chrono::hours(1), "hourly_sync"};
    for (;;) {
      co_await run_with_retries(stopping);
      const bool ticked = co_await timer.next_tick(stopping);
      if (!ticked) break;
    }
  }

 private:
  task<> run_with_retries(std::stop_token stopping) {
    auto backoff = std::chrono::seconds(1);
    for (int attempt = 1;; ++attempt) {
      rt().emit("attempt", name());
      std::string error;
      try {
        co_await sync(stopping);
      } catch (const operation_canceled&) {
        throw;  // shutting down
      } catch (const std::exception& e) {
        error = e.what();
      }
      if (error.empty()) {
        note_run();  // a successful sync
        co_return;
      }
      if (attempt == max_attempts) {
        log()->error("sync failed {} times, giving up until the next run: {}", attempt, error);
        co_return;
      }
      log()->warn("sync attempt {} of {} failed: {}; retrying in {}", attempt, max_attempts, error,
                  format_duration(backoff));
      co_await rt().delay(backoff, stopping);
      backoff *= 2;
    }
  }

  task<> sync(std::stop_token token) {
    co_await rt().delay(std::chrono::milliseconds(200), token);  // the request
    if (++calls_ <= 2) throw std::runtime_error("upstream unavailable");
  }
  int calls_ = 0;
};

}  // namespace

scenario retries_counter() {
  scenario s;
  s.name = "matrix.retries_counter";
  s.section = "5. Decision Matrix: Need retries on failure";
  s.summary = "try/catch + an attempt counter + backoff: fails twice, succeeds on the third attempt, no error";
  s.span = std::chrono::hours(3) + std::chrono::minutes(30);
  s.resolution = std::chrono::minutes(10);  // the stop is 30 min from any tick; retries only shift a run by seconds
  s.setup = [](testing::scenario_world& w) { w.builder().add_hosted_service<sync_with_retries>("sync"); };
  s.count = [](testing::scenario_world& w, testing::verdict& v) {
    v.count("attempts", w.count_records("attempt", "sync"));
    v.count("successes", w.count_records("run", "sync"));
    v.count("retry_warnings", w.count_logs("retrying in"));
    v.count("gave_up", w.count_logs("giving up"));
  };
  // Runs at +0 (3 attempts: ends +3.6 s), +1 h, +2 h, +3 h (1 attempt each).
  s.expected.count("attempts", 6).count("successes", 4).count("retry_warnings", 2).count("gave_up", 0);
  return s;
}

}  // namespace clockwork::scenarios::entries
