// clockwork::jobs::fenced_resource — a resource outside the job store that a job writes to,
// fenced by the job's epoch: per job it keeps the highest epoch that wrote, and refuses a write
// with a lower one. Then a worker paused past its lease — whose job was rescued and claimed again
// under a higher epoch meanwhile — cannot apply its effect a second time, whatever it believes.
// This one lives in memory, for tests and scenarios; the same rule in SQL, for a table of yours:
//
//   INSERT INTO payment (job_id, epoch, amount) VALUES ($1, $2, $3)
//   ON CONFLICT (job_id) DO UPDATE SET epoch = excluded.epoch, amount = excluded.amount
//   WHERE payment.epoch < excluded.epoch;       -- 0 rows: a newer attempt wrote first: refused
//
// (A lower epoch arriving *first* writes, and the newer attempt then overwrites it: fencing makes
// the latest claim win, it does not make a stale worker's write disappear. For an effect that must
// happen at most once, write it in the job's own completing transaction — job_context::
// complete_with — where a stale epoch writes nothing at all.)
//
// With fencing off it is a plain resource: every write applies, as an unfenced API would. The
// scenarios use that to show the duplicate effect fencing prevents.
//
// Example — production and test side by side:
//
//   // production: the payment API takes the fence as an idempotency/version token:
//   co_await payments.charge(order, job.fence().job, job.fence().epoch);
//   // test:
//   clockwork::jobs::fenced_resource ledger{sim.rt(), "ledger"};
//   registry.add("charge", [&](clockwork::jobs::job_context& job) -> clockwork::task<> {
//     ledger.apply(job.fence(), 100);
//     co_return;
//   });
//   ... EXPECT_EQ(ledger.value(), 100 * jobs);
//
// Trace: every applied write is a job.effect event (job, epoch, resource) and every refused one a
// job.effect_refused event, which the jobs detector reads (duplicate_effect).
//
// Thread safety: the runtime's loop.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "clockwork/jobs/job.hpp"
#include "clockwork/runtime/runtime.hpp"

namespace clockwork::jobs {

class fenced_resource {
 public:
  enum class fencing : unsigned char { on, off };

  fenced_resource(runtime& rt, std::string name, fencing mode = fencing::on);

  // Adds delta for the job under fence; false (nothing written) when a higher epoch of that job
  // wrote before.
  bool apply(fence_token fence, std::int64_t delta = 1);

  const std::string& name() const noexcept { return name_; }
  std::int64_t value() const noexcept { return value_; }
  std::uint64_t applied() const noexcept { return applied_; }
  std::uint64_t refused() const noexcept { return refused_; }
  // How many writes of this job applied.
  std::uint64_t applied_for(job_id job) const;

 private:
  runtime& rt_;
  std::string name_;
  fencing mode_;
  std::int64_t value_ = 0;
  std::uint64_t applied_ = 0;
  std::uint64_t refused_ = 0;
  struct per_job {
    std::int64_t epoch = 0;
    std::uint64_t writes = 0;
  };
  std::map<job_id, per_job> jobs_;
};

}  // namespace clockwork::jobs
