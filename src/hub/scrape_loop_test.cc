#include "hub/scrape_loop.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/clock.h"
#include "hub/scrape_fetch.h"
#include "hub/scrape_test_util.h"
#include "tsdb/sample.h"

namespace gw::hub {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::ConfigFromYaml;
using testing::PageServer;
using testing::SeriesLabels;

constexpr int64_t kT0 = 1'700'000'010'000;
constexpr int64_t kInterval = 10'000;
const double kStale = std::bit_cast<double>(tsdb::kStaleNaNBits);

// (timestamp, value bits): compares values bit for bit, so a stale marker only matches itself.
using Point = std::pair<int64_t, uint64_t>;
Point P(int64_t t, double v) { return {t, std::bit_cast<uint64_t>(v)}; }

class ScrapeLoopTest : public ::testing::Test {
 protected:
  std::unique_ptr<ScrapeLoop> MakeLoop(const std::string& job_yaml = "") {
    HubConfig c = ConfigFromYaml("scrape_configs:\n  - job_name: gpu\n    static_configs:\n"
                                 "      - targets: [\"" + server_.address() + "\"]\n" + job_yaml);
    const ScrapeConfig& sc = c.scrape_configs.at(0);
    auto target = PopulateTarget(sc, StaticTargetGroups(sc).at(0));
    EXPECT_TRUE(target.ok() && target->has_value());
    auto settings = std::make_shared<const ScrapeSettings>(SettingsOf(sc, c.global));
    return std::make_unique<ScrapeLoop>(**target, settings, &storage_, clock_);
  }
  // A series of the target: the labels plus job and instance.
  tsdb::Labels L(const std::string& name, std::vector<tsdb::Label> labels = {}) {
    labels.push_back({"job", "gpu"});
    labels.push_back({"instance", server_.address()});
    return SeriesLabels(name, std::move(labels));
  }
  std::vector<Point> Points(const tsdb::Labels& labels) {
    std::vector<Point> out;
    for (const auto& s : storage_.SamplesOf(labels)) out.push_back(P(s.t_ms, s.v));
    return out;
  }
  double Last(const std::string& report_name) {
    auto samples = storage_.SamplesOf(L(report_name));
    return samples.empty() ? -1 : samples.back().v;
  }

  PageServer server_;
  tsdb::RecordingStorage storage_;
  FakeClock clock_{kT0 + 1234};
};

TEST_F(ScrapeLoopTest, WritesThePageWithTargetLabelsAndTheReportSeries) {
  server_.SetPage("# HELP a A.\n# TYPE a gauge\na 1\nb{x=\"y z}\"} 2.5\n");
  auto loop = MakeLoop();
  ScrapeResult r = loop->ScrapeOnce(kT0);
  ASSERT_TRUE(r.ok) << r.error.ToString();
  EXPECT_THAT(Points(L("a")), ::testing::ElementsAre(P(kT0, 1)));
  EXPECT_THAT(Points(L("b", {{"x", "y z}"}})), ::testing::ElementsAre(P(kT0, 2.5)));
  EXPECT_THAT(Points(L("up")), ::testing::ElementsAre(P(kT0, 1)));
  EXPECT_THAT(Points(L("scrape_samples_scraped")), ::testing::ElementsAre(P(kT0, 2)));
  EXPECT_THAT(Points(L("scrape_samples_post_metric_relabeling")),
              ::testing::ElementsAre(P(kT0, 2)));
  EXPECT_THAT(Points(L("scrape_series_added")), ::testing::ElementsAre(P(kT0, 2)));
  EXPECT_EQ(storage_.SamplesOf(L("scrape_duration_seconds")).size(), 1u);
  EXPECT_EQ(storage_.samples().size(), 7u) << "the page's two samples and five report series";
  EXPECT_EQ(storage_.commits(), 1u) << "one appender per scrape";
  TargetStatus status = loop->status();
  EXPECT_EQ(status.health, TargetHealth::kUp);
  EXPECT_EQ(status.last_scrape_ms, kT0);
  EXPECT_EQ(status.scrape_url, "http://" + server_.address() + "/metrics");
  // Unchanged page: the series come from the cache, none is new.
  ASSERT_TRUE(loop->ScrapeOnce(kT0 + kInterval).ok);
  EXPECT_THAT(Points(L("scrape_series_added")),
              ::testing::ElementsAre(P(kT0, 2), P(kT0 + kInterval, 0)));
  EXPECT_THAT(Points(L("a")), ::testing::ElementsAre(P(kT0, 1), P(kT0 + kInterval, 1)));
}

TEST_F(ScrapeLoopTest, SendsPrometheusHeaders) {
  server_.SetPage("a 1\n");
  auto loop = MakeLoop("    scrape_timeout: 4s\n");
  ASSERT_TRUE(loop->ScrapeOnce(kT0).ok);
  http::Request request = server_.last_request();
  EXPECT_EQ(request.Header("accept"), kScrapeAcceptHeader);
  EXPECT_EQ(request.Header("accept-encoding"), "gzip");
  EXPECT_EQ(request.Header("x-prometheus-scrape-timeout-seconds"), "4");
  EXPECT_EQ(request.path, "/metrics");
}

TEST_F(ScrapeLoopTest, VanishedSeriesGetOneStaleMarker) {
  server_.SetPage("a 1\nb 2\n");
  auto loop = MakeLoop();
  ASSERT_TRUE(loop->ScrapeOnce(kT0).ok);
  server_.SetPage("a 3\n");
  ScrapeResult r = loop->ScrapeOnce(kT0 + kInterval);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.stale_markers, 1u);
  ASSERT_TRUE(loop->ScrapeOnce(kT0 + 2 * kInterval).ok);
  EXPECT_THAT(Points(L("b")), ::testing::ElementsAre(P(kT0, 2), P(kT0 + kInterval, kStale)));
  EXPECT_TRUE(tsdb::IsStaleMarker(storage_.SamplesOf(L("b")).back().v));
  EXPECT_THAT(Points(L("a")), ::testing::ElementsAre(P(kT0, 1), P(kT0 + kInterval, 3),
                                                     P(kT0 + 2 * kInterval, 3)));
  // It comes back: written again, no marker.
  server_.SetPage("a 3\nb 7\n");
  ASSERT_TRUE(loop->ScrapeOnce(kT0 + 3 * kInterval).ok);
  EXPECT_THAT(Points(L("b")), ::testing::ElementsAre(P(kT0, 2), P(kT0 + kInterval, kStale),
                                                     P(kT0 + 3 * kInterval, 7)));
}

