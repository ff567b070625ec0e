// Turns a Slurm snapshot into metric families, with the names the Slurm exporters' users already
// chart (vpenso/prometheus-slurm-exporter and its maintained successors), plus per-node and
// per-job series. Pure functions, unit-tested on hand-built snapshots.
#ifndef GW_SLURM_EXPORTER_SLURM_METRICS_H_
#define GW_SLURM_EXPORTER_SLURM_METRICS_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "metrics/metric_family.h"
#include "slurm_exporter/snapshot.h"

namespace gw::slurm_exporter {

// What the exporter counts across refreshes.
struct RefreshCounters {
  uint64_t refreshes = 0;
  std::map<std::string, uint64_t> command_errors;  // source -> failures
  std::map<std::string, uint64_t> finished_jobs;   // end state -> jobs
  double last_refresh_s = 0;
};

// The node-state bucket of slurm_nodes_<bucket>: each node is counted in exactly one, by
// precedence maint > drain > down > fail > its base state (alloc, comp, idle, mix, resv, planned,
// future, unknown, inval, err); states Slurm may add later land in "other".
std::string NodeBucket(const slurm::Node& node);
// Whether a node can take new jobs (so its free GPUs and CPUs are "idle", not "other").
bool NodeSchedulable(const slurm::Node& node);

// Cluster-wide CPU, node and GPU totals, per-node and per-partition series (from sinfo).
void AppendClusterFamilies(const std::vector<slurm::Node>& nodes,
                           std::vector<metrics::MetricFamily>* out);
// Queue, user, account and per-job series (from squeue, and scontrol for GPU indices when
// given). `partitions` (from sinfo, may be empty) get per-partition job counts even at zero.
void AppendJobFamilies(const std::vector<slurm::Job>& jobs,
                       const std::vector<slurm::JobGpus>* job_gpus,
                       const std::set<std::string>& partitions,
                       std::vector<metrics::MetricFamily>* out);
// slurm_scheduler_* (from sdiag).
void AppendSchedulerFamilies(const slurm::Sdiag& sdiag, std::vector<metrics::MetricFamily>* out);

std::vector<metrics::MetricFamily> BuildSlurmFamilies(const Snapshot& snapshot,
                                                      const RefreshCounters& counters);

}  // namespace gw::slurm_exporter

#endif  // GW_SLURM_EXPORTER_SLURM_METRICS_H_
