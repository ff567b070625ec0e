// remote_write against the reference implementation, Debian's Prometheus 2.42:
//  - RemoteWriteSender into Prometheus' receiver (--web.enable-remote-write-receiver), then
//    Prometheus' query API must hold exactly what was sent;
//  - Prometheus scraping a page and remote-writing into RemoteWriteReceiver.
// Skipped when /usr/bin/prometheus is not installed.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bit>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "common/clock.h"
#include "common/process.h"
#include "common/test_support.h"
#include "http/client.h"
#include "http/server.h"
#include "remote/receiver.h"
#include "remote/sender.h"
#include "tsdb/recording_storage.h"
#include "tsdb/sample.h"

namespace gw::remote {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr char kPrometheus[] = "/usr/bin/prometheus";

using gw::testing::FreePort;


// A Prometheus server with its own data directory, stopped and removed on destruction.
class PrometheusProcess {
 public:
  // Starts Prometheus with `config_yaml` and waits until /-/ready answers 200.
  void Start(const std::string& config_yaml, bool remote_write_receiver) {
    dir_ = fs::temp_directory_path() / ("gw-rw-prom-" + std::to_string(getpid()) + "-" +
                                        std::to_string(SystemClock::Get().MonotonicNs()));
    fs::create_directories(dir_ / "data");
    std::ofstream(dir_ / "prometheus.yml") << config_yaml;
    port_ = FreePort();
    std::vector<std::string> argv = {
        kPrometheus, "--config.file=" + (dir_ / "prometheus.yml").string(),
        "--storage.tsdb.path=" + (dir_ / "data").string(),
        "--web.listen-address=127.0.0.1:" + std::to_string(port_), "--log.level=debug"};
    if (remote_write_receiver) argv.push_back("--web.enable-remote-write-receiver");
    auto child = ChildProcess::Start(argv, {}, (dir_ / "prometheus.log").string());
    ASSERT_TRUE(child.ok()) << child.status().ToString();
    child_.emplace(std::move(*child));
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < until) {
      auto ready = http::HttpGet(url() + "/-/ready", {}, milliseconds(1000));
      if (ready.ok() && ready->status == 200) return;
      ASSERT_TRUE(child_->Running()) << "prometheus exited:\n" << log();
      std::this_thread::sleep_for(milliseconds(100));
    }
    FAIL() << "prometheus did not become ready within 60 s:\n" << log();
  }

  ~PrometheusProcess() {
    if (child_) child_->Stop(std::chrono::seconds(5));
    std::error_code ignored;
    if (!dir_.empty()) fs::remove_all(dir_, ignored);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string log() const { return gw::testing::ReadTail(dir_ / "prometheus.log"); }

  // GET /api/v1/<path> and returns data.result.
  boost::json::array Query(const std::string& path_and_query) const {
    auto response = http::HttpGet(url() + "/api/v1/" + path_and_query, {}, milliseconds(10'000));
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    if (!response.ok()) return {};
    EXPECT_EQ(response->status, 200) << response->body;
    boost::system::error_code ec;
    boost::json::value doc = boost::json::parse(response->body, ec);
    EXPECT_FALSE(ec) << response->body;
    if (ec) return {};
    return doc.at("data").at("result").as_array();
  }

 private:
  fs::path dir_;
  uint16_t port_ = 0;
  std::optional<ChildProcess> child_;
};

std::string LabelsKey(const boost::json::object& metric) {
  std::map<std::string, std::string> sorted;
  for (const auto& [name, value] : metric)
    sorted[std::string(name)] = std::string(value.as_string());
  std::string key;
  for (const auto& [name, value] : sorted) {
    key += name;
    key += '=';
    key += value;
    key += ',';
  }
  return key;
}

std::string LabelsKey(const tsdb::Labels& labels) {
  std::string key;
  for (const auto& l : labels) key += l.name + "=" + l.value + ",";
  return key;
}

// [[1700000000.123, "1.5"], ...] as (ms, value) pairs.
std::vector<std::pair<int64_t, double>> Points(const boost::json::array& values) {
  std::vector<std::pair<int64_t, double>> out;
  for (const auto& point : values) {
    const auto& pair = point.as_array();
    const double t = pair.at(0).is_double() ? pair.at(0).as_double()
                                            : static_cast<double>(pair.at(0).to_number<int64_t>());
    out.emplace_back(std::llround(t * 1000), std::stod(std::string(pair.at(1).as_string())));
  }
  return out;
}

class PrometheusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kPrometheus))
      GTEST_SKIP() << kPrometheus << " is not installed (apt install prometheus)";
  }
};

