#include "slurm_exporter/snapshot.h"

#include <set>

namespace gw::slurm_exporter {

bool FinishedJobs::IsFinalState(const std::string& state) {
  static const std::set<std::string, std::less<>> kFinal = {
      "COMPLETED", "FAILED",        "CANCELLED", "TIMEOUT",  "NODE_FAIL",
      "PREEMPTED", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE", "REVOKED"};
  return kFinal.count(state) != 0;
}

void FinishedJobs::Observe(const std::vector<slurm::Job>& jobs) {
  std::map<std::string, std::string> now;
  for (const slurm::Job& job : jobs) {
    if (!IsFinalState(job.state)) continue;
    now[job.id] = job.state;
    if (primed_ && seen_.count(job.id) == 0) ++counts_[job.state];
  }
  // Every end state appears from the first refresh, so rate() has a series to work on.
  if (!primed_) {
    for (const char* s : {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "PREEMPTED",
                          "OUT_OF_MEMORY"}) {
      counts_[s];
    }
  }
  seen_ = std::move(now);
  primed_ = true;
}

}  // namespace gw::slurm_exporter
