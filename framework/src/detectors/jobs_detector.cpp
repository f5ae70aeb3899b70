#include "clockwork/detectors/jobs_detector.hpp"

#include <charconv>

#include "clockwork/diagnostics/trace.hpp"
#include "clockwork/schedule/iso8601.hpp"
#include "clockwork/time/duration.hpp"
#include "clockwork/time/time_format.hpp"

namespace clockwork {
namespace {

const std::string* field(const trace_fields& fields, std::string_view key) {
  for (const auto& f : fields) {
    if (f.key == key) return &f.value;
  }
  return nullptr;
}

std::optional<std::int64_t> number(const trace_fields& fields, std::string_view key) {
  const std::string* v = field(fields, key);
  if (!v) return std::nullopt;
  std::int64_t out = 0;
  const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc{} || end != v->data() + v->size()) return std::nullopt;
  return out;
}

std::optional<utc_time> instant(const trace_fields& fields, std::string_view key) {
  const std::string* v = field(fields, key);
  if (!v) return std::nullopt;
  try {
    return cron::parse_instant(*v);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

// Any stop request counts (the simulation's scripted one comes just before the host's own).
jobs_detector::jobs_detector(runtime& rt, jobs_detector_options options)
    : rt_(&rt), options_(options), grace_(options.grace) {}

void jobs_detector::on_event(std::string_view kind, std::string_view source, const trace_fields& fields) {
  if (kind == trace_kind::stop_requested) {
    if (!stop_requested_) stop_requested_ = rt_->clock().stamp_utc();
    return;
  }
  if (kind.size() < 5 || kind.substr(0, 4) != "job.") return;
  const auto id = number(fields, "job");
  if (!id) return;
  const std::string_view what = kind.substr(4);
  if (what == "enqueued") {
    tracked& t = jobs_[*id];
    t.due = instant(fields, "due").value_or(rt_->clock().stamp_utc());
    return;
  }
  const auto it = jobs_.find(*id);
  if (it == jobs_.end()) return;  // enqueued before the detector was installed
  tracked& t = it->second;
  if (what == "claimed" || what == "heartbeat") {
    t.lease_until = instant(fields, "lease_until");
    if (what == "claimed" && t.lease_until) {
      const auto lease = saturating_sub(*t.lease_until, rt_->clock().stamp_utc());
      if (lease > grace_) grace_ = lease;
    }
  } else if (what == "succeeded" || what == "failed" || what == "cancelled") {
    t.final = true;
    t.lease_until.reset();
  } else if (what == "rescued" || what == "released" || what == "retrying" || what == "snoozed" || what == "requeued") {
    t.final = false;
    t.lease_until.reset();
    if (const auto due = instant(fields, "due")) t.due = *due;
  } else if (what == "effect") {
    ++effects_;
    const auto epoch = number(fields, "epoch");
    const std::string* resource = field(fields, "resource");
    if (!epoch || !resource) return;
    auto& epochs = applied_[{*id, *resource}];
    epochs.insert(*epoch);
    if (epochs.size() == 2) {
      ++duplicates_;
      std::string list;
      for (const auto e : epochs) list += (list.empty() ? "" : " and ") + std::to_string(e);
      rt_->report(finding_kind::duplicate_effect, std::string(source),
                  "job " + std::to_string(*id) + "'s effect on " + *resource + " was applied twice, by epochs " + list +
                      ": a stale attempt wrote after the job was claimed again (fence the write with the job's epoch)");
    }
  }
}

void jobs_detector::finish() {
  const utc_time end = stop_requested_.value_or(rt_->clock().stamp_utc());
  const utc_time horizon = saturating_add(end, -grace_);
  for (auto& [id, t] : jobs_) {
    if (t.final || t.reported || t.due > horizon) continue;
    if (t.lease_until && *t.lease_until > end) continue;  // running under a live lease
    t.reported = true;
    rt_->report(finding_kind::lost_job, "jobs",
                "job " + std::to_string(id) + " was due at " + format_utc(t.due) + " and never finished (" +
                    (t.lease_until ? "its lease expired at " + format_utc(*t.lease_until) + " and nobody rescued it"
                                   : "no worker ran it") +
                    ")");
  }
}

}  // namespace clockwork
