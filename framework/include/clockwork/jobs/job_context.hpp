// clockwork::jobs::job_context — what a job function sees while it runs one attempt of a durable
// job: its payload, attempt and fence, a stop token, a DI scope of its own, the runtime, and a way
// to complete the job in one transaction with its own writes.
//
// Example — production and test share the function; only the store and runtime differ:
//
//   clockwork::task<> send_email(clockwork::jobs::job_context& job) {
//     auto mailer = job.services().get<mailer_client>();            // scoped per job
//     co_await mailer->send(job.payload().at("to").get<std::string>(),
//                           job.fence(), job.stopping());            // hand the fence on
//   }
//   registry.add("email.send", send_email);
//   // production: add_job_worker(builder, sqlite_store, registry, options) on a real_runtime
//   // test:       the same on sim.builder() with a simulated_job_store; sim.run_for(hours(1))
//
// fence() is the (job, epoch) of this claim. A resource written outside the store should keep,
// per job, the highest epoch it has seen and refuse a lower one (fenced_resource.hpp, and the
// SQL shape in docs/jobs.md): then a worker paused past its lease — whose job was rescued and
// claimed again meanwhile — cannot apply its effect a second time.
//
// stopping() is stopped when the worker stops trusting its lease (a renewal failed for too long,
// or the store refused one: the job was rescued or cancelled), when the host's stop reaches its
// hard deadline, or when the job is cancelled. A job that ends with operation_canceled because
// of a stop is released (available again at once, its attempt given back), never failed.
//
// Thread safety: the runtime's loop, like the job function.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stop_token>
#include <string>

#include "clockwork/di/service_provider.hpp"
#include "clockwork/jobs/job_store.hpp"
#include "clockwork/runtime/runtime.hpp"
#include "clockwork/task.hpp"

namespace spdlog {
class logger;
}

namespace clockwork::jobs {

class job_context {
 public:
  using completer = std::function<task<write_outcome>(job_effect)>;

  job_context(const job& row, nlohmann::json payload, std::stop_token stopping, service_provider& services, runtime& rt,
              std::shared_ptr<spdlog::logger> log, completer complete)
      : row_(row),
        payload_(std::move(payload)),
        stopping_(std::move(stopping)),
        services_(services),
        rt_(rt),
        log_(std::move(log)),
        complete_(std::move(complete)) {}

  const job& row() const noexcept { return row_; }
  job_id id() const noexcept { return row_.id; }
  const std::string& kind() const noexcept { return row_.kind; }
  unsigned attempt() const noexcept { return row_.attempt; }
  const nlohmann::json& payload() const noexcept { return payload_; }
  fence_token fence() const noexcept { return row_.fence(); }
  std::stop_token stopping() const noexcept { return stopping_; }
  service_provider& services() noexcept { return services_; }
  runtime& rt() noexcept { return rt_; }
  spdlog::logger& log() const noexcept { return *log_; }

  // Completes the job now, `effect` in the same transaction (job_transaction): exactly once for
  // writes in the job's own store. Do the slow work first; the effect only writes. The worker
  // writes nothing more for this job afterwards. lease_lost: the job was taken back meanwhile and
  // the effect was not applied. Store errors are retried (completion is idempotent per fence)
  // while the lease can still be trusted, then rethrown.
  task<write_outcome> complete_with(job_effect effect) {
    const write_outcome out = co_await complete_(std::move(effect));
    completed_ = true;
    co_return out;
  }
  // When the function returns: scheduled again after `delay` instead of completed, the attempt
  // given back (waiting for something is no failure).
  void snooze(std::chrono::nanoseconds delay) noexcept { snooze_ = delay; }

  bool completed() const noexcept { return completed_; }
  const std::optional<std::chrono::nanoseconds>& snoozed() const noexcept { return snooze_; }

 private:
  job row_;
  nlohmann::json payload_;
  std::stop_token stopping_;
  service_provider& services_;
  runtime& rt_;
  std::shared_ptr<spdlog::logger> log_;
  completer complete_;
  bool completed_ = false;
  std::optional<std::chrono::nanoseconds> snooze_;
};

}  // namespace clockwork::jobs
