#include "clockwork/jobs/job_registry.hpp"

#include <stdexcept>

namespace clockwork::jobs {

job_registry& job_registry::add(std::string kind, job_function run, job_kind_options options) {
  if (kind.empty() || kind.size() > 200) {
    throw std::invalid_argument("clockwork::jobs::job_registry: a kind name must be 1 to 200 bytes, got '" + kind +
                                "'");
  }
  if (!run) throw std::invalid_argument("clockwork::jobs::job_registry: kind '" + kind + "' has no function");
  options.retry.validate();
  if (kinds_.count(kind) != 0) {
    throw std::invalid_argument("clockwork::jobs::job_registry: kind '" + kind + "' is registered twice");
  }
  kinds_.emplace(std::move(kind), entry{std::move(run), std::move(options)});
  return *this;
}

const job_registry::entry* job_registry::find(const std::string& kind) const {
  const auto it = kinds_.find(kind);
  return it == kinds_.end() ? nullptr : &it->second;
}

std::vector<std::string> job_registry::kinds() const {
  std::vector<std::string> out;
  out.reserve(kinds_.size());
  for (const auto& [kind, e] : kinds_) out.push_back(kind);
  return out;
}

}  // namespace clockwork::jobs
