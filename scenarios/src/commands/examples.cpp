// The two examples clockwork-replay and clockwork-timeline know besides the catalogue
// (known_scenarios.hpp): a same-instant race that some seeds lose, and hostile names.
#include <chrono>
#include <memory>
#include <stdexcept>

#include "clockwork/hosting/background_service.hpp"
#include "known_scenarios.hpp"

namespace clockwork::commands {
namespace {

using namespace std::chrono_literals;

// ---- example.same_instant_race: a reader and a writer due at the same instant ----------------

struct shared_flag {
  bool written = false;
};

class writer final : public background_service {
 public:
  explicit writer(std::shared_ptr<shared_flag> flag) : flag_(std::move(flag)) {}
  task<> execute(std::stop_token stopping) override {
    co_await rt().delay(1min, stopping);
    flag_->written = true;
    note_run();
    co_await rt().delay(infinite, stopping);
  }

 private:
  std::shared_ptr<shared_flag> flag_;
};

class reader final : public background_service {
 public:
  explicit reader(std::shared_ptr<shared_flag> flag) : flag_(std::move(flag)) {}
  task<> execute(std::stop_token stopping) override {
    co_await rt().delay(1min, stopping);  // due at the writer's instant: which runs first is the seed's
    if (!flag_->written) {
      log()->error("read before the write: nothing to read");
      throw std::runtime_error("read before the write");
    }
    note_run();
    co_await rt().delay(infinite, stopping);
  }

 private:
  std::shared_ptr<shared_flag> flag_;
};

// ---- example.hostile_names: names and messages that try to break out of the page -------------

class hostile final : public background_service {
 public:
  task<> execute(std::stop_token stopping) override {
    note_run();
    log()->warn("</script><script>alert(2)</script><img src=x onerror=alert(3)>");
    co_await rt().delay(1min, stopping);
  }  // returns before stop: a silent death, naming the service
};

const char* const hostile_name = "<script>alert(1)</script>";

}  // namespace

testing::scenario same_instant_race() {
  testing::scenario s;
  s.name = "example.same_instant_race";
  s.section = "example";
  s.summary = "a reader due at the writer's instant: fine in arm order, faulted when a seed runs it first";
  s.span = 5min;
  s.virtual_only_reason = "an example of a same-instant race, which only the virtual runtime's seeds reorder";
  s.setup = [](testing::scenario_world& w) {
    auto flag = std::make_shared<shared_flag>();
    w.builder().add_hosted_service<writer>("writer",
                                           [flag](service_provider&) { return std::make_shared<writer>(flag); });
    w.builder().add_hosted_service<reader>("reader",
                                           [flag](service_provider&) { return std::make_shared<reader>(flag); });
  };
  s.count = [](testing::scenario_world& w, testing::verdict& v) { v.count("reads", w.count_records("run", "reader")); };
  s.expected.count("reads", 1);
  return s;
}

testing::scenario hostile_names() {
  testing::scenario s;
  s.name = "example.hostile_names";
  s.section = "example";
  s.summary = "a service named <script>alert(1)</script> logs </script><img onerror>: all of it shown as text";
  s.span = 5min;
  s.virtual_only_reason = "an example of escaping; the page, not the host, is under test";
  s.setup = [](testing::scenario_world& w) { w.builder().add_hosted_service<hostile>(hostile_name); };
  s.expected.finding(finding_kind::silent_death, hostile_name);
  return s;
}

}  // namespace clockwork::commands
