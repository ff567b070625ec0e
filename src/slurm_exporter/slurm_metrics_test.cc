#include "slurm_exporter/slurm_metrics.h"

#include <gtest/gtest.h>

#include <map>

#include "metrics/text_parser.h"
#include "metrics/text_writer.h"

namespace gw::slurm_exporter {
namespace {

slurm::Node MakeNode(std::string name, const std::string& state, std::vector<std::string> parts,
                     int64_t gpus, int64_t gpus_used) {
  slurm::Node n;
  n.name = std::move(name);
  n.state = state;
  n.state_text = state;
  n.partitions = std::move(parts);
  n.cpus_total = 8;
  n.cpus_alloc = gpus_used * 2;
  n.cpus_idle = 8 - n.cpus_alloc;
  n.memory_mb = 16000;
  if (gpus > 0) n.gres = {{"gpu", "h100", gpus, {}}};
  if (gpus_used > 0) n.gres_used = {{"gpu", "h100", gpus_used, {0}}};
  return n;
}

slurm::Job MakeJob(std::string id, std::string state, std::vector<std::string> parts,
                   std::string user, int64_t cpus, int64_t gpus) {
  slurm::Job j;
  j.id = std::move(id);
  j.state = std::move(state);
  j.partitions = std::move(parts);
  j.user = std::move(user);
  j.cpus = cpus;
  j.gpus = gpus;
  j.nodes = 1;
  return j;
}

Snapshot Cluster() {
  Snapshot s;
  std::vector<slurm::Node> nodes = {MakeNode("node1", "mixed", {"gpu", "debug"}, 4, 2),
                                    MakeNode("node2", "idle", {"gpu"}, 4, 0),
                                    MakeNode("node3", "idle", {"gpu"}, 2, 0),
                                    MakeNode("node4", "down", {"gpu"}, 2, 0)};
  nodes[2].drain = true;
  nodes[3].not_responding = true;
  nodes[3].cpus_idle = 0;
  nodes[3].cpus_other = 8;
  s.nodes = nodes;
  s.jobs = std::vector<slurm::Job>{MakeJob("10", "RUNNING", {"gpu"}, "alice", 4, 2),
                                   MakeJob("11", "PENDING", {"gpu", "debug"}, "bob", 2, 1),
                                   MakeJob("12", "FAILED", {"gpu"}, "bob", 1, 0)};
  (*s.jobs)[0].node_list = "node1";
  s.job_gpus = std::vector<slurm::JobGpus>{{"10", {{"node1", {0, 1}}}}};
  s.sources["sinfo"] = {true, "", 0.01};
  s.sources["squeue"] = {true, "", 0.02};
  s.sources["sdiag"] = {false, "sdiag exited 1: boom", 0.0};
  return s;
}

metrics::ParsedExposition Render(const Snapshot& s, const RefreshCounters& c = {}) {
  std::string text;
  metrics::WriteText(BuildSlurmFamilies(s, c), metrics::ExpositionFormat::kPrometheusText, &text);
  auto p = metrics::ParseText(text);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? *p : metrics::ParsedExposition{};
}

std::optional<double> Value(const metrics::ParsedExposition& p, const std::string& name,
                            const std::string& label = "", const std::string& value = "") {
  for (const auto& s : p.samples) {
    if (s.name == name && (label.empty() || s.Label(label) == value)) return s.value;
  }
  return std::nullopt;
}

TEST(SlurmMetricsTest, ClusterTotals) {
  auto p = Render(Cluster());
  EXPECT_EQ(Value(p, "slurm_cpus_total"), 32);
  EXPECT_EQ(Value(p, "slurm_cpus_alloc"), 4);
  EXPECT_EQ(Value(p, "slurm_cpus_other"), 8);
  EXPECT_EQ(Value(p, "slurm_gpus_total"), 12);
  EXPECT_EQ(Value(p, "slurm_gpus_alloc"), 2);
  // Free GPUs on node1 (2) and node2 (4) are idle; drained node3 and down node4 are "other".
  EXPECT_EQ(Value(p, "slurm_gpus_idle"), 6);
  EXPECT_EQ(Value(p, "slurm_gpus_other"), 4);
  EXPECT_EQ(Value(p, "slurm_gpus_utilization"), 2.0 / 12);
}

TEST(SlurmMetricsTest, EachNodeInOneStateBucket) {
  auto p = Render(Cluster());
  EXPECT_EQ(Value(p, "slurm_nodes_mix"), 1);
  EXPECT_EQ(Value(p, "slurm_nodes_idle"), 1);
  EXPECT_EQ(Value(p, "slurm_nodes_drain"), 1);
  EXPECT_EQ(Value(p, "slurm_nodes_down"), 1);
  EXPECT_EQ(Value(p, "slurm_nodes_alloc"), 0);
  EXPECT_EQ(Value(p, "slurm_nodes_not_responding"), 1);
  EXPECT_EQ(Value(p, "slurm_nodes_total"), 4);
  EXPECT_EQ(Value(p, "slurm_node_drain", "node", "node3"), 1);
  EXPECT_EQ(Value(p, "slurm_node_not_responding", "node", "node4"), 1);
  EXPECT_EQ(Value(p, "slurm_node_gpus_alloc", "node", "node1"), 2);
}

TEST(SlurmMetricsTest, NodeInfoCarriesAddressStateAndPartitions) {
  Snapshot s = Cluster();
  (*s.nodes)[0].address = "127.0.1.1";
  (*s.nodes)[1].address = "node2";
  auto p = Render(s);
  std::map<std::string, std::string> address_of;
  for (const auto& sample : p.samples) {
    if (sample.name != "slurm_node_info") continue;
    address_of[sample.Label("node").value_or("?")] = sample.Label("address").value_or("");
    if (sample.Label("node") == "node1") {
      EXPECT_EQ(sample.Label("state"), "mixed");
      EXPECT_EQ(sample.Label("partitions"), "gpu,debug");
    }
  }
  EXPECT_EQ(address_of.size(), 4u);
  EXPECT_EQ(address_of["node1"], "127.0.1.1");
  EXPECT_EQ(address_of["node2"], "node2");
}

TEST(SlurmMetricsTest, NodeBucketPrecedence) {
  slurm::Node n = MakeNode("n", "idle", {}, 0, 0);
  n.drain = true;
  n.maintenance = true;
  EXPECT_EQ(NodeBucket(n), "maint");
  n.maintenance = false;
  EXPECT_EQ(NodeBucket(n), "drain");
  n.drain = false;
  n.state = "allocated";
  EXPECT_EQ(NodeBucket(n), "alloc");
  n.state = "something_new";
  EXPECT_EQ(NodeBucket(n), "other");
}

TEST(SlurmMetricsTest, PartitionsCountSharedNodesAndMultiPartitionJobsInEach) {
  auto p = Render(Cluster());
  EXPECT_EQ(Value(p, "slurm_partition_gpus", "partition", "gpu"), 12);
  EXPECT_EQ(Value(p, "slurm_partition_gpus", "partition", "debug"), 4);
  EXPECT_EQ(Value(p, "slurm_partition_jobs_pending", "partition", "gpu"), 1);
  EXPECT_EQ(Value(p, "slurm_partition_jobs_pending", "partition", "debug"), 1);
  EXPECT_EQ(Value(p, "slurm_partition_jobs_running", "partition", "debug"), 0);
}

TEST(SlurmMetricsTest, QueueUsersAndJobs) {
  auto p = Render(Cluster());
  EXPECT_EQ(Value(p, "slurm_queue_running"), 1);
  EXPECT_EQ(Value(p, "slurm_queue_pending"), 1);
  EXPECT_EQ(Value(p, "slurm_queue_failed"), 1);
  EXPECT_EQ(Value(p, "slurm_queue_timeout"), 0);
  EXPECT_EQ(Value(p, "slurm_user_gpus_running", "user", "alice"), 2);
  EXPECT_EQ(Value(p, "slurm_user_cpus_pending", "user", "bob"), 2);
  EXPECT_EQ(Value(p, "slurm_job_gpus", "job_id", "10"), 2);
  EXPECT_EQ(Value(p, "slurm_job_gpus", "job_id", "11"), std::nullopt) << "pending: no job series";
  int held = 0;
  for (const auto& s : p.samples) {
    if (s.name != "slurm_job_gpu") continue;
    ++held;
    EXPECT_EQ(s.Label("node"), "node1");
    EXPECT_EQ(s.Label("job_id"), "10");
  }
  EXPECT_EQ(held, 2);
}

TEST(SlurmMetricsTest, FailedSourceIsAbsentAndSaysSo) {
  Snapshot s = Cluster();
  s.nodes.reset();
  s.sources["sinfo"] = {false, "sinfo exited 1", 0};
  RefreshCounters c;
  c.command_errors["sinfo"] = 3;
  auto p = Render(s, c);
  EXPECT_EQ(Value(p, "slurm_cpus_total"), std::nullopt);
  EXPECT_EQ(Value(p, "slurm_exporter_collector_success", "collector", "sinfo"), 0);
  EXPECT_EQ(Value(p, "slurm_exporter_collector_success", "collector", "squeue"), 1);
  EXPECT_EQ(Value(p, "slurm_exporter_command_errors_total", "command", "sinfo"), 3);
  EXPECT_EQ(Value(p, "slurm_scheduler_threads"), std::nullopt);
  EXPECT_EQ(Value(p, "slurm_queue_running"), 1);
}

}  // namespace
}  // namespace gw::slurm_exporter
