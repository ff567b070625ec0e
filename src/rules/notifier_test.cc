#include "rules/notifier.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>

#include "common/status_matchers.h"
#include "rules/notifier_format.h"
#include "rules/notifier_test_util.h"

namespace gw::rules {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;
using ::gw::rules::testing::Blackhole;
using ::gw::rules::testing::ClosedPortUrl;
using ::gw::rules::testing::FakeReceiver;
using ::gw::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr int64_t kT0 = 1'795'946'400'000;  // 2026-11-29T10:00:00Z

NotifierOptions FastOptions() {
  NotifierOptions o;
  o.timeout = milliseconds(5000);
  o.initial_backoff = milliseconds(10);
  o.max_backoff = milliseconds(40);
  return o;
}

std::unique_ptr<Notifier> StartNotifier(const NotifierOptions& options, const Clock* clock) {
  auto notifier = Notifier::Start(options, clock);
  EXPECT_TRUE(notifier.ok()) << notifier.status().ToString();
  return notifier.ok() ? std::move(*notifier) : nullptr;
}

NotifierAlert Alert(std::string name, int64_t ends_at_ms = kT0 + 240'000) {
  return {.labels = {{"alertname", std::move(name)}, {"severity", "page"}},
          .annotations = {{"summary", "GPU 3 is at 91 C"}},
          .starts_at_ms = kT0 + 123,
          .ends_at_ms = ends_at_ms,
          .generator_url = "http://hub:3000/graph"};
}

// The value of family{destination=...}, or -1 when absent.
double Metric(const Notifier& notifier, const std::string& family, const std::string& dest) {
  std::vector<metrics::MetricFamily> families;
  notifier.AppendMetrics(families);
  for (const auto& f : families) {
    if (f.name != family) continue;
    for (const auto& s : f.samples) {
      if (s.labels == metrics::Labels{{"destination", dest}}) return s.value;
    }
  }
  return -1;
}

// Polls until family{destination=dest} == want; false after 5 s.
bool WaitForMetric(const Notifier& notifier, const std::string& family, const std::string& dest,
                   double want) {
  const auto until = SteadyClock::now() + milliseconds(5000);
  while (Metric(notifier, family, dest) != want) {
    if (SteadyClock::now() > until) return false;
    std::this_thread::sleep_for(milliseconds(1));
  }
  return true;
}

// alertname of each alert in an Alertmanager body.
std::vector<std::string> AlertNames(const std::string& body) {
  std::vector<std::string> names;
  const boost::json::value doc = boost::json::parse(body);
  for (const auto& a : doc.as_array()) {
    names.emplace_back(a.at("labels").at("alertname").as_string());
  }
  return names;
}

TEST(NotifierTest, PostsAlertsToAlertmanagerWithExternalLabels) {
  FakeReceiver am;
  FakeClock clock(kT0);
  NotifierOptions options = FastOptions();
  options.alertmanager_urls = {am.url() + "/"};
  options.external_labels = {{"cluster", "a"}, {"severity", "external-loses"}};
  auto notifier = StartNotifier(options, &clock);
  notifier->Send({Alert("GpuHot")});
  ASSERT_TRUE(am.WaitForRequests(1));
  notifier->Stop(milliseconds(5000));

  const auto got = am.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].path, "/api/v2/alerts");
  EXPECT_EQ(got[0].Header("content-type"), "application/json");
  EXPECT_EQ(got[0].body,
            R"([{"labels":{"alertname":"GpuHot","cluster":"a","severity":"page"},)"
            R"("annotations":{"summary":"GPU 3 is at 91 C"},)"
            R"("startsAt":"2026-11-29T10:00:00.123Z","endsAt":"2026-11-29T10:04:00.000Z",)"
            R"("generatorURL":"http://hub:3000/graph"}])");
  EXPECT_EQ(Metric(*notifier, "gw_notifications_sent_total", am.url() + "/"), 1);
  EXPECT_EQ(Metric(*notifier, "gw_notifications_errors_total", am.url() + "/"), 0);
}