TEST_F(ScrapeLoopTest, FailedScrapeMarksEverySeriesStaleOnceAndWritesUpZero) {
  server_.SetPage("a 1\nb 2\n");
  auto loop = MakeLoop();
  ASSERT_TRUE(loop->ScrapeOnce(kT0).ok);
  server_.SetStatus(503);
  ScrapeResult r = loop->ScrapeOnce(kT0 + kInterval);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure_reason, kFailHttpStatus);
  EXPECT_THAT(r.error.message(), HasSubstr("HTTP 503"));
  EXPECT_FALSE(loop->ScrapeOnce(kT0 + 2 * kInterval).ok);
  EXPECT_THAT(Points(L("a")), ::testing::ElementsAre(P(kT0, 1), P(kT0 + kInterval, kStale)));
  EXPECT_THAT(Points(L("b")), ::testing::ElementsAre(P(kT0, 2), P(kT0 + kInterval, kStale)));
  EXPECT_THAT(Points(L("up")), ::testing::ElementsAre(P(kT0, 1), P(kT0 + kInterval, 0),
                                                      P(kT0 + 2 * kInterval, 0)));
  EXPECT_EQ(loop->status().health, TargetHealth::kDown);
  EXPECT_THAT(loop->status().last_error, HasSubstr("HTTP 503"));
  server_.SetStatus(200);
  ASSERT_TRUE(loop->ScrapeOnce(kT0 + 3 * kInterval).ok);
  EXPECT_EQ(Points(L("a")).back(), P(kT0 + 3 * kInterval, 1));
  EXPECT_EQ(loop->status().last_error, "");
}

TEST_F(ScrapeLoopTest, HonorLabelsFalseRenamesClashingScrapedLabels) {
  server_.SetPage("m{job=\"other\",instance=\"x\",exported_job=\"e\"} 1\n");
  auto loop = MakeLoop();
  ASSERT_TRUE(loop->ScrapeOnce(kT0).ok);
  EXPECT_THAT(Points(L("m", {{"exported_instance", "x"},
                             {"exported_exported_job", "other"},
                             {"exported_job", "e"}})),
              ::testing::ElementsAre(P(kT0, 1)));
}

