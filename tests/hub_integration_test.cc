// The hub binary end to end: it scrapes a real GPU exporter on the simulated driver, takes
// remote_write pushes, answers the read API, validates configs, survives a bad reload, and
// loses nothing it acknowledged when killed with SIGKILL during heavy ingestion.
#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/process.h"
#include "exporter_harness.h"
#include "http/client.h"
#include "remote/remote_write_writer.h"
#include "tsdb/db.h"
#include "tsdb/file_env.h"

namespace gw {
namespace {

using ::gw::testing::ExporterConfig;
using ::gw::testing::ExporterProcess;
using ::gw::testing::FreePort;
using ::gw::testing::TempDir;
using ::testing::HasSubstr;

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class HubProcess {
 public:
  HubProcess(std::filesystem::path dir, const std::string& config) : dir_(std::move(dir)) {
    std::ofstream(dir_ / "hub.yml") << config;
  }

  Status Start() {
    port_ = FreePort();
    GW_ASSIGN_OR_RETURN(child_, ChildProcess::Start(
                                    {GW_HUB_PATH, "--config.file=" + (dir_ / "hub.yml").string(),
                                     "--storage.tsdb.path=" + (dir_ / "data").string(),
                                     "--storage.tsdb.wal-sync=always",
                                     "--web.listen-address=127.0.0.1:" + std::to_string(port_)},
                                    {}, (dir_ / "hub.log").string()));
    for (int i = 0; i < 200; ++i) {
      if (http::HttpGet(url("/-/ready"), {}, std::chrono::seconds(1)).ok()) return Status::Ok();
      if (!child_->Running()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return UnavailableError("the hub did not start: " + ReadFile(dir_ / "hub.log"));
  }

  std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }

  boost::json::value Api(std::string_view path_and_query) const {
    StatusOr<http::ClientResponse> r = http::HttpGet(url(path_and_query), {}, std::chrono::seconds(5));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return {};
    EXPECT_EQ(r->status, 200) << r->body;
    return boost::json::parse(r->body);
  }

  ChildProcess& process() { return *child_; }
  const std::filesystem::path& dir() const { return dir_; }
  void WriteConfig(const std::string& config) { std::ofstream(dir_ / "hub.yml") << config; }

 private:
  std::filesystem::path dir_;
  uint16_t port_ = 0;
  std::optional<ChildProcess> child_;
};

// Pushes one remote_write request; true when the hub acknowledged it (2xx).
bool Push(const HubProcess& hub, const remote::WriteRequest& request) {
  StatusOr<http::ClientResponse> r = http::HttpRequest(
      "POST", hub.url("/api/v1/write"),
      {{"Content-Encoding", "snappy"}, {"Content-Type", "application/x-protobuf"},
       {"X-Prometheus-Remote-Write-Version", "0.1.0"}},
      remote::EncodeBody(request), std::chrono::seconds(5));
  return r.ok() && r->status / 100 == 2;
}

TEST(HubIntegrationTest, ScrapesTheGpuExporterAndAnswersTheReadApi) {
  TempDir tmp;
  ExporterConfig ec;
  ec.scenario = std::string(GW_SCENARIO_DIR) + "/healthy-4gpu.yaml";
  ec.library = GW_NVML_SIM_PATH;
  ec.log_path = (tmp.path() / "exporter.log").string();
  StatusOr<std::unique_ptr<ExporterProcess>> exporter = ExporterProcess::Start(ec);
  ASSERT_TRUE(exporter.ok()) << exporter.status().ToString();
  const std::string target = (*exporter)->url().substr(7, (*exporter)->url().find("/metrics") - 7);

  const std::string config = "global:\n  scrape_interval: 1s\nscrape_configs:\n"
                             "  - job_name: gpu\n    static_configs:\n      - targets: ['" +
                             target + "']\n";
  HubProcess hub(tmp.path(), config);
  const Status started = hub.Start();
  ASSERT_TRUE(started.ok()) << started.ToString();

  // The ground truth is the exporter's own page: the hub must hold exactly its GPUs.
  StatusOr<metrics::ParsedExposition> page = (*exporter)->Scrape();
  ASSERT_TRUE(page.ok());
  std::vector<std::string> gpus;
  for (const auto& s : testing::Find(*page, "DCGM_FI_DEV_GPU_UTIL")) {
    for (const auto& l : s.labels) {
      if (l.name == "gpu") gpus.push_back(l.value);
    }
  }
  std::sort(gpus.begin(), gpus.end());
  ASSERT_EQ(gpus.size(), 4u);

  boost::json::value values;
  for (int i = 0; i < 100; ++i) {
    values = hub.Api("/api/v1/label/gpu/values?match[]=DCGM_FI_DEV_GPU_UTIL");
    if (values.at("data").as_array().size() == gpus.size()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  boost::json::array want;
  for (const std::string& g : gpus) want.emplace_back(g);
  EXPECT_EQ(values.at("data"), want);

  boost::json::value up = hub.Api("/api/v1/series?match[]=up");
  ASSERT_EQ(up.at("data").as_array().size(), 1u);
  EXPECT_EQ(up.at("data").at(0).at("job"), "gpu");
  EXPECT_EQ(std::string(up.at("data").at(0).at("instance").as_string()), target);
  EXPECT_EQ(hub.Api("/api/v1/series?match[]=scrape_duration_seconds").at("data").as_array().size(), 1u);

  // Its own metrics say it is ingesting.
  StatusOr<http::ClientResponse> self = http::HttpGet(hub.url("/metrics"), {}, std::chrono::seconds(5));
  ASSERT_TRUE(self.ok());
  EXPECT_THAT(self->body, HasSubstr("gw_tsdb_head_series "));
  EXPECT_THAT(self->body, HasSubstr("gw_tsdb_wal_bytes "));

  // A broken config on SIGHUP is refused; the hub keeps running and scraping.
  hub.WriteConfig("scrape_configs:\n  - job_name: gpu\n    scrape_intervl: 1s\n");
  ASSERT_TRUE(hub.process().Signal(SIGHUP));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_TRUE(hub.process().Running());
  EXPECT_THAT(ReadFile(hub.dir() / "hub.log"), HasSubstr("scrape_intervl"));
  EXPECT_EQ(hub.process().Stop(std::chrono::seconds(10)), 0);
}

TEST(HubIntegrationTest, CheckConfigReportsFileAndLine) {
  TempDir tmp;
  std::ofstream(tmp.path() / "good.yml") << "scrape_configs:\n  - job_name: a\n"
                                             "    static_configs:\n      - targets: ['h:1']\n";
  std::ofstream(tmp.path() / "bad.yml") << "scrape_configs:\n  - job_name: a\n    scrape_timeout: 1x\n";
  StatusOr<CommandResult> good = RunCommand({GW_HUB_PATH, "check-config", (tmp.path() / "good.yml").string()},
                                            std::chrono::seconds(10));
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->exit_code, 0) << good->stderr_text;
  StatusOr<CommandResult> bad = RunCommand({GW_HUB_PATH, "check-config", (tmp.path() / "bad.yml").string()},
                                           std::chrono::seconds(10));
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->exit_code, 2);
  EXPECT_THAT(bad->stderr_text, HasSubstr("bad.yml:3"));
}

// What one hub ingests it forwards by remote_write: a second hub, as the receiver, ends up
// with the same series and the first hub's external labels.
TEST(HubIntegrationTest, ForwardsWhatItIngestsByRemoteWrite) {
  TempDir receiver_dir;
  HubProcess receiver(receiver_dir.path(), "global:\n  scrape_interval: 1m\n");
  ASSERT_TRUE(receiver.Start().ok());
  TempDir sender_dir;
  HubProcess sender(sender_dir.path(),
                    "global:\n  external_labels:\n    cluster: box\nremote_write:\n  - url: " +
                        receiver.url("/api/v1/write") +
                        "\n    queue_config:\n      batch_send_deadline: 100ms\n");
  ASSERT_TRUE(sender.Start().ok());

  remote::WriteRequest request;
  for (int s = 0; s < 20; ++s) {
    remote::TimeSeries ts;
    ts.labels = {{"__name__", "forwarded"}, {"series", std::to_string(s)}};
    ts.samples.push_back({1.0 * s, 1'700'000'000'000});
    request.timeseries.push_back(std::move(ts));
  }
  ASSERT_TRUE(Push(sender, request));

  boost::json::value got;
  for (int i = 0; i < 100; ++i) {
    got = receiver.Api("/api/v1/series?match[]=forwarded");
    if (got.at("data").as_array().size() == 20) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(got.at("data").as_array().size(), 20u);
  for (const auto& series : got.at("data").as_array()) {
    EXPECT_EQ(series.at("cluster"), "box");
  }
  StatusOr<http::ClientResponse> metrics = http::HttpGet(sender.url("/metrics"), {}, std::chrono::seconds(5));
  ASSERT_TRUE(metrics.ok());
  EXPECT_THAT(metrics->body, HasSubstr("gw_remote_storage_samples_total"));
}

// kill -9 during heavy remote_write ingestion, several times: every acknowledged sample is in
// the store afterwards, exactly once, and the store opens.
TEST(HubIntegrationTest, SigkillLosesNothingAcknowledged) {
  TempDir tmp;
  HubProcess hub(tmp.path(), "global:\n  scrape_interval: 1m\n");
  constexpr int kSeries = 50;
  std::map<int, int64_t> acked;  // series -> newest acknowledged timestamp
  std::map<int, int64_t> sent;   // series -> newest timestamp sent (acked or not)
  int64_t t = 1'000'000;
  std::mt19937 rng(7);

  for (int round = 0; round < 4; ++round) {
    const Status started = hub.Start();
    ASSERT_TRUE(started.ok()) << "round " << round << ": " << started.ToString();
    std::atomic<bool> stop{false};
    std::thread killer([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300 + rng() % 500));
      stop = true;
      hub.process().Signal(SIGKILL);
    });
    while (!stop) {
      remote::WriteRequest request;
      t += 1000;
      for (int s = 0; s < kSeries; ++s) {
        remote::TimeSeries ts;
        ts.labels = {{"__name__", "crash_test"}, {"series", std::to_string(s)}};
        ts.samples.push_back({static_cast<double>(t), t});
        request.timeseries.push_back(std::move(ts));
        sent[s] = t;
      }
      if (Push(hub, request)) {
        for (int s = 0; s < kSeries; ++s) acked[s] = t;
      }
    }
    killer.join();
    while (hub.process().Running()) std::this_thread::sleep_for(std::chrono::milliseconds(10));

    // Open the store as the hub will, and compare with what was acknowledged.
    tsdb::PosixEnv env;
    StatusOr<std::unique_ptr<tsdb::Db>> db = tsdb::Db::Open(&env, (tmp.path() / "data").string(), {});
    ASSERT_TRUE(db.ok()) << "round " << round << ": " << db.status().ToString();
    StatusOr<std::vector<tsdb::SeriesChunks>> series = (*db)->querier().Select(
        {*tsdb::Matcher::Create(tsdb::MatchType::kEqual, "__name__", "crash_test")}, 0, INT64_MAX / 2);
    ASSERT_TRUE(series.ok());
    ASSERT_EQ(series->size(), acked.empty() ? 0u : static_cast<size_t>(kSeries)) << "round " << round;
    size_t first_count = 0;
    for (const tsdb::SeriesChunks& s : *series) {
      const int id = std::stoi(std::string(s.labels.Get("series")));
      tsdb::SeriesIterator it(s.chunks, 0, INT64_MAX / 2);
      int64_t prev = 0;
      int64_t newest = 0;
      size_t count = 0;
      while (it.Next()) {
        EXPECT_GT(it.t_ms(), prev) << "duplicate or disorder in series " << id;
        EXPECT_EQ(it.value(), static_cast<double>(it.t_ms()));
        prev = newest = it.t_ms();
        ++count;
      }
      ASSERT_TRUE(it.status().ok());
      EXPECT_GE(newest, acked[id]) << "round " << round << " series " << id << " lost acked samples";
      EXPECT_LE(newest, sent[id]) << "invented samples";
      // A request cut off by the kill may be missing as a whole (it was never acknowledged);
      // every series must hold the same requests.
      if (first_count == 0) first_count = count;
      EXPECT_EQ(count, first_count) << "series " << id << " holds a partial request";
    }
    ASSERT_TRUE((*db)->Close().ok());
  }
  EXPECT_GT(acked.size(), 0u);
}

}  // namespace
}  // namespace gw
