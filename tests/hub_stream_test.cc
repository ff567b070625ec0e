// /api/v1/stream on the real hub binary: the hub scrapes its own /metrics every second and
// evaluates a rule that flips between firing and not; the stream must announce both, and the
// hub must stop promptly with a stream open.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

#include "common/process.h"
#include "common/test_support.h"
#include "http/client.h"
#include "http/test_util.h"

namespace gw {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class HubStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = testing::FreePort();
    ASSERT_NE(port_, 0);
    const std::filesystem::path& dir = dir_.path();
    std::ofstream(dir / "flip.rules.yml")
        << "groups:\n  - name: flip\n    interval: 1s\n    rules:\n"
           "      - alert: Flip\n        expr: vector(time() % 4) < 2\n";
    std::ofstream(dir / "hub.yml")
        << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        << "rule_files: ['" << (dir / "flip.rules.yml").string() << "']\n"
        << "scrape_configs:\n  - job_name: self\n    static_configs:\n"
        << "      - targets: ['127.0.0.1:" << port_ << "']\n";
    StatusOr<ChildProcess> child =
        ChildProcess::Start({GW_HUB_PATH, "--config.file=" + (dir / "hub.yml").string(),
                             "--storage.tsdb.path=" + (dir / "data").string(),
                             "--web.listen-address=127.0.0.1:" + std::to_string(port_)},
                            {}, (dir / "hub.log").string());
    ASSERT_TRUE(child.ok()) << child.status().ToString();
    hub_.emplace(*std::move(child));
    std::string ready = "http://127.0.0.1:" + std::to_string(port_) + "/-/ready";
    for (int i = 0; i < 200 && !http::HttpGet(ready, {}, seconds(1)).ok(); ++i) {
      ASSERT_TRUE(hub_->Running()) << testing::ReadTail(dir / "hub.log");
      std::this_thread::sleep_for(milliseconds(50));
    }
  }

  testing::TempDir dir_;
  uint16_t port_ = 0;
  std::optional<ChildProcess> hub_;
};

TEST_F(HubStreamTest, AnnouncesNewSamplesAndAlertChanges) {
  http::testing::RawConn conn(port_, seconds(10));
  ASSERT_TRUE(conn.Send("GET /api/v1/stream HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string head = conn.ReadUntil("\r\n\r\n");
  ASSERT_NE(head.find("200"), std::string::npos) << head;
  EXPECT_NE(head.find("Content-Type: text/event-stream"), std::string::npos) << head;
  EXPECT_EQ(conn.ReadUntil("\n\n"), "retry: 5000\n\n");
  bool samples = false;
  bool alerts = false;
  auto deadline = std::chrono::steady_clock::now() + seconds(15);
  while (!(samples && alerts) && std::chrono::steady_clock::now() < deadline) {
    std::string event = conn.ReadUntil("\n\n");
    ASSERT_FALSE(event.empty()) << "stream ended; " << testing::ReadTail(dir_.path() / "hub.log");
    if (event.starts_with("event: samples\ndata: {\"t\":")) {
      double t = std::stod(event.substr(event.find(':', 22) + 1));
      double now =
          std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
              .count();
      EXPECT_NEAR(t, now, 30) << event;
      samples = true;
    } else if (event.starts_with("event: alerts\ndata: {\"firing\":")) {
      alerts = true;
    } else {
      EXPECT_EQ(event, ": keepalive\n\n");
    }
  }
  EXPECT_TRUE(samples);
  EXPECT_TRUE(alerts);
}

TEST_F(HubStreamTest, StopsPromptlyWithAStreamOpen) {
  http::testing::RawConn conn(port_);
  ASSERT_TRUE(conn.Send("GET /api/v1/stream HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_FALSE(conn.ReadUntil("\r\n\r\n").empty());
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(hub_->Stop(seconds(10)), 0) << testing::ReadTail(dir_.path() / "hub.log");
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(3));
}

}  // namespace
}  // namespace gw