TEST_F(ScrapeLoopTest, HonorLabelsTrueKeepsTheScrapedLabels) {
  server_.SetPage("m{job=\"other\"} 1\n");
  auto loop = MakeLoop("    honor_labels: true\n");
  ASSERT_TRUE(loop->ScrapeOnce(kT0).ok);
  auto m = SeriesLabels("m", {{"job", "other"}, {"instance", server_.address()}});
  EXPECT_THAT(Points(m), ::testing::ElementsAre(P(kT0, 1)));
}

TEST_F(ScrapeLoopTest, ExplicitTimestampsAreKeptAndNeverMarkedStale) {
  server_.SetPage("a 1 1600000000123\nb 2\n");
  auto loop = MakeLoop();
  ASSERT_TRUE(loop->ScrapeOnce(kT0).ok);
  server_.SetPage("");
  ASSERT_TRUE(loop->ScrapeOnce(kT0 + kInterval).ok);
  EXPECT_THAT(Points(L("a")), ::testing::ElementsAre(P(1600000000123, 1)));
  EXPECT_THAT(Points(L("b")), ::testing::ElementsAre(P(kT0, 2), P(kT0 + kInterval, kStale)));
}

TEST_F(ScrapeLoopTest, MetricRelabelingDropsAndRewrites) {
  server_.SetPage("go_gc 1\nDCGM_FI_DEV_GPU_UTIL{gpu=\"0\"} 50\n");
  auto loop = MakeLoop(
      "    metric_relabel_configs:\n"
      "      - action: drop\n        source_labels: [__name__]\n        regex: go_.*\n"
      "      - source_labels: [gpu]\n        target_label: device\n        replacement: nvidia$1\n");
  ASSERT_TRUE(loop->ScrapeOnce(kT0).ok);
  EXPECT_THAT(Points(L("DCGM_FI_DEV_GPU_UTIL", {{"gpu", "0"}, {"device", "nvidia0"}})),
              ::testing::ElementsAre(P(kT0, 50)));
  EXPECT_THAT(Points(L("go_gc")), IsEmpty());
  EXPECT_EQ(Last("scrape_samples_scraped"), 2);
  EXPECT_EQ(Last("scrape_samples_post_metric_relabeling"), 1);
  EXPECT_EQ(Last("scrape_series_added"), 1);
}

TEST_F(ScrapeLoopTest, SampleLimitFailsTheScrapeAndKeepsNothingOfThePage) {
  server_.SetPage("a 1\n");
  auto loop = MakeLoop("    sample_limit: 2\n");
  ASSERT_TRUE(loop->ScrapeOnce(kT0).ok);
  server_.SetPage("a 2\nb 2\nc 3\n");
  ScrapeResult r = loop->ScrapeOnce(kT0 + kInterval);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure_reason, kFailSampleLimit);
  EXPECT_EQ(r.error.code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(loop->status().last_error, HasSubstr("sample_limit 2"));
  EXPECT_THAT(Points(L("a")), ::testing::ElementsAre(P(kT0, 1), P(kT0 + kInterval, kStale)));
  EXPECT_THAT(Points(L("b")), IsEmpty());
  EXPECT_EQ(Last("up"), 0);
}

TEST_F(ScrapeLoopTest, LabelLimitCountsTheLabelsOfTheStoredSeries) {
  server_.SetPage("a{x=\"1\"} 1\n");  // __name__, x, job, instance
  auto fits = MakeLoop("    label_limit: 4\n");
  EXPECT_TRUE(fits->ScrapeOnce(kT0).ok);
  server_.SetPage("a{x=\"1\",y=\"2\"} 1\n");
  ScrapeResult r = fits->ScrapeOnce(kT0 + kInterval);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure_reason, kFailLabelLimit);
  EXPECT_THAT(Points(L("a", {{"x", "1"}, {"y", "2"}})), IsEmpty());
}

TEST_F(ScrapeLoopTest, BodySizeLimitAppliesToTheDecompressedPage) {
  std::string page;
  for (int i = 0; i < 100; ++i) page += "metric_" + std::to_string(i) + " 1\n";
  server_.SetPage(page);
  server_.SetGzip(true);  // compresses far below the limit
  auto loop = MakeLoop("    body_size_limit: 1KB\n");
  ScrapeResult r = loop->ScrapeOnce(kT0);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure_reason, kFailBodySize);
  EXPECT_EQ(Last("up"), 0);
  server_.SetPage("a 1\n");
  EXPECT_TRUE(loop->ScrapeOnce(kT0 + kInterval).ok);
}

