// Pattern 3, the wrong way: "while (!stop) { work; await Task.Delay(1 h) }". The work takes time
// (modeled: 2 minutes a run), so each run starts 2 minutes later than an hourly schedule would
// have it, and the gap grows run after run. The drift detector says so, with the trend.
#include "entries.hpp"

namespace clockwork::scenarios::entries {
namespace {

class hourly_by_delay final : public background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    while (!stopping.stop_requested()) {
      rt().work(std::chrono::minutes(2));  // the job itself
      note_run();
      co_await rt().delay(std::chrono::hours(1), stopping);
    }
  }
};

}  // namespace

scenario while_delay_drifts() {
  scenario s;
  s.name = "p3.while_delay.wrong";
  s.section = "Pattern 3: PeriodicTimer";
  s.variant = "wrong";
  s.summary = "work then delay(1 h): each run slips by the work's 2 min, and the slip grows";
  s.span = std::chrono::hours(23) + std::chrono::minutes(30);  // ends between two runs
  s.blocking_budget = std::chrono::hours(1);  // the 2-minute job is modeled work, not a mistake here
  s.resolution = std::chrono::minutes(10);
  s.setup = [](testing::scenario_world& w) { w.builder().add_hosted_service<hourly_by_delay>("hourly"); };
  s.count = [](testing::scenario_world& w, testing::verdict& v) { v.count("runs", w.count_records("run", "hourly")); };
  s.expected.finding(finding_kind::drift, "hourly").count("runs", 23);  // one every 62 min: at +0 ... +22:44
  return s;
}

}  // namespace clockwork::scenarios::entries
