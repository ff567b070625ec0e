// slurm_cpus_*, slurm_nodes_*, slurm_gpus_*, slurm_node_*, slurm_partition_* (CPU and GPU part).
#include <map>
#include <set>

#include "slurm_exporter/family_builder.h"
#include "slurm_exporter/slurm_metrics.h"

namespace gw::slurm_exporter {
namespace {

struct Totals {
  int64_t cpus_alloc = 0, cpus_idle = 0, cpus_other = 0, cpus_total = 0;
  int64_t gpus_alloc = 0, gpus_idle = 0, gpus_total = 0;
  void AddNode(const slurm::Node& n) {
    cpus_alloc += n.cpus_alloc;
    cpus_idle += n.cpus_idle;
    cpus_other += n.cpus_other;
    cpus_total += n.cpus_total;
    int64_t total = slurm::GpuCount(n.gres);
    int64_t used = slurm::GpuCount(n.gres_used);
    gpus_total += total;
    gpus_alloc += used;
    if (NodeSchedulable(n)) gpus_idle += std::max<int64_t>(total - used, 0);
  }
  int64_t gpus_other() const { return gpus_total - gpus_alloc - gpus_idle; }
};

const std::vector<std::string>& NodeBuckets() {
  static const std::vector<std::string> kBuckets = {
      "alloc", "comp",    "down",   "drain",   "err",   "fail",  "idle",  "maint",
      "mix",   "resv",    "planned", "future", "unknown", "inval", "other"};
  return kBuckets;
}

void AppendTotals(const std::vector<slurm::Node>& nodes, Families& f) {
  Totals t;
  for (const slurm::Node& n : nodes) t.AddNode(n);
  f.Gauge("slurm_cpus_alloc", "Allocated CPUs.").Add(static_cast<double>(t.cpus_alloc));
  f.Gauge("slurm_cpus_idle", "Idle CPUs.").Add(static_cast<double>(t.cpus_idle));
  f.Gauge("slurm_cpus_other", "CPUs neither allocated nor idle (drained, down, ...).")
      .Add(static_cast<double>(t.cpus_other));
  f.Gauge("slurm_cpus_total", "Total CPUs.").Add(static_cast<double>(t.cpus_total));
  f.Gauge("slurm_gpus_alloc", "GPUs allocated to jobs.").Add(static_cast<double>(t.gpus_alloc));
  f.Gauge("slurm_gpus_idle", "Free GPUs on nodes that accept jobs.")
      .Add(static_cast<double>(t.gpus_idle));
  f.Gauge("slurm_gpus_other", "Free GPUs on nodes that do not accept jobs (drained, down, ...).")
      .Add(static_cast<double>(t.gpus_other()));
  f.Gauge("slurm_gpus_total", "Total GPUs.").Add(static_cast<double>(t.gpus_total));
  f.Gauge("slurm_gpus_utilization", "Allocated GPUs / total GPUs (0 when there are none).")
      .Add(t.gpus_total > 0 ? static_cast<double>(t.gpus_alloc) / static_cast<double>(t.gpus_total)
                            : 0);

  std::map<std::string, int64_t> buckets;
  for (const std::string& b : NodeBuckets()) buckets[b] = 0;
  int64_t not_responding = 0;
  for (const slurm::Node& n : nodes) {
    ++buckets[NodeBucket(n)];
    if (n.not_responding) ++not_responding;
  }
  for (const std::string& b : NodeBuckets()) {
    f.Gauge("slurm_nodes_" + b, "Nodes in state " + b + " (each node counted once).")
        .Add(static_cast<double>(buckets[b]));
  }
  f.Gauge("slurm_nodes_not_responding", "Nodes slurmctld cannot reach (the '*' in sinfo).")
      .Add(static_cast<double>(not_responding));
  f.Gauge("slurm_nodes_total", "Nodes.").Add(static_cast<double>(nodes.size()));
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ",") + p;
  return out;
}

void AppendPerNode(const std::vector<slurm::Node>& nodes, Families& f) {
  f.Gauge("slurm_node_info",
          "One series per node: its address (NodeAddr), its state as Slurm prints it and "
          "partitions.");
  for (const auto& n : nodes) {
    f.AddLine({{"node", n.name},
               {"address", n.address},
               {"state", n.state_text},
               {"partitions", Join(n.partitions)}},
              1);
  }
  struct Flag {
    const char* name;
    const char* help;
    bool slurm::Node::*member;
  };
  static const Flag kFlags[] = {
      {"slurm_node_drain", "1 when the node is drained or draining.", &slurm::Node::drain},
      {"slurm_node_not_responding", "1 when slurmctld cannot reach the node.",
       &slurm::Node::not_responding},
      {"slurm_node_maintenance", "1 when the node is in a maintenance reservation.",
       &slurm::Node::maintenance},
      {"slurm_node_fail", "1 when the node is failing.", &slurm::Node::fail},
  };
  for (const Flag& flag : kFlags) {
    f.Gauge(flag.name, flag.help);
    for (const auto& n : nodes) f.AddLine({{"node", n.name}}, n.*flag.member ? 1 : 0);
  }
  f.Gauge("slurm_node_down", "1 when the node's base state is down.");
  for (const auto& n : nodes) f.AddLine({{"node", n.name}}, n.state == "down" ? 1 : 0);

  struct Value {
    const char* name;
    const char* help;
    int64_t (*get)(const slurm::Node&);
  };
  static const Value kValues[] = {
      {"slurm_node_cpu_alloc", "Allocated CPUs of the node.", [](const slurm::Node& n) { return n.cpus_alloc; }},
      {"slurm_node_cpu_idle", "Idle CPUs of the node.", [](const slurm::Node& n) { return n.cpus_idle; }},
      {"slurm_node_cpu_other", "Other CPUs of the node.", [](const slurm::Node& n) { return n.cpus_other; }},
      {"slurm_node_cpu_total", "CPUs of the node.", [](const slurm::Node& n) { return n.cpus_total; }},
      {"slurm_node_mem_alloc", "Allocated memory of the node (MB).", [](const slurm::Node& n) { return n.memory_alloc_mb; }},
      {"slurm_node_mem_total", "Memory of the node (MB).", [](const slurm::Node& n) { return n.memory_mb; }},
      {"slurm_node_gpus", "GPUs of the node.", [](const slurm::Node& n) { return slurm::GpuCount(n.gres); }},
      {"slurm_node_gpus_alloc", "GPUs of the node allocated to jobs.", [](const slurm::Node& n) { return slurm::GpuCount(n.gres_used); }},
  };
  for (const Value& v : kValues) {
    f.Gauge(v.name, v.help);
    for (const auto& n : nodes) f.AddLine({{"node", n.name}}, static_cast<double>(v.get(n)));
  }
}

void AppendPerPartition(const std::vector<slurm::Node>& nodes, Families& f) {
  // A node in several partitions counts in each (as sinfo's per-partition view does).
  std::map<std::string, Totals> parts;
  for (const slurm::Node& n : nodes) {
    for (const std::string& p : n.partitions) parts[p].AddNode(n);
  }
  struct Value {
    const char* name;
    const char* help;
    int64_t (*get)(const Totals&);
  };
  static const Value kValues[] = {
      {"slurm_partition_cpus_allocated", "Allocated CPUs in the partition.", [](const Totals& t) { return t.cpus_alloc; }},
      {"slurm_partition_cpus_idle", "Idle CPUs in the partition.", [](const Totals& t) { return t.cpus_idle; }},
      {"slurm_partition_cpus_other", "Other CPUs in the partition.", [](const Totals& t) { return t.cpus_other; }},
      {"slurm_partition_cpus_total", "CPUs in the partition.", [](const Totals& t) { return t.cpus_total; }},
      {"slurm_partition_gpus_allocated", "Allocated GPUs in the partition.", [](const Totals& t) { return t.gpus_alloc; }},
      {"slurm_partition_gpus_idle", "Free GPUs on schedulable nodes of the partition.", [](const Totals& t) { return t.gpus_idle; }},
      {"slurm_partition_gpus", "GPUs in the partition.", [](const Totals& t) { return t.gpus_total; }},
  };
  for (const Value& v : kValues) {
    f.Gauge(v.name, v.help);
    for (const auto& [name, t] : parts) f.Add({{"partition", name}}, static_cast<double>(v.get(t)));
  }
}

}  // namespace