TEST_F(PrometheusTest, WhatTheSenderSendsIsExactlyWhatPrometheusHolds) {
  PrometheusProcess prometheus;
  ASSERT_NO_FATAL_FAILURE(prometheus.Start("global:\n  scrape_interval: 1m\n", true));

  SenderOptions options;
  options.url = prometheus.url() + "/api/v1/write";
  options.name = "itest";
  options.shards = 4;
  options.max_samples_per_send = 500;
  options.batch_send_deadline = milliseconds(200);
  options.external_labels = tsdb::Labels{{"cluster", "itest"}};
  auto started = RemoteWriteSender::Start(options);
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  RemoteWriteSender& sender = **started;

  // 120 series of two metrics, 40 samples each, 15 s apart, ending now; every series has its
  // own millisecond offset so timestamps are checked to the millisecond.
  constexpr int kSeries = 120;
  constexpr int kSamples = 40;
  constexpr int64_t kStepS = 15;
  constexpr int64_t kStepMs = kStepS * 1000;
  const int64_t base_ms = (SystemClock::Get().NowMs() / 1000) * 1000 - kSamples * kStepMs;
  auto time_ms = [base_ms](int s, int k) { return base_ms + k * kStepMs + s; };
  auto value = [](int s, int k) { return s * 1000.0 + k * 0.25 - 20'000; };
  std::map<std::string, std::vector<std::pair<int64_t, double>>> want;
  for (int s = 1; s <= kSeries; ++s) {
    tsdb::Labels labels{{"__name__", s % 2 ? "gw_rw_itest_a" : "gw_rw_itest_b"},
                        {"series", std::to_string(s)}};
    sender.OnSeries(static_cast<tsdb::SeriesRef>(s), labels);
    tsdb::Labels sent{{"__name__", std::string(labels.Get("__name__"))},
                      {"cluster", "itest"},
                      {"series", std::to_string(s)}};
    auto& points = want[LabelsKey(sent)];
    for (int k = 0; k < kSamples; ++k) {
      points.emplace_back(time_ms(s, k), value(s, k));
    }
  }
  for (int k = 0; k < kSamples; ++k) {
    std::vector<tsdb::IngestObserver::RefSample> commit;
    for (int s = 1; s <= kSeries; ++s) {
      commit.push_back({static_cast<tsdb::SeriesRef>(s), time_ms(s, k), value(s, k)});
    }
    sender.OnSamples(commit);
  }
  // A series that goes stale: 5 samples, then Prometheus' stale marker.
  sender.OnSeries(1000, tsdb::Labels{{"__name__", "gw_rw_itest_stale"}});
  std::vector<tsdb::IngestObserver::RefSample> stale_series;
  stale_series.reserve(6);
  for (int k = 0; k < 5; ++k) stale_series.push_back({1000, base_ms + k * kStepMs, 7.0});
  stale_series.push_back({1000, base_ms + 5 * kStepMs, tsdb::StaleMarker()});
  sender.OnSamples(stale_series);

  sender.Stop(std::chrono::seconds(30));
  const SenderStats stats = sender.stats();
  ASSERT_EQ(stats.samples_sent, size_t{kSeries * kSamples + 6}) << prometheus.log();
  EXPECT_EQ(stats.samples_failed, 0u);

  const int64_t end_s = base_ms / 1000 + kSamples * kStepS + 1;
  std::map<std::string, std::vector<std::pair<int64_t, double>>> got;
  for (const char* metric : {"gw_rw_itest_a", "gw_rw_itest_b"}) {
    for (const auto& series : prometheus.Query(std::string("query?query=") + metric +
                                               "%5B1h%5D&time=" + std::to_string(end_s))) {
      got[LabelsKey(series.at("metric").as_object())] = Points(series.at("values").as_array());
    }
  }
  ASSERT_EQ(got.size(), size_t{kSeries});
  for (const auto& [key, points] : want) {
    ASSERT_TRUE(got.contains(key)) << key;
    EXPECT_EQ(got[key], points) << key;
  }

  // Before the marker the series has its value; after it, an instant query finds nothing,
  // which only happens when the marker arrived with its exact NaN bits.
  const int64_t last_real_s = (base_ms + 4 * kStepMs) / 1000;
  const auto before =
      prometheus.Query("query?query=gw_rw_itest_stale&time=" + std::to_string(last_real_s + 5));
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0].at("value").as_array().at(1).as_string(), "7");
  const auto after =
      prometheus.Query("query?query=gw_rw_itest_stale&time=" + std::to_string(last_real_s + 20));
  EXPECT_TRUE(after.empty()) << boost::json::serialize(after);
}

