// External-engine mode against Debian's Prometheus: Prometheus scrapes a synthetic GPU node;
// the hub, started with --query.external-url, must answer the query API exactly as Prometheus
// does (byte for byte), evaluate its alert rules on Prometheus' data, and say "unavailable"
// when the engine cannot be reached. Skipped when /usr/bin/prometheus is not installed.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "tests/promql_diff_harness.h"

namespace gw::promql_diff {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

class ExternalEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kPrometheusPath)) GTEST_SKIP() << "no " << kPrometheusPath;
    auto node = SyntheticNode::Start(0);
    ASSERT_TRUE(node.ok()) << node.status().ToString();
    node_ = *std::move(node);
    auto prom = ApiServer::StartPrometheus(
        dir_.path() / "prometheus",
        "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: gpu\n"
        "    static_configs:\n      - targets: ['" + node_->target() + "']\n",
        /*remote_write_receiver=*/false);
    ASSERT_TRUE(prom.ok()) << prom.status().ToString();
    prom_ = *std::move(prom);
    std::ofstream(dir_.path() / "gpu.rules.yml")
        << "groups:\n  - name: gpu\n    interval: 1s\n    rules:\n"
           "      - alert: GpuBusy\n        expr: gpu_utilization_percent >= 0\n"
           "        labels: {severity: info}\n"
           "        annotations: {summary: 'GPU {{ $labels.gpu }} at {{ $value }}%'}\n";
    auto hub = ApiServer::StartHub(
        GW_HUB_PATH, dir_.path() / "hub",
        "global:\n  evaluation_interval: 1s\nrule_files: ['" +
            (dir_.path() / "gpu.rules.yml").string() + "']\nscrape_configs: []\n",
        {"--query.external-url=" + prom_->url()});
    ASSERT_TRUE(hub.ok()) << hub.status().ToString();
    hub_ = *std::move(hub);
    // Wait for a few scrapes in Prometheus.
    for (int i = 0; i < 200 && node_->scrapes() < 4; ++i) std::this_thread::sleep_for(milliseconds(100));
    ASSERT_GE(node_->scrapes(), 4);
  }

  TempDir dir_;
  std::unique_ptr<SyntheticNode> node_;
  std::unique_ptr<ApiServer> prom_;
  std::unique_ptr<ApiServer> hub_;
};

TEST_F(ExternalEngineTest, QueryApiAnswersAreThePrometheusAnswers) {
  const int64_t t = NowMs() - 1000;
  const std::string ts = FormatSeconds(t);
  const std::string from = FormatSeconds(t - 3000);
  const std::vector<std::string> gets = {
      "/api/v1/query?query=sum%20by%20(gpu)%20(gpu_utilization_percent)&time=" + ts,
      "/api/v1/query?query=up&time=" + ts,
      "/api/v1/query_range?query=gpu_utilization_percent&start=" + from + "&end=" + ts +
          "&step=1",
      "/api/v1/series?match[]=gpu_utilization_percent&start=" + from + "&end=" + ts,
      "/api/v1/labels?start=" + from + "&end=" + ts,
      "/api/v1/label/gpu/values?start=" + from + "&end=" + ts,
      "/api/v1/query?query=sum(",  // an error, passed on as Prometheus gave it
  };
  for (const std::string& path : gets) {
    const ApiAnswer direct = prom_->Get(path);
    const ApiAnswer via_hub = hub_->Get(path);
    EXPECT_EQ(via_hub.http_status, direct.http_status) << path;
    EXPECT_EQ(via_hub.body, direct.body) << path;
    EXPECT_NE(direct.body.find("\"status\""), std::string::npos) << path;
  }
  // A form POST, as Grafana sends panels' queries.
  const std::string form = "query=count(gpu_utilization_percent)&time=" + ts;
  EXPECT_EQ(hub_->PostForm("/api/v1/query", form).body,
            prom_->PostForm("/api/v1/query", form).body);
}

TEST_F(ExternalEngineTest, RulesRunOnTheExternalEngine) {
  // The hub's own store is empty: the alert can only come from Prometheus' data.
  for (int i = 0; i < 100; ++i) {
    const ApiAnswer a = hub_->Get("/api/v1/alerts");
    ASSERT_TRUE(a.json.has_value()) << a.body;
    const auto& alerts = a.json->at("data").at("alerts").as_array();
    if (!alerts.empty()) {
      EXPECT_EQ(alerts[0].at("labels").at("alertname"), "GpuBusy");
      EXPECT_EQ(alerts[0].at("labels").at("severity"), "info");
      EXPECT_NE(std::string(alerts[0].at("annotations").at("summary").as_string()).find("GPU "),
                std::string::npos);
      return;
    }
    std::this_thread::sleep_for(milliseconds(100));
  }
  FAIL() << "no alert from the external engine's data\n" << hub_->log();
}

TEST_F(ExternalEngineTest, AnUnreachableEngineIsUnavailable) {
  auto lonely = ApiServer::StartHub(GW_HUB_PATH, dir_.path() / "lonely", "scrape_configs: []\n",
                                    {"--query.external-url=http://127.0.0.1:" +
                                     std::to_string(FreePort())});
  ASSERT_TRUE(lonely.ok()) << lonely.status().ToString();
  const ApiAnswer a = (*lonely)->Get("/api/v1/query?query=up");
  EXPECT_EQ(a.http_status, 503);
  ASSERT_TRUE(a.json.has_value());
  EXPECT_EQ(a.json->at("errorType"), "unavailable");
}

}  // namespace
}  // namespace gw::promql_diff