std::string NodeBucket(const slurm::Node& n) {
  if (n.maintenance || n.state == "maint") return "maint";
  if (n.drain) return "drain";
  if (n.state == "down") return "down";
  if (n.fail || n.state == "fail" || n.state == "failing") return "fail";
  static const std::map<std::string, std::string, std::less<>> kBase = {
      {"allocated", "alloc"}, {"completing", "comp"}, {"idle", "idle"},       {"mixed", "mix"},
      {"reserved", "resv"},   {"planned", "planned"}, {"future", "future"},   {"unknown", "unknown"},
      {"inval", "inval"},     {"error", "err"},       {"drained", "drain"},   {"draining", "drain"},
      {"alloc", "alloc"},     {"mix", "mix"},         {"comp", "comp"},       {"resv", "resv"},
  };
  auto it = kBase.find(n.state);
  return it == kBase.end() ? "other" : it->second;
}

bool NodeSchedulable(const slurm::Node& n) {
  if (n.drain || n.not_responding || n.maintenance || n.fail) return false;
  return n.state == "idle" || n.state == "mixed" || n.state == "allocated" ||
         n.state == "completing";
}

void AppendClusterFamilies(const std::vector<slurm::Node>& nodes,
                           std::vector<metrics::MetricFamily>* out) {
  Families f(out);
  AppendTotals(nodes, f);
  AppendPerNode(nodes, f);
  AppendPerPartition(nodes, f);
}

}  // namespace gw::slurm_exporter