TEST_F(ScrapeLoopTest, ReadsGzippedOpenMetrics) {
  server_.SetPage("# TYPE a counter\na_total 5 1600000000.5 # {trace=\"x\"} 1\nb NaN\n# EOF\n",
                  "application/openmetrics-text; version=1.0.0; charset=utf-8");
  server_.SetGzip(true);
  auto loop = MakeLoop();
  ScrapeResult r = loop->ScrapeOnce(kT0);
  ASSERT_TRUE(r.ok) << r.error.ToString();
  EXPECT_THAT(Points(L("a_total")), ::testing::ElementsAre(P(1600000000500, 5)));
  auto b = storage_.SamplesOf(L("b"));
  ASSERT_EQ(b.size(), 1u);
  EXPECT_TRUE(std::isnan(b[0].v));
  EXPECT_FALSE(tsdb::IsStaleMarker(b[0].v)) << "a NaN on the page is not a stale marker";
  server_.SetPage("a_total 6\n", "application/openmetrics-text; version=1.0.0");
  r = loop->ScrapeOnce(kT0 + kInterval);
  EXPECT_FALSE(r.ok) << "OpenMetrics without # EOF";
  EXPECT_EQ(r.failure_reason, kFailParse);
}

TEST_F(ScrapeLoopTest, MalformedPageFailsWithTheLine) {
  server_.SetPage("a 1\nb{x=\"1\" 2\n");
  auto loop = MakeLoop();
  ScrapeResult r = loop->ScrapeOnce(kT0);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure_reason, kFailParse);
  EXPECT_THAT(r.error.message(), HasSubstr("line 2"));
  EXPECT_THAT(Points(L("a")), IsEmpty());
}

TEST_F(ScrapeLoopTest, BasicAuthWithPasswordAndPasswordFile) {
  server_.SetPage("a 1\n");
  server_.RequireBasicAuth("hub", "s3cret");
  auto wrong = MakeLoop("    basic_auth:\n      username: hub\n      password: nope\n");
  ScrapeResult r = wrong->ScrapeOnce(kT0);
  EXPECT_FALSE(r.ok);
  EXPECT_THAT(r.error.message(), HasSubstr("HTTP 401"));
  auto right = MakeLoop("    basic_auth:\n      username: hub\n      password: s3cret\n");
  EXPECT_TRUE(right->ScrapeOnce(kT0).ok);
  char dir_template[] = "/tmp/hub_scrape_test.XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  std::string dir = dir_template;
  std::string file = dir + "/password";
  std::ofstream(file) << "s3cret\n";
  auto from_file =
      MakeLoop("    basic_auth:\n      username: hub\n      password_file: " + file + "\n");
  EXPECT_TRUE(from_file->ScrapeOnce(kT0 + kInterval).ok);
  auto missing = MakeLoop("    basic_auth:\n      username: hub\n      password_file: " +
                          dir + "/none\n");
  r = missing->ScrapeOnce(kT0 + 2 * kInterval);
  EXPECT_EQ(r.failure_reason, kFailAuth);
  std::filesystem::remove_all(dir);
}

TEST_F(ScrapeLoopTest, TimeoutFailsTheScrapeInTime) {
  server_.SetPage("a 1\n");
  server_.SetDelay(std::chrono::milliseconds(1500));
  auto loop = MakeLoop("    scrape_interval: 1s\n    scrape_timeout: 200ms\n");
  auto start = std::chrono::steady_clock::now();
  ScrapeResult r = loop->ScrapeOnce(kT0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1200));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure_reason, kFailTimeout);
  EXPECT_EQ(Last("up"), 0);
}

TEST_F(ScrapeLoopTest, FetchPageKeepsOneConnectionAcrossFetches) {
  server_.SetPage("a 1\n");
  server_.SetGzip(true);
  server_.RequireBasicAuth("hub", "s3cret");
  FetchOptions options{.timeout_ms = 5000, .basic_auth = BasicAuth{"hub", "s3cret", ""}};
  std::string url = "http://" + server_.address() + "/metrics";
  http::HttpConnection connection;
  for (int i = 0; i < 3; ++i) {
    FetchError error;
    auto page = FetchPage(url, options, &connection, &error);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    EXPECT_EQ(page->body, "a 1\n");
  }
  EXPECT_EQ(server_.requests(), 3);
  EXPECT_EQ(server_.last_request().Header("accept-encoding"), "gzip");
  EXPECT_EQ(connection.connections_opened(), 1u);
  EXPECT_TRUE(connection.open());

  // Failures keep their reasons over a kept connection.
  FetchError error;
  options.basic_auth->password = "nope";
  EXPECT_EQ(FetchPage(url, options, &connection, &error).status().message(),
            "HTTP 401 from " + url);
  EXPECT_EQ(error.reason, kFailHttpStatus);
  options.basic_auth->password = "s3cret";
  options.body_size_limit_bytes = 2;  // the decompressed page is 4 bytes
  EXPECT_EQ(FetchPage(url, options, &connection, &error).status().code(),
            StatusCode::kResourceExhausted);
  EXPECT_EQ(error.reason, kFailBodySize);
}

