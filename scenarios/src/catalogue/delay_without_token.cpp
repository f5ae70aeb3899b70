// Mistake 2: "await Task.Delay(TimeSpan.FromHours(1))" without the stopping token. Stop is
// requested at +30 min; the service sleeps on for the rest of its hour. The host enforces its
// 30-second shutdown timeout, abandons the service and names it; the trace records by how much
// it overshot when it finally wakes (29 min 30 s after the deadline).
#include "entries.hpp"

namespace clockwork::scenarios::entries {
namespace {

class deaf_hourly final : public background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    while (!stopping.stop_requested()) {
      note_run();
      co_await rt().delay(std::chrono::hours(1));  // no token!
    }
  }
};

class polite_hourly final : public background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    while (!stopping.stop_requested()) {
      note_run();
      co_await rt().delay(std::chrono::hours(1), stopping);
    }
  }
};

// "00:29:30.000" -> 1770
std::int64_t overshoot_seconds(const std::string& text) {
  const int h = std::stoi(text.substr(0, 2));
  const int m = std::stoi(text.substr(3, 2));
  const int sec = std::stoi(text.substr(6, 2));
  return h * 3600 + m * 60 + sec;
}

}  // namespace

scenario delay_without_token() {
  scenario s;
  s.name = "m2.delay_without_token.wrong";
  s.section = "Mistake 2: Not Respecting CancellationToken";
  s.variant = "wrong";
  s.summary = "delay(1 h) without the token: still asleep at the 30 s shutdown deadline, abandoned and named";
  s.span = std::chrono::minutes(30);
  s.drain_after_stop = std::chrono::hours(1);  // until the deaf service wakes: the overshoot
  s.resolution = std::chrono::seconds(15);
  s.setup = [](testing::scenario_world& w) { w.builder().add_hosted_service<deaf_hourly>("deaf"); };
  s.count = [](testing::scenario_world& w, testing::verdict& v) {
    v.count("runs", w.count_records("run", "deaf"));
    v.count("abandoned", w.count_records("service_abandoned", "deaf"));
    // How long after the shutdown deadline it finally woke, in whole minutes (the real host's
    // deadline carries its timing allowance: seconds, not minutes).
    for (const auto& r : w.trace().find("service_ended_after_abandon", "deaf")) {
      v.count("overshoot_minutes", overshoot_seconds(*r.field("overshoot")) / 60);
    }
  };
  s.expected.finding(finding_kind::cancellation_ignored, "deaf")
      .failure("deaf", failure_kind::abandoned)
      .count("runs", 1)
      .count("abandoned", 1)
      .count("overshoot_minutes", 29);  // woke at +60 min; the deadline was +30:30
  return s;
}

scenario delay_with_token() {
  scenario s;
  s.name = "m2.delay_with_token.right";
  s.section = "Mistake 2: Not Respecting CancellationToken";
  s.variant = "right";
  s.summary = "delay(1 h, token): the stop request ends the wait at once, a clean stop";
  s.span = std::chrono::minutes(30);
  s.resolution = std::chrono::seconds(15);
  s.setup = [](testing::scenario_world& w) { w.builder().add_hosted_service<polite_hourly>("polite"); };
  s.count = [](testing::scenario_world& w, testing::verdict& v) { v.count("runs", w.count_records("run", "polite")); };
  s.expected.count("runs", 1);
  return s;
}

}  // namespace clockwork::scenarios::entries
