// slurm_queue_*, slurm_partition_jobs_*, slurm_user_*, slurm_account_*, slurm_job_*.
#include <algorithm>
#include <map>
#include <unordered_map>

#include "slurm_exporter/family_builder.h"
#include "slurm_exporter/slurm_metrics.h"

namespace gw::slurm_exporter {
namespace {

using metrics::Labels;

// squeue state -> slurm_queue_<suffix>.
const std::vector<std::pair<std::string, std::string>>& QueueStates() {
  static const std::vector<std::pair<std::string, std::string>> kStates = {
      {"PENDING", "pending"},       {"RUNNING", "running"},     {"SUSPENDED", "suspended"},
      {"CANCELLED", "cancelled"},   {"COMPLETING", "completing"}, {"COMPLETED", "completed"},
      {"CONFIGURING", "configuring"}, {"FAILED", "failed"},     {"TIMEOUT", "timeout"},
      {"PREEMPTED", "preempted"},   {"NODE_FAIL", "node_fail"}, {"OUT_OF_MEMORY", "out_of_memory"},
  };
  return kStates;
}

struct Usage {
  int64_t jobs_pending = 0, jobs_running = 0, jobs_suspended = 0;
  int64_t cpus_pending = 0, cpus_running = 0, gpus_pending = 0, gpus_running = 0;
  void Add(const slurm::Job& j) {
    if (j.state == "PENDING") {
      ++jobs_pending;
      cpus_pending += j.cpus;
      gpus_pending += j.gpus;
    } else if (j.state == "RUNNING") {
      ++jobs_running;
      cpus_running += j.cpus;
      gpus_running += j.gpus;
    } else if (j.state == "SUSPENDED") {
      ++jobs_suspended;
    }
  }
  bool Active() const { return jobs_pending + jobs_running + jobs_suspended > 0; }
};

void AppendQueue(const std::vector<slurm::Job>& jobs, Families& f) {
  std::map<std::string, int64_t> counts;
  int64_t dependency = 0;
  for (const slurm::Job& j : jobs) {
    ++counts[j.state];
    if (j.state == "PENDING" && j.reason == "Dependency") ++dependency;
  }
  for (const auto& [state, suffix] : QueueStates()) {
    f.Gauge("slurm_queue_" + suffix,
            "Jobs in state " + state + " (end states: within Slurm's MinJobAge window).")
        .Add(static_cast<double>(counts[state]));
  }
  f.Gauge("slurm_queue_pending_dependency", "Pending jobs waiting for a dependency.")
      .Add(static_cast<double>(dependency));
}

using UsageMap = std::unordered_map<std::string, Usage>;

// Keys in order, so the page is the same for the same cluster.
std::vector<const std::pair<const std::string, Usage>*> Sorted(const UsageMap& usage) {
  std::vector<const std::pair<const std::string, Usage>*> out;
  out.reserve(usage.size());
  for (const auto& entry : usage) out.push_back(&entry);
  std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->first < b->first; });
  return out;
}

void AppendUsage(const std::string& prefix, const std::string& label, const UsageMap& usage,
                 Families& f) {
  auto sorted = Sorted(usage);
  struct Value {
    const char* suffix;
    const char* help;
    int64_t Usage::*member;
  };
  static const Value kValues[] = {
      {"jobs_pending", "Pending jobs", &Usage::jobs_pending},
      {"jobs_running", "Running jobs", &Usage::jobs_running},
      {"jobs_suspended", "Suspended jobs", &Usage::jobs_suspended},
      {"cpus_pending", "CPUs requested by pending jobs", &Usage::cpus_pending},
      {"cpus_running", "CPUs of running jobs", &Usage::cpus_running},
      {"gpus_pending", "GPUs requested by pending jobs", &Usage::gpus_pending},
      {"gpus_running", "GPUs of running jobs", &Usage::gpus_running},
  };
  for (const Value& v : kValues) {
    f.Gauge(prefix + v.suffix, std::string(v.help) + " per " + label + ".");
    for (const auto* entry : sorted) {
      const Usage& u = entry->second;
      if (u.Active()) f.Add({{label, entry->first}}, static_cast<double>(u.*v.member));
    }
  }
}

