#include "hub/scrape_manager.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hub/scrape_test_util.h"
#include "tsdb/sample.h"

namespace gw::hub {
namespace {

using testing::ConfigFromYaml;
using testing::PageServer;
using testing::SeriesLabels;

constexpr int64_t kInterval = 10'000;

class ScrapeManagerTest : public ::testing::Test {
 protected:
  std::string Yaml(const std::string& job_extra = "", const std::string& targets = "") {
    return "global:\n  scrape_interval: 10s\nscrape_configs:\n  - job_name: gpu\n"
           "    static_configs:\n      - targets: [" +
           (targets.empty() ? "\"" + server_.address() + "\"" : targets) + "]\n" + job_extra;
  }
  tsdb::Labels L(const std::string& name, const std::string& instance = "") {
    return SeriesLabels(name, {{"job", "gpu"},
                               {"instance", instance.empty() ? server_.address() : instance}});
  }
  std::vector<tsdb::RecordedSample> Of(const tsdb::Labels& labels) {
    return storage_.SamplesOf(labels);
  }
  // Advances the clock by one interval and runs the due scrapes.
  size_t Tick() {
    clock_.AdvanceMs(kInterval);
    return manager_.RunDueScrapes();
  }

  PageServer server_;
  tsdb::RecordingStorage storage_;
  FakeClock clock_{1'700'000'000'000};
  ScrapeManager manager_{&storage_, clock_, {.scrape_threads = 1, .background = false}};
};

TEST_F(ScrapeManagerTest, ScrapesAtAlignedScheduledTimes) {
  server_.SetPage("a 1\n");
  HubConfig config = ConfigFromYaml(Yaml());
  ASSERT_TRUE(manager_.ApplyConfig(config).ok());
  EXPECT_EQ(manager_.RunDueScrapes(), 0u) << "the first slot lies after now";
  ASSERT_EQ(Tick(), 1u);
  EXPECT_EQ(manager_.RunDueScrapes(), 0u);
  ASSERT_EQ(Tick(), 1u);
  clock_.AdvanceMs(1234);  // late: the timestamp stays on the grid
  EXPECT_EQ(Tick(), 1u);
  auto up = Of(L("up"));
  ASSERT_EQ(up.size(), 3u);
  const ScrapeConfig& sc = config.scrape_configs[0];
  auto target = PopulateTarget(sc, StaticTargetGroups(sc)[0]);
  int64_t offset = ScrapeOffsetMs((*target)->Key(), kInterval);
  EXPECT_EQ(((up[0].t_ms - offset) % kInterval + kInterval) % kInterval, 0);
  EXPECT_GT(up[0].t_ms, 1'700'000'000'000);
  EXPECT_EQ(up[1].t_ms, up[0].t_ms + kInterval);
  // The late scrape got the latest slot at or before now, on the same grid.
  EXPECT_EQ(up[2].t_ms, SlotAtOrBefore(clock_.NowMs(), kInterval, offset));
  EXPECT_EQ((up[2].t_ms - up[0].t_ms) % kInterval, 0);
  EXPECT_GE(up[2].t_ms, up[0].t_ms + 2 * kInterval);
  EXPECT_EQ(Of(L("a")).back().t_ms, up[2].t_ms);
  auto targets = manager_.Targets();
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].health, TargetHealth::kUp);
  EXPECT_EQ(targets[0].last_scrape_ms, up[2].t_ms);
  EXPECT_EQ(targets[0].interval_ms, kInterval);
  EXPECT_EQ(targets[0].scrape_url, "http://" + server_.address() + "/metrics");
}

TEST_F(ScrapeManagerTest, ReloadKeepsUnchangedTargetsAndMarksRemovedOnesStale) {
  server_.SetPage("a 1\n");
  PageServer other;
  other.SetPage("b 1\n");
  std::string both = "\"" + server_.address() + "\", \"" + other.address() + "\"";
  ASSERT_TRUE(manager_.ApplyConfig(ConfigFromYaml(Yaml("", both))).ok());
  ASSERT_EQ(Tick(), 2u);
  ASSERT_TRUE(manager_.ApplyConfig(ConfigFromYaml(Yaml())).ok());
  auto b = Of(L("b", other.address()));
  ASSERT_EQ(b.size(), 2u);
  EXPECT_TRUE(tsdb::IsStaleMarker(b[1].v));
  EXPECT_GT(b[1].t_ms, b[0].t_ms);
  EXPECT_TRUE(tsdb::IsStaleMarker(Of(L("up", other.address())).back().v));
  ASSERT_EQ(manager_.Targets().size(), 1u);
  ASSERT_EQ(Tick(), 1u);
  // The kept loop kept its cache: nothing new.
  EXPECT_EQ(Of(L("scrape_series_added")).back().v, 0);
  EXPECT_EQ(Of(L("a")).size(), 2u);
}

