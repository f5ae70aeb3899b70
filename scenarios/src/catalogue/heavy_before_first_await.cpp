// Pattern 5, wrong: heavy work before the first suspension of execute(). The service warms a
// cache for 30 s (modeled blocking work, rt().work) and only then enters its loop. How much that
// hurts depends on how the host starts execute(), one scenario each:
//
//   inline     host_options::inline_start = true, as .NET did before version 10: execute() runs
//              inside start() until it first suspends, so the host's start — and every service
//              registered after this one, and "application started", and the health checks
//              behind it — waits the 30 s. A startup_blocked finding (start took 30 s, budget
//              1 s) and a blocking_call finding (a 30 s slice, budget 50 ms).
//   scheduled  the default: start() only schedules execute(), so start-up completes at once —
//              but the first slice of execute() still blocks the loop for 30 s, and everything
//              else on it waits: a blocking_call finding alone.
//
// The second service, "web", stands for the rest of the application: it is ready when the host
// has started ("web front ready"), and when that happens shows who waited.
#include "entries.hpp"
#include "startup_services.hpp"

namespace clockwork::scenarios::entries {
namespace {

class cache_warmer final : public background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    log()->info("warming the cache");
    rt().work(std::chrono::seconds(30));  // heavy work before the first await
    log()->info("cache warm");
    note_run();
    while (!stopping.stop_requested()) {
      co_await rt().delay(std::chrono::minutes(5), stopping);
    }
  }
};

scenario heavy_before_first_await(std::string mode, bool inline_start) {
  scenario s;
  s.name = "p5.heavy_before_first_await." + mode + ".wrong";
  s.section = "Pattern 5: Startup Delay";
  s.variant = "wrong";
  s.span = std::chrono::minutes(2);
  s.host.inline_start = inline_start;
  s.setup = [](testing::scenario_world& w) {
    w.builder().add_hosted_service<cache_warmer>("warmer");
    w.builder().add_hosted_service<pattern5::web_front>("web");
  };
  s.count = [](testing::scenario_world& w, testing::verdict& v) {
    v.count("warmed", w.count_records("run", "warmer"));
    v.count("started_before_cache_warm", pattern5::started_before_cache_warm(w));
  };
  return s;
}

}  // namespace

scenario heavy_before_first_await_inline() {
  scenario s = heavy_before_first_await("inline", true);
  // Its verdict hinges on the 1 s start-up budget. On a real host the 30 s block counts as
  // distortion (so a resolution must exceed 60 s: a scale of 12 000 or more), while the host
  // widens its budgets by the machine's latency, scaled (about 2 ms x the scale: 24 s and more
  // there). Only a sliver of scales, on a quiet machine, could both see the block and be
  // conclusive: this one is left to virtual time.
  s.virtual_only_reason =
      "its 1 s start-up budget and its 30 s block leave almost no real-host time scale that is both conclusive and "
      "able to see the block";
  s.summary = "30 s of blocking work before the first await, started inline: the host's start-up waits for it";
  s.expected.finding(finding_kind::startup_blocked, "warmer")
      .finding(finding_kind::blocking_call, "warmer")
      .count("warmed", 1)
      .count("started_before_cache_warm", 0);
  return s;
}

scenario heavy_before_first_await_scheduled() {
  scenario s = heavy_before_first_await("scheduled", false);
  s.resolution = std::chrono::minutes(2);  // a 30 s slice: a real host's distortion includes it
  s.summary = "the same work with execute scheduled (the default): start-up completes, the loop is blocked 30 s";
  s.expected.finding(finding_kind::blocking_call, "warmer").count("warmed", 1).count("started_before_cache_warm", 1);
  return s;
}

}  // namespace clockwork::scenarios::entries
