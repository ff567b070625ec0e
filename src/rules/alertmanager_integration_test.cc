// The notifier against the reference implementation, Debian's Alertmanager 0.25: alerts it
// posts show up in Alertmanager's v2 API with our labels, times and fingerprint, and go once
// resolved; and the webhook body Alertmanager itself sends has the same shape as ours.
// Skipped when /usr/bin/prometheus-alertmanager is not installed.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "common/clock.h"
#include "common/process.h"
#include "common/test_support.h"
#include "http/client.h"
#include "http/server.h"
#include "rules/notifier.h"
#include "rules/notifier_format.h"

namespace gw::rules {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using std::chrono::milliseconds;

constexpr char kAlertmanager[] = "/usr/bin/prometheus-alertmanager";

using gw::testing::FreePort;

// Collects the webhook bodies Alertmanager posts.
class WebhookSink {
 public:
  WebhookSink() {
    http::ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    auto server = http::Server::Start(options, [this](const http::Request& r) {
      std::lock_guard lock(mu_);
      bodies_.push_back(r.body);
      return http::Response::Text(200, "");
    });
    EXPECT_TRUE(server.ok()) << server.status().ToString();
    if (server.ok()) server_ = std::move(*server);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/"; }
  std::vector<std::string> bodies() const {
    std::lock_guard lock(mu_);
    return bodies_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> bodies_;
  std::unique_ptr<http::Server> server_;
};

// An Alertmanager with its own directory, stopped and removed on destruction.
class AlertmanagerProcess {
 public:
  void Start(const std::string& webhook_url) {
    dir_ = fs::temp_directory_path() / ("gw-am-" + std::to_string(getpid()) + "-" +
                                        std::to_string(SystemClock::Get().MonotonicNs()));
    fs::create_directories(dir_ / "data");
    std::ofstream(dir_ / "alertmanager.yml")
        << "route:\n  receiver: hook\n  group_wait: 100ms\n  group_interval: 1s\n"
        << "receivers:\n  - name: hook\n    webhook_configs:\n      - url: " << webhook_url << "\n";
    port_ = FreePort();
    const std::vector<std::string> argv = {
        kAlertmanager,
        "--config.file=" + (dir_ / "alertmanager.yml").string(),
        "--storage.path=" + (dir_ / "data").string(),
        "--web.listen-address=127.0.0.1:" + std::to_string(port_),
        "--cluster.listen-address=",
        "--log.level=debug"};
    auto child = ChildProcess::Start(argv, {}, (dir_ / "alertmanager.log").string());
    ASSERT_TRUE(child.ok()) << child.status().ToString();
    child_.emplace(std::move(*child));
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < until) {
      auto ready = http::HttpGet(url() + "/-/ready", {}, milliseconds(1000));
      if (ready.ok() && ready->status == 200) return;
      ASSERT_TRUE(child_->Running()) << "alertmanager exited:\n" << log();
      std::this_thread::sleep_for(milliseconds(100));
    }
    FAIL() << "alertmanager did not become ready within 30 s:\n" << log();
  }

  ~AlertmanagerProcess() {
    if (child_) child_->Stop(std::chrono::seconds(5));
    std::error_code ignored;
    if (!dir_.empty()) fs::remove_all(dir_, ignored);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string log() const {
    std::stringstream text;
    text << std::ifstream(dir_ / "alertmanager.log").rdbuf();
    const std::string s = text.str();
    return s.size() > 3000 ? s.substr(s.size() - 3000) : s;
  }

  // GET /api/v2/alerts: the alerts Alertmanager holds that have not resolved.
  json::array Alerts() const {
    auto response = http::HttpGet(url() + "/api/v2/alerts", {}, milliseconds(5000));
    if (!response.ok() || response->status != 200) return {};
    boost::system::error_code ec;
    json::value doc = json::parse(response->body, ec);
    return ec || !doc.is_array() ? json::array{} : doc.as_array();
  }

 private:
  fs::path dir_;
  uint16_t port_ = 0;
  std::optional<ChildProcess> child_;
};

// Polls `get` every 100 ms for up to 20 s until `done` holds for what it returns.
template <typename Get, typename Done>
auto PollUntil(Get get, Done done) {
  auto value = get();
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!done(value) && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(milliseconds(100));
    value = get();
  }
  return value;
}

std::set<std::string> Keys(const json::object& o) {
  std::set<std::string> keys;
  for (const auto& [k, v] : o) keys.emplace(k);
  return keys;
}

std::string Str(const json::value& v, const char* key) {
  return std::string(v.at(key).as_string());
}

NotifierAlert TestAlert(int64_t now_ms, int64_t ends_at_ms) {
  return {.labels = {{"alertname", "GpuTooHot"}, {"gpu", "3"}, {"node", "n17"}},
          .annotations = {{"summary", "GPU 3 on n17 is at 91 C"}},
          .starts_at_ms = now_ms - 60'000,
          .ends_at_ms = ends_at_ms,
          .generator_url = "http://hub.example:3000/graph?g0.expr=gpu_temp"};
}

TEST(AlertmanagerIntegrationTest, AlertsFireAndResolveInAlertmanager) {
  if (!fs::exists(kAlertmanager)) GTEST_SKIP() << kAlertmanager << " is not installed";
  WebhookSink sink;
  AlertmanagerProcess am;
  ASSERT_NO_FATAL_FAILURE(am.Start(sink.url()));

  const Clock& clock = SystemClock::Get();
  NotifierOptions options;
  options.alertmanager_urls = {am.url()};
  options.external_labels = {{"cluster", "a"}, {"node", "external-loses"}};
  auto notifier = Notifier::Start(options, &clock);
  ASSERT_TRUE(notifier.ok()) << notifier.status().ToString();
  const int64_t now_ms = clock.NowMs();
  (*notifier)->Send({TestAlert(now_ms, now_ms + 300'000)});

  const json::array active =
      PollUntil([&] { return am.Alerts(); },
                [](const json::array& a) {
                  return a.size() == 1 && a[0].at("status").at("state") == "active";
                });
  ASSERT_EQ(active.size(), 1u) << am.log();
  const json::value& got = active[0];
  EXPECT_EQ(got.at("status").at("state"), "active") << json::serialize(got);
  EXPECT_EQ(
      got.at("labels"),
      (json::object{{"alertname", "GpuTooHot"}, {"cluster", "a"}, {"gpu", "3"}, {"node", "n17"}}));
  EXPECT_EQ(got.at("annotations"), (json::object{{"summary", "GPU 3 on n17 is at 91 C"}}));
  EXPECT_EQ(Str(got, "generatorURL"), "http://hub.example:3000/graph?g0.expr=gpu_temp");
  EXPECT_EQ(Str(got, "startsAt"), FormatAlertTime(now_ms - 60'000));
  EXPECT_EQ(Str(got, "endsAt"), FormatAlertTime(now_ms + 300'000));
  EXPECT_EQ(Str(got, "fingerprint"),
            AlertFingerprint(
                {{"alertname", "GpuTooHot"}, {"cluster", "a"}, {"gpu", "3"}, {"node", "n17"}}));

  // Alertmanager's own webhook body: the shape WebhookBody writes.
  const auto bodies = PollUntil([&] { return sink.bodies(); },
                                [](const std::vector<std::string>& b) { return !b.empty(); });
  ASSERT_FALSE(bodies.empty()) << am.log();
  const json::value theirs = json::parse(bodies[0]);
  NotifierAlert sent = TestAlert(now_ms, now_ms + 300'000);
  sent.labels = WithExternalLabels(sent.labels, options.external_labels);
  const json::value ours = json::parse(WebhookBody({&sent, 1}, am.url(), clock.NowMs()));
  EXPECT_EQ(Keys(theirs.as_object()), Keys(ours.as_object())) << bodies[0];
  const json::value& their_alert = theirs.at("alerts").at(0);
  const json::value& our_alert = ours.at("alerts").at(0);
  EXPECT_EQ(Keys(their_alert.as_object()), Keys(our_alert.as_object())) << bodies[0];
  for (const char* key : {"status", "labels", "annotations", "endsAt", "fingerprint"}) {
    EXPECT_EQ(their_alert.at(key), our_alert.at(key)) << key << " in " << bodies[0];
  }
  for (const char* key : {"version", "status", "commonLabels", "commonAnnotations"}) {
    EXPECT_EQ(theirs.at(key), ours.at(key)) << key << " in " << bodies[0];
  }

  (*notifier)->Send({TestAlert(now_ms, clock.NowMs() - 1000)});
  const json::array after =
      PollUntil([&] { return am.Alerts(); }, [](const json::array& a) { return a.empty(); });
  EXPECT_TRUE(after.empty()) << json::serialize(after);
  (*notifier)->Stop(milliseconds(5000));

  std::vector<metrics::MetricFamily> families;
  (*notifier)->AppendMetrics(families);
  ASSERT_FALSE(families.empty());
  EXPECT_EQ(families[0].name, "gw_notifications_sent_total");
  EXPECT_EQ(families[0].samples.at(0).value, 2);
}

}  // namespace
}  // namespace gw::rules