TEST(NotifierTest, PostsTheWebhookPayloadWithStatusFromTheClock) {
  FakeReceiver hook;
  FakeClock clock(kT0 + 120'000);
  NotifierOptions options = FastOptions();
  options.webhook_urls = {hook.url() + "/hook?token=s3cret"};
  options.external_labels = {{"cluster", "a"}};
  options.external_url = "http://hub:3000";
  auto notifier = StartNotifier(options, &clock);
  notifier->Send({Alert("GpuHot"), Alert("GpuGone", kT0 + 60'000)});
  ASSERT_TRUE(hook.WaitForRequests(1));
  notifier->Stop(milliseconds(5000));

  const auto got = hook.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].target, "/hook?token=s3cret");
  EXPECT_EQ(got[0].Header("content-type"), "application/json");
  const tsdb::Labels firing{{"alertname", "GpuHot"}, {"cluster", "a"}, {"severity", "page"}};
  const tsdb::Labels resolved{{"alertname", "GpuGone"}, {"cluster", "a"}, {"severity", "page"}};
  EXPECT_EQ(got[0].body,
            R"({"version":"4","groupKey":"{}:{}","truncatedAlerts":0,"status":"firing",)"
            R"("receiver":"gpuwatchdog","groupLabels":{},"commonLabels":{"cluster":"a",)"
            R"("severity":"page"},"commonAnnotations":{"summary":"GPU 3 is at 91 C"},)"
            R"("externalURL":"http://hub:3000","alerts":[{"status":"firing","labels":)"
            R"({"alertname":"GpuHot","cluster":"a","severity":"page"},)"
            R"("annotations":{"summary":"GPU 3 is at 91 C"},"startsAt":"2026-11-29T10:00:00.123Z",)"
            R"("endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://hub:3000/graph",)"
            R"("fingerprint":")" +
                AlertFingerprint(firing) +
                R"("},{"status":"resolved","labels":{"alertname":"GpuGone","cluster":"a",)"
                R"("severity":"page"},"annotations":{"summary":"GPU 3 is at 91 C"},)"
                R"("startsAt":"2026-11-29T10:00:00.123Z","endsAt":"2026-11-29T10:01:00.000Z",)"
                R"("generatorURL":"http://hub:3000/graph","fingerprint":")" +
                AlertFingerprint(resolved) + R"("}]})");
  // The query (where webhook tokens live) stays out of the metrics.
  EXPECT_EQ(Metric(*notifier, "gw_notifications_sent_total", hook.url() + "/hook"), 2);
}

TEST(NotifierTest, BatchesAtMostMaxBatchAlerts) {
  FakeReceiver am;
  FakeClock clock(kT0);
  NotifierOptions options = FastOptions();
  options.alertmanager_urls = {am.url()};
  options.max_batch = 2;
  auto notifier = StartNotifier(options, &clock);
  notifier->Send({Alert("a1"), Alert("a2"), Alert("a3"), Alert("a4"), Alert("a5")});
  ASSERT_TRUE(am.WaitForRequests(3));
  notifier->Stop(milliseconds(5000));
  const auto got = am.received();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(AlertNames(got[0].body), (std::vector<std::string>{"a1", "a2"}));
  EXPECT_EQ(AlertNames(got[1].body), (std::vector<std::string>{"a3", "a4"}));
  EXPECT_EQ(AlertNames(got[2].body), (std::vector<std::string>{"a5"}));
  EXPECT_EQ(Metric(*notifier, "gw_notifications_sent_total", am.url()), 5);
}

TEST(NotifierTest, RetriesAfter503ThenSucceeds) {
  FakeReceiver am;
  am.Script({503, 503, 200});
  FakeClock clock(kT0);
  NotifierOptions options = FastOptions();
  options.alertmanager_urls = {am.url()};
  auto notifier = StartNotifier(options, &clock);
  notifier->Send({Alert("GpuHot")});
  ASSERT_TRUE(am.WaitForRequests(3));
  notifier->Stop(milliseconds(5000));
  const auto got = am.received();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].body, got[0].body);
  EXPECT_EQ(got[2].body, got[0].body);
  EXPECT_EQ(Metric(*notifier, "gw_notifications_sent_total", am.url()), 1);
  EXPECT_EQ(Metric(*notifier, "gw_notifications_errors_total", am.url()), 2);
  EXPECT_EQ(Metric(*notifier, "gw_notifications_dropped_total", am.url()), 0);
}