void AppendPerJob(const std::vector<slurm::Job>& jobs, const std::vector<slurm::JobGpus>* gpus,
                  Families& f) {
  std::unordered_map<std::string_view, const slurm::JobGpus*> by_id;
  if (gpus != nullptr) {
    for (const auto& g : *gpus) by_id[g.job_id] = &g;
  }
  auto running = [](const slurm::Job& j) { return j.state == "RUNNING"; };
  auto partition = [](const slurm::Job& j) -> std::string_view {
    if (j.partitions.empty()) return {};
    return j.partitions[0];
  };
  f.Gauge("slurm_job_info", "One series per running job: who runs it, where.");
  for (const auto& j : jobs) {
    if (!running(j)) continue;
    f.AddLine({{"job_id", j.id}, {"user", j.user}, {"account", j.account},
               {"partition", partition(j)}, {"nodes", j.node_list}}, 1);
  }
  f.Gauge("slurm_job_cpus", "CPUs of a running job.");
  for (const auto& j : jobs) {
    if (running(j)) f.AddLine({{"job_id", j.id}}, static_cast<double>(j.cpus));
  }
  f.Gauge("slurm_job_gpus", "GPUs of a running job.");
  for (const auto& j : jobs) {
    if (running(j)) f.AddLine({{"job_id", j.id}}, static_cast<double>(j.gpus));
  }
  f.Gauge("slurm_job_start_time_seconds", "When a running job started (Unix seconds).");
  for (const auto& j : jobs) {
    if (running(j) && j.start_time > 0) {
      f.AddLine({{"job_id", j.id}}, static_cast<double>(j.start_time));
    }
  }
  // The join key with the GPU exporters: node = their Hostname label, gpu = their gpu label.
  f.Gauge("slurm_job_gpu",
          "1 for each GPU a running job holds, by node and GPU index (join with the GPU "
          "exporters on Hostname=node, gpu=gpu).");
  for (const auto& j : jobs) {
    auto it = by_id.find(j.id);
    if (!running(j) || it == by_id.end()) continue;
    for (const auto& [node, indices] : it->second->indices_by_node) {
      for (int index : indices) {
        f.AddLine({{"job_id", j.id}, {"user", j.user}, {"node", node},
                   {"gpu", std::to_string(index)}}, 1);
      }
    }
  }
}

}  // namespace

void AppendJobFamilies(const std::vector<slurm::Job>& jobs,
                       const std::vector<slurm::JobGpus>* job_gpus,
                       const std::set<std::string>& partitions,
                       std::vector<metrics::MetricFamily>* out) {
  Families f(out);
  AppendQueue(jobs, f);
  UsageMap by_partition, by_user, by_account;
  for (const std::string& p : partitions) by_partition[p];
  for (const slurm::Job& j : jobs) {
    // A job pending in several partitions counts in each.
    for (const std::string& p : j.partitions) by_partition[p].Add(j);
    by_user[j.user].Add(j);
    if (!j.account.empty()) by_account[j.account].Add(j);
  }
  auto parts = Sorted(by_partition);
  f.Gauge("slurm_partition_jobs_pending", "Pending jobs per partition.");
  for (const auto* p : parts) f.Add({{"partition", p->first}}, static_cast<double>(p->second.jobs_pending));
  f.Gauge("slurm_partition_jobs_running", "Running jobs per partition.");
  for (const auto* p : parts) f.Add({{"partition", p->first}}, static_cast<double>(p->second.jobs_running));
  f.Gauge("slurm_partition_gpus_pending", "GPUs requested by pending jobs per partition.");
  for (const auto* p : parts) f.Add({{"partition", p->first}}, static_cast<double>(p->second.gpus_pending));
  AppendUsage("slurm_user_", "user", by_user, f);
  AppendUsage("slurm_account_", "account", by_account, f);
  AppendPerJob(jobs, job_gpus, f);
}

}  // namespace gw::slurm_exporter
