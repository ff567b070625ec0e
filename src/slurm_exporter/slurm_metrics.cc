// slurm_scheduler_* and the exporter's own series, and the assembly of a whole page.
#include "slurm_exporter/slurm_metrics.h"

#include "slurm_exporter/family_builder.h"

namespace gw::slurm_exporter {

void AppendSchedulerFamilies(const slurm::Sdiag& sdiag, std::vector<metrics::MetricFamily>* out) {
  struct Value {
    const char* key;
    const char* name;
    const char* help;
  };
  // vpenso's names; sdiag's counters reset at midnight UTC, so all are gauges.
  static const Value kValues[] = {
      {"server_thread_count", "slurm_scheduler_threads", "slurmctld server threads."},
      {"agent_queue_size", "slurm_scheduler_queue_size", "slurmctld agent queue size."},
      {"dbd_agent_queue_size", "slurm_scheduler_dbd_queue_size", "slurmdbd agent queue size."},
      {"main.last_cycle", "slurm_scheduler_last_cycle", "Last main scheduler cycle (microseconds)."},
      {"main.mean_cycle", "slurm_scheduler_mean_cycle", "Mean main scheduler cycle (microseconds)."},
      {"main.max_cycle", "slurm_scheduler_max_cycle", "Longest main scheduler cycle (microseconds)."},
      {"main.cycles_per_minute", "slurm_scheduler_cycle_per_minute", "Main scheduler cycles per minute."},
      {"main.last_queue_length", "slurm_scheduler_last_queue_length", "Queue length at the last main cycle."},
      {"backfill.last_cycle", "slurm_scheduler_backfill_last_cycle", "Last backfill cycle (microseconds)."},
      {"backfill.mean_cycle", "slurm_scheduler_backfill_mean_cycle", "Mean backfill cycle (microseconds)."},
      {"backfill.depth_mean", "slurm_scheduler_backfill_depth_mean", "Mean backfill depth."},
      {"backfill.total_backfilled_jobs_since_start", "slurm_scheduler_backfilled_jobs_since_start_total",
       "Jobs started by backfill since slurmctld started."},
      {"backfill.total_backfilled_jobs_since_cycle", "slurm_scheduler_backfilled_jobs_since_cycle_total",
       "Jobs started by backfill since the last stats reset."},
      {"backfill.total_backfilled_heterogeneous", "slurm_scheduler_backfilled_heterogeneous_total",
       "Heterogeneous job components started by backfill."},
      {"jobs_submitted", "slurm_scheduler_jobs_submitted", "Jobs submitted since the stats reset."},
      {"jobs_started", "slurm_scheduler_jobs_started", "Jobs started since the stats reset."},
      {"jobs_completed", "slurm_scheduler_jobs_completed", "Jobs completed since the stats reset."},
      {"jobs_canceled", "slurm_scheduler_jobs_canceled", "Jobs canceled since the stats reset."},
      {"jobs_failed", "slurm_scheduler_jobs_failed", "Jobs failed since the stats reset."},
  };
  Families f(out);
  for (const Value& v : kValues) {
    f.Gauge(v.name, v.help);
    if (auto value = sdiag.Get(v.key)) f.Add(*value);
  }
}

std::vector<metrics::MetricFamily> BuildSlurmFamilies(const Snapshot& s,
                                                      const RefreshCounters& counters) {
  std::vector<metrics::MetricFamily> out;
  std::set<std::string> partitions;
  if (s.nodes) {
    AppendClusterFamilies(*s.nodes, &out);
    for (const auto& n : *s.nodes) partitions.insert(n.partitions.begin(), n.partitions.end());
  }
  if (s.jobs) {
    AppendJobFamilies(*s.jobs, s.job_gpus ? &*s.job_gpus : nullptr, partitions, &out);
  }
  if (s.sdiag) AppendSchedulerFamilies(*s.sdiag, &out);
  Families f(&out);
  f.Counter("slurm_jobs_finished_total",
            "Jobs that reached an end state while the exporter watched, by state.");
  for (const auto& [state, n] : counters.finished_jobs) {
    f.Add({{"state", state}}, static_cast<double>(n));
  }
  f.Gauge("slurm_exporter_collector_success",
          "1 when the command behind a collector succeeded in the last refresh, else 0 (its "
          "metrics then show the last good data, see slurm_exporter_snapshot_age_seconds).");
  for (const auto& [source, st] : s.sources) f.Add({{"collector", source}}, st.ok ? 1 : 0);
  f.Gauge("slurm_exporter_snapshot_age_seconds",
          "Age of the data served for each collector at the last refresh: about the refresh "
          "interval when healthy, growing while its command fails.");
  for (const auto& [source, st] : s.sources) {
    if (st.data_ms > 0) {
      f.Add({{"collector", source}}, static_cast<double>(s.taken_ms - st.data_ms) / 1000.0);
    }
  }
  f.Gauge("slurm_exporter_command_duration_seconds", "How long each command took last refresh.");
  for (const auto& [source, st] : s.sources) f.Add({{"command", source}}, st.duration_s);
  f.Counter("slurm_exporter_command_errors_total", "Failed command runs, by command.");
  for (const auto& [source, st] : s.sources) {
    auto it = counters.command_errors.find(source);
    f.Add({{"command", source}}, static_cast<double>(it == counters.command_errors.end() ? 0 : it->second));
  }
  f.Counter("slurm_exporter_refreshes_total", "Refreshes since start.")
      .Add(static_cast<double>(counters.refreshes));
  f.Gauge("slurm_exporter_last_refresh_timestamp_seconds",
          "When the last refresh finished (Unix seconds).")
      .Add(counters.last_refresh_s);
  return out;
}

}  // namespace gw::slurm_exporter
