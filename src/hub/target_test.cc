#include "hub/target.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/status_matchers.h"
#include "hub/scrape_test_util.h"

namespace gw::hub {
namespace {

using ::testing::Pair;
using ::testing::UnorderedElementsAre;
using gw::testing::StatusIs;
using testing::ConfigFromYaml;

ScrapeConfig Job(const std::string& extra) {
  HubConfig c = ConfigFromYaml(
      "scrape_configs:\n  - job_name: gpu\n    static_configs:\n"
      "      - targets: [\"10.0.0.1:9400\", \"10.0.0.2:9400\"]\n        labels: {rack: r1}\n" +
      extra);
  return c.scrape_configs.empty() ? ScrapeConfig{} : c.scrape_configs[0];
}

TEST(PopulateTargetTest, DefaultsJobInstanceAndUrl) {
  ScrapeConfig config = Job("    metrics_path: /m\n");
  auto groups = StaticTargetGroups(config);
  ASSERT_EQ(groups.size(), 2u);
  auto target = PopulateTarget(config, groups[0]);
  ASSERT_TRUE(target.ok() && target->has_value());
  const Target& t = **target;
  EXPECT_EQ(t.url, "http://10.0.0.1:9400/m");
  EXPECT_THAT(t.PublicLabels(), UnorderedElementsAre(Pair("instance", "10.0.0.1:9400"),
                                                     Pair("job", "gpu"), Pair("rack", "r1")));
  EXPECT_THAT(t.discovered_labels,
              UnorderedElementsAre(Pair("__address__", "10.0.0.1:9400"), Pair("rack", "r1")));
}

TEST(PopulateTargetTest, RelabelingDropsTargetsAndRewritesTheUrl) {
  ScrapeConfig config = Job(
      "    relabel_configs:\n"
      "      - action: drop\n        source_labels: [__address__]\n        regex: 10.0.0.2:.*\n"
      "      - target_label: __scheme__\n        replacement: https\n"
      "      - target_label: __param_module\n        replacement: a b\n"
      "      - source_labels: [__address__]\n        regex: (.*):.*\n"
      "        target_label: instance\n        replacement: $1\n"
      "      - target_label: __meta_x\n        replacement: y\n");
  auto groups = StaticTargetGroups(config);
  auto kept = PopulateTarget(config, groups[0]);
  ASSERT_TRUE(kept.ok() && kept->has_value());
  EXPECT_EQ((*kept)->url, "https://10.0.0.1:9400/metrics?module=a%20b");
  EXPECT_EQ(GetLabel((*kept)->labels, "instance"), "10.0.0.1");
  EXPECT_EQ(GetLabel((*kept)->labels, "__meta_x"), "") << "__meta_ labels go after relabeling";
  auto dropped = PopulateTarget(config, groups[1]);
  ASSERT_TRUE(dropped.ok());
  EXPECT_FALSE(dropped->has_value());
}

TEST(PopulateTargetTest, AnEmptyAddressIsAnError) {
  ScrapeConfig config = Job("    relabel_configs:\n      - target_label: __address__\n"
                            "        replacement: \"\"\n");
  EXPECT_THAT(PopulateTarget(config, StaticTargetGroups(config)[0]),
              StatusIs(StatusCode::kInvalidArgument, ::testing::HasSubstr("__address__")));
}

TEST(ScheduleTest, OffsetsAreStableAndSlotsAligned) {
  EXPECT_EQ(ScrapeOffsetMs("a", 15'000), ScrapeOffsetMs("a", 15'000));
  EXPECT_NE(ScrapeOffsetMs("a", 15'000), ScrapeOffsetMs("b", 15'000));
  for (std::string key : {"x", "y", "z"}) {
    int64_t off = ScrapeOffsetMs(key, 15'000);
    EXPECT_GE(off, 0);
    EXPECT_LT(off, 15'000);
  }
  EXPECT_EQ(SlotAtOrBefore(1'000'000, 10'000, 300), 990'300);
  EXPECT_EQ(SlotAtOrBefore(990'300, 10'000, 300), 990'300);
  EXPECT_EQ(SlotAtOrBefore(990'299, 10'000, 300), 980'300);
}

}  // namespace
}  // namespace gw::hub
