// The jobs detector: duplicate_effect when one job's effect on one resource is applied under two
// epochs, lost_job for a due job nothing will ever finish.
#include "clockwork/detectors/jobs_detector.hpp"

#include <gtest/gtest.h>

#include "clockwork/runtime/virtual_runtime.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork {
namespace {

using namespace std::chrono_literals;

class JobsDetector : public ::testing::Test {
 protected:
  JobsDetector() { rt.set_observer(&detector); }
  ~JobsDetector() override { rt.set_observer(nullptr); }
  void event(std::string_view kind, trace_fields fields, std::string_view source = "store") {
    detector.on_event(kind, source, fields);
  }
  void enqueued(int id, std::chrono::nanoseconds due_in = {}) {
    event("job.enqueued", {{"job", std::to_string(id)}, {"due", format_utc(rt.clock().utc_now() + due_in)}});
  }
  std::size_t findings(finding_kind kind) const {
    std::size_t n = 0;
    for (const auto& f : rt.findings()) n += f.kind == kind ? 1 : 0;
    return n;
  }
  virtual_runtime rt;
  jobs_detector detector{rt};
};

TEST_F(JobsDetector, AnEffectUnderTwoEpochsIsADuplicate) {
  enqueued(1);
  event("job.effect", {{"job", "1"}, {"epoch", "1"}, {"resource", "ledger"}}, "ledger");
  event("job.effect", {{"job", "1"}, {"epoch", "1"}, {"resource", "ledger"}}, "ledger");
  EXPECT_EQ(findings(finding_kind::duplicate_effect), 0u) << "one attempt may write twice";
  event("job.effect", {{"job", "1"}, {"epoch", "3"}, {"resource", "mail"}}, "mail");
  EXPECT_EQ(findings(finding_kind::duplicate_effect), 0u) << "another resource";
  event("job.effect", {{"job", "1"}, {"epoch", "3"}, {"resource", "ledger"}}, "ledger");
  EXPECT_EQ(findings(finding_kind::duplicate_effect), 1u);
  event("job.effect", {{"job", "1"}, {"epoch", "5"}, {"resource", "ledger"}}, "ledger");
  EXPECT_EQ(findings(finding_kind::duplicate_effect), 1u) << "reported once per job and resource";
  EXPECT_EQ(rt.findings().at(0).source, "ledger");
  EXPECT_EQ(detector.duplicate_effects(), 1u);
}

TEST_F(JobsDetector, ADueJobNobodyFinishesIsLost) {
  enqueued(1);
  enqueued(2);
  enqueued(3);
  enqueued(4, 1h);  // not due before the end
  event("job.claimed", {{"job", "2"}, {"lease_until", format_utc(rt.clock().utc_now() + 30s)}});
  event("job.succeeded", {{"job", "2"}});
  event("job.claimed", {{"job", "3"}, {"lease_until", format_utc(rt.clock().utc_now() + 30s)}});
  rt.advance_by(10min);
  detector.finish();
  EXPECT_EQ(findings(finding_kind::lost_job), 2u) << "1 never ran; 3's lease expired and nobody rescued it";
  detector.finish();
  EXPECT_EQ(findings(finding_kind::lost_job), 2u) << "once each";
}

TEST_F(JobsDetector, AJobUnderALiveLeaseOrWithinTheGraceIsNotLost) {
  enqueued(1);
  rt.advance_by(10min);
  event("job.claimed", {{"job", "1"}, {"lease_until", format_utc(rt.clock().utc_now() + 30s)}});
  enqueued(2);  // due now: within one lease of the end
  detector.finish();
  EXPECT_EQ(findings(finding_kind::lost_job), 0u);
}

TEST_F(JobsDetector, TheEndIsTheFirstStopRequest) {
  enqueued(1, 1min);
  rt.advance_by(2min);
  event("stop_requested", {}, "host");
  rt.advance_by(1h);
  detector.finish();
  EXPECT_EQ(findings(finding_kind::lost_job), 1u) << "due 1 min in, stop at 2 min: 1 min overdue, beyond the grace";
}

}  // namespace
}  // namespace clockwork
