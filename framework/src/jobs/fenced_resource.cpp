#include "clockwork/jobs/fenced_resource.hpp"

namespace clockwork::jobs {

fenced_resource::fenced_resource(runtime& rt, std::string name, fencing mode)
    : rt_(rt), name_(std::move(name)), mode_(mode) {}

bool fenced_resource::apply(fence_token fence, std::int64_t delta) {
  per_job& seen = jobs_[fence.job];
  if (mode_ == fencing::on && fence.epoch < seen.epoch) {
    ++refused_;
    if (rt_.observer()) {
      rt_.emit("job.effect_refused", name_,
               {{"job", std::to_string(fence.job)},
                {"epoch", std::to_string(fence.epoch)},
                {"resource", name_},
                {"newer_epoch", std::to_string(seen.epoch)}});
    }
    return false;
  }
  if (fence.epoch > seen.epoch) seen.epoch = fence.epoch;
  ++seen.writes;
  ++applied_;
  value_ += delta;
  if (rt_.observer()) {
    rt_.emit("job.effect", name_,
             {{"job", std::to_string(fence.job)}, {"epoch", std::to_string(fence.epoch)}, {"resource", name_}});
  }
  return true;
}

std::uint64_t fenced_resource::applied_for(job_id job) const {
  const auto it = jobs_.find(job);
  return it == jobs_.end() ? 0 : it->second.writes;
}

}  // namespace clockwork::jobs
