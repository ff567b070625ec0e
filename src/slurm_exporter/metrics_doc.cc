#include "slurm_exporter/metrics_doc.h"

#include "metrics/markdown_table.h"
#include "slurm_exporter/slurm_metrics.h"

namespace gw::slurm_exporter {
namespace {

// A snapshot in which every family has at least one sample.
Snapshot EverythingSnapshot() {
  slurm::Node n;
  n.name = "node1";
  n.address = "127.0.1.1";
  n.state = "mixed";
  n.state_text = "mixed";
  n.partitions = {"gpu"};
  n.gres = {{"gpu", "h100", 4, {}}};
  slurm::Job j;
  j.id = "1";
  j.state = "RUNNING";
  j.user = "alice";
  j.account = "lab";
  j.partitions = {"gpu"};
  j.start_time = 1;
  Snapshot s;
  s.nodes = std::vector<slurm::Node>{n};
  s.jobs = std::vector<slurm::Job>{j};
  s.job_gpus = std::vector<slurm::JobGpus>{{"1", {{"node1", {0}}}}};
  slurm::Sdiag sdiag;
  for (const char* key :
       {"server_thread_count", "agent_queue_size", "dbd_agent_queue_size", "main.last_cycle",
        "main.mean_cycle", "main.max_cycle", "main.cycles_per_minute", "main.last_queue_length",
        "backfill.last_cycle", "backfill.mean_cycle", "backfill.depth_mean",
        "backfill.total_backfilled_jobs_since_start", "backfill.total_backfilled_jobs_since_cycle",
        "backfill.total_backfilled_heterogeneous", "jobs_submitted", "jobs_started",
        "jobs_completed", "jobs_canceled", "jobs_failed"}) {
    sdiag.values[key] = 1;
  }
  s.sdiag = sdiag;
  s.sources["sinfo"] = {true, "", 0};
  return s;
}

}  // namespace

std::string MetricsReferenceMarkdown() {
  RefreshCounters counters;
  counters.finished_jobs["COMPLETED"] = 1;
  return "## gpuwatchdog-slurm-exporter (:9341)\n\n"
         "Names follow vpenso/prometheus-slurm-exporter and its maintained successors, so their "
         "dashboards work. When a command fails, the families it feeds keep their last good "
         "values, marked: `slurm_exporter_collector_success` is then 0 and "
         "`slurm_exporter_snapshot_age_seconds` grows until the command works again.\n\n" +
         metrics::MarkdownTable(BuildSlurmFamilies(EverythingSnapshot(), counters), {});
}

}  // namespace gw::slurm_exporter