TEST_F(ScrapeManagerTest, ChangedSettingsRestartTheLoopWithoutLosingStaleness) {
  server_.SetPage("a 1\nb 2\n");
  ASSERT_TRUE(manager_.ApplyConfig(ConfigFromYaml(Yaml())).ok());
  ASSERT_EQ(Tick(), 1u);
  ASSERT_TRUE(manager_.ApplyConfig(ConfigFromYaml(Yaml(
                  "    metric_relabel_configs:\n      - action: drop\n"
                  "        source_labels: [__name__]\n        regex: b\n")))
                  .ok());
  EXPECT_EQ(Of(L("b")).size(), 1u) << "no stale marker at reload: the new loop decides";
  ASSERT_EQ(Tick(), 1u);
  auto b = Of(L("b"));
  ASSERT_EQ(b.size(), 2u);
  EXPECT_TRUE(tsdb::IsStaleMarker(b[1].v));
  EXPECT_EQ(b[1].t_ms, Of(L("a")).back().t_ms);
  EXPECT_FALSE(tsdb::IsStaleMarker(Of(L("a")).back().v));
  EXPECT_EQ(Of(L("scrape_series_added")).back().v, 1) << "a new loop starts with a new cache";
}

TEST_F(ScrapeManagerTest, RelabelingKeepsAndDropsTargets) {
  PageServer other;
  std::string both = "\"" + server_.address() + "\", \"" + other.address() + "\"";
  ASSERT_TRUE(manager_
                  .ApplyConfig(ConfigFromYaml(Yaml(
                      "    relabel_configs:\n      - action: keep\n"
                      "        source_labels: [__address__]\n        regex: \"" +
                          server_.address() + "\"\n",
                      both)))
                  .ok());
  auto targets = manager_.Targets();
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].scrape_url, "http://" + server_.address() + "/metrics");
  EXPECT_EQ(targets[0].health, TargetHealth::kUnknown);
  Tick();
  EXPECT_EQ(other.requests(), 0) << "a dropped target is never scraped";
}

TEST_F(ScrapeManagerTest, StopMarksEverythingStaleAndCountersAddUp) {
  server_.SetPage("a 1\n");
  ASSERT_TRUE(manager_.ApplyConfig(ConfigFromYaml(Yaml())).ok());
  ASSERT_EQ(Tick(), 1u);
  server_.SetStatus(500);
  ASSERT_EQ(Tick(), 1u);
  std::vector<metrics::MetricFamily> families;
  manager_.AppendMetrics(&families);
  auto value = [&](const std::string& name, const std::string& label = "") {
    for (const auto& f : families) {
      if (f.name != name) continue;
      for (const auto& s : f.samples) {
        if (label.empty() || (!s.labels.empty() && s.labels[0].value == label)) return s.value;
      }
    }
    return -1.0;
  };
  EXPECT_EQ(value("gpuwatchdog_hub_scrapes_total"), 2);
  EXPECT_EQ(value("gpuwatchdog_hub_scrape_failures_total", "http_status"), 1);
  EXPECT_EQ(value("gpuwatchdog_hub_scrape_failures_total", "timeout"), 0);
  // 1 + 5 report samples, then a stale marker and 5 report samples.
  EXPECT_EQ(value("gpuwatchdog_hub_scrape_samples_appended_total"), 12);
  EXPECT_EQ(value("gpuwatchdog_hub_scrape_stale_markers_total"), 1);
  EXPECT_EQ(value("gpuwatchdog_hub_scrape_targets", "down"), 1);
  manager_.Stop();
  EXPECT_TRUE(tsdb::IsStaleMarker(Of(L("up")).back().v));
  EXPECT_EQ(manager_.Targets().size(), 0u);
  EXPECT_FALSE(manager_.ApplyConfig(ConfigFromYaml(Yaml())).ok());
}

TEST(ScrapeManagerBackgroundTest, ScrapesOnItsOwnEveryInterval) {
  PageServer server;
  server.SetPage("a 1\n");
  tsdb::RecordingStorage storage;
  ScrapeManager manager(&storage, SystemClock::Get(), {.scrape_threads = 2});
  ASSERT_TRUE(manager
                  .ApplyConfig(ConfigFromYaml(
                      "scrape_configs:\n  - job_name: gpu\n    scrape_interval: 100ms\n"
                      "    static_configs:\n      - targets: [\"" + server.address() + "\"]\n"))
                  .ok());
  auto up = SeriesLabels("up", {{"job", "gpu"}, {"instance", server.address()}});
  ASSERT_TRUE(testing::WaitFor([&] { return storage.SamplesOf(up).size() >= 3; }));
  manager.Stop();
  auto samples = storage.SamplesOf(up);
  ASSERT_GE(samples.size(), 4u);
  EXPECT_EQ(samples[1].t_ms - samples[0].t_ms, 100);
  EXPECT_EQ(samples[0].t_ms % 100, samples[1].t_ms % 100);
  EXPECT_TRUE(tsdb::IsStaleMarker(samples.back().v));
}

}  // namespace
}  // namespace gw::hub