TEST_F(ScrapeLoopTest, TimeoutHoldsOnTheKeptConnectionAndTheNextScrapeRecovers) {
  server_.SetPage("a 1\n");
  auto loop = MakeLoop("    scrape_interval: 1s\n    scrape_timeout: 200ms\n");
  ASSERT_TRUE(loop->ScrapeOnce(kT0).ok);
  server_.SetDelay(std::chrono::milliseconds(1500));
  auto start = std::chrono::steady_clock::now();
  ScrapeResult r = loop->ScrapeOnce(kT0 + 1000);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1200));
  EXPECT_EQ(r.failure_reason, kFailTimeout);
  server_.SetDelay(std::chrono::milliseconds(0));
  r = loop->ScrapeOnce(kT0 + 2000);
  EXPECT_TRUE(r.ok) << r.error.ToString();
  EXPECT_THAT(Points(L("up")), ::testing::ElementsAre(P(kT0, 1), P(kT0 + 1000, 0),
                                                      P(kT0 + 2000, 1)));
}

TEST_F(ScrapeLoopTest, StopMarksPageAndReportSeriesStale) {
  server_.SetPage("a 1\n");
  auto loop = MakeLoop();
  ASSERT_TRUE(loop->ScrapeOnce(kT0).ok);
  loop->Stop(kT0 + 500);
  EXPECT_THAT(Points(L("a")), ::testing::ElementsAre(P(kT0, 1), P(kT0 + 500, kStale)));
  EXPECT_THAT(Points(L("up")), ::testing::ElementsAre(P(kT0, 1), P(kT0 + 500, kStale)));
  EXPECT_TRUE(tsdb::IsStaleMarker(storage_.SamplesOf(L("scrape_series_added")).back().v));
  size_t n = storage_.samples().size();
  EXPECT_FALSE(loop->ScrapeOnce(kT0 + kInterval).ok);
  loop->Stop(kT0 + kInterval);
  EXPECT_EQ(storage_.samples().size(), n) << "a stopped loop writes nothing more";
}

TEST_F(ScrapeLoopTest, ReplacementLoopMarksStaleWhatItNoLongerWrites) {
  server_.SetPage("a 1\nb 2\n");
  auto old_loop = MakeLoop();
  ASSERT_TRUE(old_loop->ScrapeOnce(kT0).ok);
  auto new_loop = MakeLoop("    metric_relabel_configs:\n      - action: drop\n"
                           "        source_labels: [__name__]\n        regex: b\n");
  old_loop->Stop(kT0 + 1, /*write_stale_markers=*/false);
  new_loop->InheritSeries(old_loop->TakeLiveSeries());
  ASSERT_TRUE(new_loop->ScrapeOnce(kT0 + kInterval).ok);
  EXPECT_THAT(Points(L("a")), ::testing::ElementsAre(P(kT0, 1), P(kT0 + kInterval, 1)));
  EXPECT_THAT(Points(L("b")), ::testing::ElementsAre(P(kT0, 2), P(kT0 + kInterval, kStale)));
}

TEST_F(ScrapeLoopTest, StorageFailureIsAFailedScrapeNotACrash) {
  server_.SetPage("a 1\n");
  auto loop = MakeLoop();
  storage_.FailCommits(IoError("disk full"));
  ScrapeResult r = loop->ScrapeOnce(kT0);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure_reason, kFailStorage);
  storage_.FailCommits(Status::Ok());
  EXPECT_TRUE(loop->ScrapeOnce(kT0 + kInterval).ok);
  EXPECT_THAT(Points(L("a")), ::testing::ElementsAre(P(kT0 + kInterval, 1)));
}

}  // namespace
}  // namespace gw::hub
