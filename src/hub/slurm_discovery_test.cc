#include "hub/slurm_discovery.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/status_matchers.h"
#include "hub/scrape_manager.h"
#include "hub/scrape_test_util.h"
#include "tsdb/sample.h"

namespace gw::hub {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using gw::testing::StatusIs;
using testing::ConfigFromYaml;
using testing::PageServer;
using testing::SeriesLabels;

std::string NodeInfo(const std::string& node, const std::string& address, int gpus = 4) {
  std::string line = "slurm_node_info{node=\"" + node + "\",";
  if (!address.empty()) line += "address=\"" + address + "\",";
  return line + "state=\"mixed\",partitions=\"gpu,debug\"} 1\nslurm_node_gpus{node=\"" + node +
         "\"} " + std::to_string(gpus) + "\n";
}

TEST(SlurmTargetsFromPageTest, OneTargetPerGpuNode) {
  std::string page = "# TYPE slurm_node_info gauge\n" + NodeInfo("node2", "127.0.1.2") +
                     NodeInfo("node1", "") + NodeInfo("cpu1", "10.0.0.9", 0) +
                     NodeInfo("v6", "fd00::1");
  auto targets = SlurmTargetsFromPage(page, 9400);
  ASSERT_TRUE(targets.ok()) << targets.status().ToString();
  ASSERT_EQ(targets->size(), 3u);
  EXPECT_THAT((*targets)[0],
              ElementsAre(Pair("__address__", "node1:9400"),
                          Pair("__meta_slurm_node", "node1"),
                          Pair("__meta_slurm_node_address", "node1"),
                          Pair("__meta_slurm_node_gpus", "4"),
                          Pair("__meta_slurm_node_state", "mixed"),
                          Pair("__meta_slurm_partitions", "gpu,debug"),
                          Pair("instance", "node1:9400")));
  EXPECT_THAT((*targets)[1][0], Pair("__address__", "127.0.1.2:9400"));
  EXPECT_THAT((*targets)[2][0], Pair("__address__", "[fd00::1]:9400"));
  EXPECT_THAT(SlurmTargetsFromPage("up 1\n", 9400),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("no slurm_node_info")));
  EXPECT_THAT(SlurmTargetsFromPage("slurm_node_info{ 1\n", 9400),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("line 1")));
}

// The Slurm exporter and the GPU exporters served in-process; the discovered addresses point
// at the GPU exporter's port on 127.0.0.1.
class SlurmDiscoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gpu_.SetPage("DCGM_FI_DEV_GPU_UTIL{gpu=\"0\"} 50\n");
    ASSERT_TRUE(manager_
                    .ApplyConfig(ConfigFromYaml(
                        "scrape_configs:\n  - job_name: gpu\n    scrape_interval: 10s\n"
                        "    slurm_sd_configs:\n      - exporter_url: http://" +
                        slurm_.address() + "/metrics\n        port: " +
                        std::to_string(gpu_.port()) + "\n"))
                    .ok());
  }
  void SetNodes(const std::vector<std::string>& nodes) {
    std::string page = "# TYPE slurm_node_info gauge\n";
    for (const std::string& n : nodes) page += NodeInfo(n, "127.0.0.1");
    slurm_.SetPage(page);
  }
  std::vector<std::string> Instances() {
    std::vector<std::string> out;
    for (const auto& t : manager_.Targets()) out.push_back(std::string(GetLabel(t.labels, "instance")));
    return out;
  }
  tsdb::Labels Up(const std::string& node) {
    return SeriesLabels("up", {{"job", "gpu"}, {"instance", node + ":" + std::to_string(gpu_.port())}});
  }
  void Tick() {
    clock_.AdvanceMs(10'000);
    manager_.RunDueScrapes();
  }

  PageServer slurm_;
  PageServer gpu_;
  tsdb::RecordingStorage storage_;
  FakeClock clock_{1'700'000'000'000};
  ScrapeManager manager_{&storage_, clock_, {.background = false}};
};

TEST_F(SlurmDiscoveryTest, NodesComeAndGoWithSlurm) {
  std::string port = std::to_string(gpu_.port());
  SetNodes({"node1", "node2"});
  manager_.RefreshDiscovery();
  EXPECT_THAT(Instances(), ElementsAre("node1:" + port, "node2:" + port));
  auto targets = manager_.Targets();
  EXPECT_EQ(targets[0].scrape_url, "http://127.0.0.1:" + port + "/metrics");
  EXPECT_EQ(GetLabel(targets[0].discovered_labels, "__meta_slurm_partitions"), "gpu,debug");
  EXPECT_EQ(GetLabel(targets[0].labels, "__meta_slurm_node"), "") << "meta labels are dropped";
  Tick();
  ASSERT_EQ(storage_.SamplesOf(Up("node2")).size(), 1u);
  EXPECT_EQ(storage_.SamplesOf(Up("node2"))[0].v, 1);

  SetNodes({"node1"});  // node2 left Slurm
  manager_.RefreshDiscovery();
  EXPECT_THAT(Instances(), ElementsAre("node1:" + port));
  auto util = SeriesLabels("DCGM_FI_DEV_GPU_UTIL",
                           {{"gpu", "0"}, {"job", "gpu"}, {"instance", "node2:" + port}});
  ASSERT_EQ(storage_.SamplesOf(util).size(), 2u);
  EXPECT_TRUE(tsdb::IsStaleMarker(storage_.SamplesOf(util)[1].v));
  EXPECT_TRUE(tsdb::IsStaleMarker(storage_.SamplesOf(Up("node2")).back().v));

  slurm_.SetStatus(500);  // a failed refresh keeps the last good list
  manager_.RefreshDiscovery();
  manager_.RefreshDiscovery();
  EXPECT_THAT(Instances(), ElementsAre("node1:" + port));
  std::vector<metrics::MetricFamily> families;
  manager_.AppendMetrics(&families);
  bool counted = false;
  for (const auto& f : families) {
    if (f.name == "gpuwatchdog_hub_sd_refresh_failures_total") counted = f.samples[0].value == 2;
  }
  EXPECT_TRUE(counted);
  Tick();
  EXPECT_EQ(storage_.SamplesOf(Up("node1")).back().v, 1);

  slurm_.SetStatus(200);
  SetNodes({"node1", "node3"});  // a node added to Slurm is monitored
  manager_.RefreshDiscovery();
  EXPECT_THAT(Instances(), ElementsAre("node1:" + port, "node3:" + port));
  Tick();
  EXPECT_EQ(storage_.SamplesOf(Up("node3")).size(), 1u);
}

TEST_F(SlurmDiscoveryTest, RelabelingCanChangeTheInstance) {
  std::string port = std::to_string(gpu_.port());
  ASSERT_TRUE(manager_
                  .ApplyConfig(ConfigFromYaml(
                      "scrape_configs:\n  - job_name: gpu\n    slurm_sd_configs:\n"
                      "      - exporter_url: http://" + slurm_.address() + "/metrics\n"
                      "        port: " + port + "\n    relabel_configs:\n"
                      "      - source_labels: [__meta_slurm_node]\n"
                      "        target_label: instance\n"))
                  .ok());
  SetNodes({"node1"});
  manager_.RefreshDiscovery();
  EXPECT_THAT(Instances(), ElementsAre("node1"));
}

}  // namespace
}  // namespace gw::hub
