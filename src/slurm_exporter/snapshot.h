// One refresh's worth of what Slurm said, shared read-only by every collector.
#ifndef GW_SLURM_EXPORTER_SNAPSHOT_H_
#define GW_SLURM_EXPORTER_SNAPSHOT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "slurm/slurm_types.h"

namespace gw::slurm_exporter {

// The outcome of one command in one refresh.
struct SourceStatus {
  bool ok = false;
  std::string error;  // why not, when !ok
  double duration_s = 0;
  int64_t data_ms = 0;  // when the data served for this source was read (0: never)
};

struct Snapshot {
  // When a command fails, the last good data of that source is kept and served, marked stale:
  // slurm_exporter_collector_success is 0 and slurm_exporter_snapshot_age_seconds grows. A
  // source that never succeeded is absent, and so are its metrics.
  std::optional<std::vector<slurm::Node>> nodes;      // sinfo
  std::optional<std::vector<slurm::Job>> jobs;        // squeue
  std::optional<std::vector<slurm::JobGpus>> job_gpus;  // scontrol -d show job
  std::optional<slurm::Sdiag> sdiag;                  // sdiag
  std::map<std::string, SourceStatus> sources;        // "sinfo", "squeue", "scontrol", "sdiag"
  int64_t taken_ms = 0;
};

// Counts jobs that ended, by end state, once per job across refreshes.
// Thread-compatible (the refresh thread owns it).
class FinishedJobs {
 public:
  // Feeds one squeue listing. Jobs already in an end state in the first listing are remembered
  // but not counted (they ended before the exporter started); ids that leave the listing are
  // forgotten, so memory follows Slurm's MinJobAge window.
  void Observe(const std::vector<slurm::Job>& jobs);
  const std::map<std::string, uint64_t>& counts() const { return counts_; }
  size_t remembered() const { return seen_.size(); }

  // End states Slurm reports ("COMPLETED", "FAILED", ...).
  static bool IsFinalState(const std::string& state);

 private:
  bool primed_ = false;
  std::map<std::string, std::string> seen_;  // job id -> end state
  std::map<std::string, uint64_t> counts_;
};

}  // namespace gw::slurm_exporter

#endif  // GW_SLURM_EXPORTER_SNAPSHOT_H_
