#include "example_kinds.hpp"

#include <spdlog/logger.h>

#include <chrono>
#include <stdexcept>
#include <string>

namespace clockwork::cli {
namespace {

// A non-negative integer field of the payload; a missing or mistyped one fails the attempt with a
// message naming it.
std::int64_t count_field(const jobs::job_context& job, const char* name) {
  const auto it = job.payload().find(name);
  if (it == job.payload().end() || !it->is_number_integer() || it->get<std::int64_t>() < 0) {
    throw std::invalid_argument(job.kind() + ": the payload needs \"" + name + "\": a non-negative integer, got " +
                                job.payload().dump());
  }
  return it->get<std::int64_t>();
}

task<> sleep_job(jobs::job_context& job) {
  const auto ms = count_field(job, "ms");
  co_await job.rt().delay(std::chrono::milliseconds(ms), job.stopping());
}

task<> fail_job(jobs::job_context& job) {
  const auto times = count_field(job, "times");
  // The attempt number is the store's: a killed worker's attempt counts too.
  if (static_cast<std::int64_t>(job.attempt()) <= times) {
    throw std::runtime_error("example.fail: attempt " + std::to_string(job.attempt()) + " fails (the first " +
                             std::to_string(times) + " do)");
  }
  co_return;
}

task<> fenced_increment_job(jobs::job_context& job) {
  const auto it = job.payload().find("counter");
  if (it == job.payload().end() || !it->is_string() || it->get<std::string>().empty()) {
    throw std::invalid_argument("example.fenced_increment: the payload needs \"counter\": a name, got " +
                                job.payload().dump());
  }
  const std::string counter = it->get<std::string>();
  const auto ms = count_field(job, "ms");
  // The slow part first; the transaction only writes.
  co_await job.rt().delay(std::chrono::milliseconds(ms), job.stopping());
  // Named, not a temporary in the co_await: with GCC 12, a capturing lambda converted to a
  // std::function temporary inside the co_await expression crashes the program (free() of an
  // invalid pointer) when the coroutine resumes.
  jobs::job_effect add_one = [counter](jobs::job_transaction& tx) { tx.add_to_counter(counter, 1); };
  auto completing = job.complete_with(std::move(add_one));
  const jobs::write_outcome out = co_await completing;
  if (out != jobs::write_outcome::applied) {
    job.log().warn("example.fenced_increment: job {} (epoch {}): {}: counter '{}' not incremented", job.id(),
                   job.fence().epoch, jobs::to_string(out), counter);
  }
}

}  // namespace

jobs::job_registry example_registry() {
  using namespace std::chrono_literals;
  // Short retries: these kinds are for trying things out.
  jobs::job_kind_options quick;
  quick.retry = retry_policy::exponential(2, 200ms, 5s);
  jobs::job_registry registry;
  registry.add("example.sleep", sleep_job, quick);
  registry.add("example.fail", fail_job, quick);
  registry.add("example.fenced_increment", fenced_increment_job, quick);
  return registry;
}

}  // namespace clockwork::cli