// A page for Prometheus to scrape.
http::Response ExpositionPage(const http::Request& /*request*/) {
  http::Response response = http::Response::Text(
      200,
      "# HELP itest_gauge A gauge for the remote_write test.\n# TYPE itest_gauge gauge\n"
      "itest_gauge{gpu=\"0\"} 42.5\nitest_gauge{gpu=\"1\"} -3\n");
  response.content_type = "text/plain; version=0.0.4";
  return response;
}

TEST_F(PrometheusTest, PrometheusRemoteWritesIntoTheReceiver) {
  tsdb::RecordingStorage storage;
  RemoteWriteReceiver receiver(storage);
  http::ServerOptions rx_options;
  rx_options.listen_address = "127.0.0.1:0";
  rx_options.max_request_bytes = 16 << 20;
  auto rx = http::Server::Start(rx_options, [&receiver](const http::Request& r) {
    return r.path == "/api/v1/write" ? receiver.Handle(r) : http::Response::Text(404, "no\n");
  });
  ASSERT_TRUE(rx.ok()) << rx.status().ToString();
  http::ServerOptions page_options;
  page_options.listen_address = "127.0.0.1:0";
  auto page = http::Server::Start(page_options, ExpositionPage);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  const std::string target = "127.0.0.1:" + std::to_string((*page)->port());

  PrometheusProcess prometheus;
  ASSERT_NO_FATAL_FAILURE(prometheus.Start(
      "global:\n  scrape_interval: 1s\n"
      "scrape_configs:\n  - job_name: itest\n    static_configs:\n      - targets: ['" +
          target +
          "']\n"
          "remote_write:\n  - url: http://127.0.0.1:" +
          std::to_string((*rx)->port()) +
          "/api/v1/write\n    queue_config:\n      batch_send_deadline: 500ms\n"
          "      min_backoff: 10ms\n    metadata_config:\n      send_interval: 2s\n",
      false));

  const tsdb::Labels gpu0{
      {"__name__", "itest_gauge"}, {"gpu", "0"}, {"instance", target}, {"job", "itest"}};
  const tsdb::Labels gpu1{
      {"__name__", "itest_gauge"}, {"gpu", "1"}, {"instance", target}, {"job", "itest"}};
  const tsdb::Labels up{{"__name__", "up"}, {"instance", target}, {"job", "itest"}};
  auto metric = [&receiver](const std::string& name, const std::string& label,
                            const std::string& value) {
    std::vector<metrics::MetricFamily> families;
    receiver.AppendMetrics(families);
    for (const auto& f : families) {
      if (f.name != name) continue;
      for (const auto& s : f.samples) {
        for (const auto& l : s.labels) {
          if (l.name == label && l.value == value) return s.value;
        }
      }
    }
    return 0.0;
  };
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (std::chrono::steady_clock::now() < until &&
         (storage.SamplesOf(gpu0).size() < 3 || storage.SamplesOf(up).empty() ||
          metric("gw_remote_write_receiver_ignored_total", "kind", "metadata") == 0)) {
    std::this_thread::sleep_for(milliseconds(200));
  }
  const auto samples0 = storage.SamplesOf(gpu0);
  ASSERT_GE(samples0.size(), 3u) << "Prometheus sent no itest_gauge samples:\n" << prometheus.log();
  for (size_t i = 0; i < samples0.size(); ++i) {
    EXPECT_EQ(samples0[i].v, 42.5);
    if (i > 0) {
      EXPECT_GT(samples0[i].t_ms, samples0[i - 1].t_ms);
      EXPECT_NEAR(samples0[i].t_ms - samples0[i - 1].t_ms, 1000, 500) << "scraped every 1 s";
    }
  }
  const auto samples1 = storage.SamplesOf(gpu1);
  ASSERT_FALSE(samples1.empty());
  EXPECT_EQ(samples1[0].v, -3);
  ASSERT_FALSE(storage.SamplesOf(up).empty());
  EXPECT_EQ(storage.SamplesOf(up)[0].v, 1);
  EXPECT_GT(metric("gw_remote_write_receiver_ignored_total", "kind", "metadata"), 0)
      << "Prometheus' metadata-only requests are accepted";
  EXPECT_GT(metric("gw_remote_write_receiver_requests_total", "code", "204"), 0);
  EXPECT_EQ(metric("gw_remote_write_receiver_requests_total", "code", "400"), 0);
  EXPECT_EQ(metric("gw_remote_write_receiver_requests_total", "code", "500"), 0);
  const int64_t now_ms = SystemClock::Get().NowMs();
  EXPECT_NEAR(static_cast<double>(samples0.back().t_ms), static_cast<double>(now_ms), 60'000.0);
}

}  // namespace
}  // namespace gw::remote