TEST(NotifierTest, DoesNotRetryA400) {
  FakeReceiver am;
  am.Script({400});
  FakeClock clock(kT0);
  NotifierOptions options = FastOptions();
  options.alertmanager_urls = {am.url()};
  auto notifier = StartNotifier(options, &clock);
  notifier->Send({Alert("Bad")});
  ASSERT_TRUE(am.WaitForRequests(1));
  notifier->Send({Alert("Good")});
  ASSERT_TRUE(am.WaitForRequests(2));
  notifier->Stop(milliseconds(5000));
  // One thread sends in order: had the 400 been retried, the retry would come second.
  const auto got = am.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(AlertNames(got[1].body), (std::vector<std::string>{"Good"}));
  EXPECT_EQ(Metric(*notifier, "gw_notifications_errors_total", am.url()), 1);
  EXPECT_EQ(Metric(*notifier, "gw_notifications_dropped_total", am.url()), 1);
  EXPECT_EQ(Metric(*notifier, "gw_notifications_sent_total", am.url()), 1);
}

TEST(NotifierTest, DropsTheBatchAfterMaxAttempts) {
  FakeReceiver am;
  am.AlwaysAnswer(500);
  FakeClock clock(kT0);
  NotifierOptions options = FastOptions();
  options.alertmanager_urls = {am.url()};
  options.max_attempts = 3;
  auto notifier = StartNotifier(options, &clock);
  notifier->Send({Alert("a1"), Alert("a2")});
  ASSERT_TRUE(am.WaitForRequests(3));
  notifier->Stop(milliseconds(5000));
  EXPECT_EQ(am.received().size(), 3u);
  EXPECT_EQ(Metric(*notifier, "gw_notifications_errors_total", am.url()), 6);
  EXPECT_EQ(Metric(*notifier, "gw_notifications_dropped_total", am.url()), 2);
  EXPECT_EQ(Metric(*notifier, "gw_notifications_sent_total", am.url()), 0);
}

