#include "rules/notifier_format.h"

#include <gtest/gtest.h>

#include <vector>

namespace gw::rules {
namespace {

constexpr int64_t kT0 = 1'795'946'400'000;  // 2026-11-29T10:00:00Z

TEST(FormatAlertTimeTest, WritesUtcWithMilliseconds) {
  EXPECT_EQ(FormatAlertTime(kT0 + 123), "2026-11-29T10:00:00.123Z");
  EXPECT_EQ(FormatAlertTime(kT0), "2026-11-29T10:00:00.000Z");
  EXPECT_EQ(FormatAlertTime(kT0 + 86'399'007), "2026-11-30T09:59:59.007Z");
  EXPECT_EQ(FormatAlertTime(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatAlertTime(-1), "1969-12-31T23:59:59.999Z");
}

TEST(AlertFingerprintTest, MatchesPrometheusCommonTestVectors) {
  // prometheus/common model/signature_test.go TestMetricToFingerprint: 5799056148416392346.
  EXPECT_EQ(
      AlertFingerprint(tsdb::Labels{{"name", "garland, briggs"}, {"fear", "love is not enough"}}),
      "507a62d79ee76c9a");
  EXPECT_EQ(AlertFingerprint(tsdb::Labels{}), "cbf29ce484222325");  // FNV-1a offset basis
  // BenchmarkMetricToFingerprintSingle: 5146282821936882169.
  EXPECT_EQ(AlertFingerprint(tsdb::Labels{{"first-label", "first-label-value"}}),
            "476b44f5db3e21f9");
}

TEST(WithExternalLabelsTest, AddsMissingLabelsAndKeepsTheAlertsOwn) {
  const tsdb::Labels alert{{"alertname", "GpuHot"}, {"cluster", "mine"}, {"node", "n1"}};
  const tsdb::Labels external{{"cluster", "a"}, {"region", "eu"}, {"a", "first"}};
  EXPECT_EQ(WithExternalLabels(alert, external), (tsdb::Labels{{"a", "first"},
                                                               {"alertname", "GpuHot"},
                                                               {"cluster", "mine"},
                                                               {"node", "n1"},
                                                               {"region", "eu"}}));
  EXPECT_EQ(WithExternalLabels(alert, {}), alert);
  EXPECT_EQ(WithExternalLabels({}, external), external);
}

NotifierAlert Alert(std::string name, int64_t ends_at_ms) {
  return {.labels = {{"alertname", std::move(name)}, {"severity", "page"}},
          .annotations = {{"summary", "hot"}},
          .starts_at_ms = kT0 + 123,
          .ends_at_ms = ends_at_ms,
          .generator_url = "http://hub:3000/graph?g0.expr=x"};
}

TEST(AlertmanagerBodyTest, IsTheV2PostableAlertsArray) {
  std::vector<NotifierAlert> alerts = {Alert("GpuHot", kT0 + 240'000), Alert("GpuGone", 0)};
  alerts[1].annotations = {};
  alerts[1].generator_url.clear();
  EXPECT_EQ(AlertmanagerBody(alerts),
            R"([{"labels":{"alertname":"GpuHot","severity":"page"},)"
            R"("annotations":{"summary":"hot"},"startsAt":"2026-11-29T10:00:00.123Z",)"
            R"("endsAt":"2026-11-29T10:04:00.000Z",)"
            R"("generatorURL":"http://hub:3000/graph?g0.expr=x"},)"
            R"({"labels":{"alertname":"GpuGone","severity":"page"},"annotations":{},)"
            R"("startsAt":"2026-11-29T10:00:00.123Z"}])");
}

TEST(WebhookBodyTest, IsAlertmanagersVersion4Payload) {
  std::vector<NotifierAlert> alerts = {Alert("GpuHot", kT0 + 240'000),
                                       Alert("GpuGone", kT0 + 60'000)};
  alerts[1].annotations = {{"summary", "hot"}, {"runbook", "r"}};
  EXPECT_EQ(WebhookBody(alerts, "http://hub:3000", kT0 + 120'000),
            R"({"version":"4","groupKey":"{}:{}","truncatedAlerts":0,"status":"firing",)"
            R"("receiver":"gpuwatchdog","groupLabels":{},"commonLabels":{"severity":"page"},)"
            R"("commonAnnotations":{"summary":"hot"},"externalURL":"http://hub:3000","alerts":[)"
            R"({"status":"firing","labels":{"alertname":"GpuHot","severity":"page"},)"
            R"("annotations":{"summary":"hot"},"startsAt":"2026-11-29T10:00:00.123Z",)"
            R"("endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://hub:3000/graph?g0.expr=x",)"
            R"("fingerprint":")" +
                AlertFingerprint(alerts[0].labels) +
                R"("},{"status":"resolved","labels":{"alertname":"GpuGone","severity":"page"},)"
                R"("annotations":{"runbook":"r","summary":"hot"},)"
                R"("startsAt":"2026-11-29T10:00:00.123Z","endsAt":"2026-11-29T10:01:00.000Z",)"
                R"("generatorURL":"http://hub:3000/graph?g0.expr=x","fingerprint":")" +
                AlertFingerprint(alerts[1].labels) + R"("}]})");
}

TEST(WebhookBodyTest, StatusIsResolvedOnlyWhenEveryAlertIs) {
  const std::vector<NotifierAlert> resolved = {Alert("A", kT0 + 1000), Alert("B", kT0 + 2000)};
  EXPECT_NE(
      WebhookBody(resolved, "", kT0 + 2000).find(R"("truncatedAlerts":0,"status":"resolved")"),
      std::string::npos);
  // ends_at exactly now is resolved (Alertmanager: EndsAt not after now).
  EXPECT_NE(WebhookBody(resolved, "", kT0 + 1999).find(R"("truncatedAlerts":0,"status":"firing")"),
            std::string::npos);
  EXPECT_TRUE(AlertFiring(Alert("A", 0), kT0)) << "ends_at unset: firing";
  EXPECT_FALSE(AlertFiring(Alert("A", kT0), kT0));
}

}  // namespace
}  // namespace gw::rules