TEST(NotifierTest, DeadDestinationsDoNotDelayALiveOne) {
  auto hole = std::make_unique<Blackhole>();
  const std::string closed = ClosedPortUrl();
  FakeReceiver hook;
  FakeClock clock(kT0);
  NotifierOptions options = FastOptions();
  options.alertmanager_urls = {hole->url(), closed};
  options.webhook_urls = {hook.url()};
  options.timeout = milliseconds(20'000);
  options.initial_backoff = milliseconds(20'000);
  auto notifier = StartNotifier(options, &clock);
  const auto start = SteadyClock::now();
  for (int i = 0; i < 3; ++i) {
    notifier->Send({Alert("a" + std::to_string(i))});
    ASSERT_TRUE(hook.WaitForRequests(static_cast<size_t>(i) + 1, milliseconds(3000)));
  }
  EXPECT_LT(SteadyClock::now() - start, milliseconds(3000));
  EXPECT_TRUE(WaitForMetric(*notifier, "gw_notifications_sent_total", hook.url(), 3));
  // The closed port failed at once and is backing off; the blackhole's request still hangs.
  EXPECT_TRUE(WaitForMetric(*notifier, "gw_notifications_errors_total", closed, 1));
  EXPECT_EQ(Metric(*notifier, "gw_notifications_errors_total", hole->url()), 0);
  EXPECT_EQ(Metric(*notifier, "gw_notifications_sent_total", hole->url()), 0);
  hole.reset();  // refuses the request that hangs in its backlog, so Stop needn't wait 20 s
  notifier->Stop(milliseconds(0));
  EXPECT_EQ(Metric(*notifier, "gw_notifications_dropped_total", closed), 3);
  EXPECT_EQ(Metric(*notifier, "gw_notifications_queue_length", closed), 0);
}

TEST(NotifierTest, QueueOverflowDropsTheOldest) {
  FakeReceiver am;
  am.Hold();
  FakeClock clock(kT0);
  NotifierOptions options = FastOptions();
  options.alertmanager_urls = {am.url()};
  options.queue_capacity = 3;
  options.max_batch = 10;
  auto notifier = StartNotifier(options, &clock);
  notifier->Send({Alert("first")});
  ASSERT_TRUE(am.WaitForRequests(1));  // in flight, held
  notifier->Send({Alert("a1"), Alert("a2")});
  notifier->Send({Alert("a3"), Alert("a4"), Alert("a5")});
  EXPECT_EQ(Metric(*notifier, "gw_notifications_queue_length", am.url()), 3);
  EXPECT_EQ(Metric(*notifier, "gw_notifications_dropped_total", am.url()), 2);
  am.Release();
  ASSERT_TRUE(am.WaitForRequests(2));
  notifier->Stop(milliseconds(5000));
  const auto got = am.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(AlertNames(got[1].body), (std::vector<std::string>{"a3", "a4", "a5"}));
  EXPECT_EQ(Metric(*notifier, "gw_notifications_sent_total", am.url()), 4);
  EXPECT_EQ(Metric(*notifier, "gw_notifications_queue_length", am.url()), 0);
}

TEST(NotifierTest, StopFlushesTheQueue) {
  FakeReceiver am;
  FakeReceiver hook;
  FakeClock clock(kT0);
  NotifierOptions options = FastOptions();
  options.alertmanager_urls = {am.url()};
  options.webhook_urls = {hook.url()};
  options.max_batch = 1;
  auto notifier = StartNotifier(options, &clock);
  notifier->Send({Alert("a1"), Alert("a2"), Alert("a3"), Alert("a4"), Alert("a5")});
  notifier->Stop(milliseconds(10'000));
  EXPECT_EQ(am.received().size(), 5u);
  EXPECT_EQ(hook.received().size(), 5u);
  EXPECT_EQ(Metric(*notifier, "gw_notifications_sent_total", am.url()), 5);
  EXPECT_EQ(Metric(*notifier, "gw_notifications_sent_total", hook.url()), 5);
  notifier->Send({Alert("late")});  // after Stop: counted, not sent
  EXPECT_EQ(Metric(*notifier, "gw_notifications_dropped_total", am.url()), 1);
}

TEST(NotifierTest, StopGivesUpAtItsDeadlineAndWakesBackoff) {
  FakeReceiver am;
  am.AlwaysAnswer(503);
  FakeClock clock(kT0);
  NotifierOptions options = FastOptions();
  options.alertmanager_urls = {am.url()};
  options.initial_backoff = milliseconds(60'000);
  options.max_batch = 1;
  auto notifier = StartNotifier(options, &clock);
  notifier->Send({Alert("a1"), Alert("a2")});
  ASSERT_TRUE(am.WaitForRequests(1));
  const auto start = SteadyClock::now();
  notifier->Stop(milliseconds(500));
  EXPECT_LT(SteadyClock::now() - start, milliseconds(2000));
  // Each batch got its one try before the deadline; neither could wait out a backoff.
  EXPECT_EQ(am.received().size(), 2u);
  EXPECT_EQ(Metric(*notifier, "gw_notifications_dropped_total", am.url()), 2);
}

TEST(NotifierTest, RejectsABadUrl) {
  FakeClock clock(kT0);
  NotifierOptions options;
  options.webhook_urls = {"ftp://example.org/hook"};
  EXPECT_THAT(Notifier::Start(options, &clock),
              StatusIs(StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("webhook URL"), HasSubstr("ftp://example.org/hook"))));
}

TEST(NotifierTest, ExportsItsFamiliesPerDestination) {
  FakeClock clock(kT0);
  NotifierOptions options;
  options.alertmanager_urls = {"http://127.0.0.1:1", "http://127.0.0.1:1"};  // listed twice
  options.webhook_urls = {"http://127.0.0.1:2/hook"};
  auto notifier = StartNotifier(options, &clock);
  std::vector<metrics::MetricFamily> families;
  notifier->AppendMetrics(families);
  std::vector<std::string> names;
  for (const auto& f : families) {
    names.push_back(f.name);
    EXPECT_EQ(f.samples.size(), 2u) << f.name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{
                       "gw_notifications_sent_total", "gw_notifications_errors_total",
                       "gw_notifications_dropped_total", "gw_notifications_queue_length"}));
  notifier->Stop(milliseconds(0));
}

}  // namespace
}  // namespace gw::rules
