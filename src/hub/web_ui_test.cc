#include "hub/web_ui.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "http/gzip.h"

namespace gw::hub {
namespace {

namespace fs = std::filesystem;

class WebUiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("gw-web-ui-" + std::to_string(::getpid()));
    fs::create_directories(root_ / "assets");
    std::ofstream(root_ / "index.html") << "<!doctype html><title>GPU Watchdog</title>";
    std::ofstream(root_ / "assets" / "index-3f2a.js") << "console.log('dashboard');";
    std::ofstream(root_ / "favicon.svg") << "<svg/>";
  }
  void TearDown() override { fs::remove_all(root_); }

  std::optional<http::Response> Get(const std::string& path, const std::string& method = "GET") {
    http::Request r;
    r.method = method;
    r.target = path;
    r.path = path;
    return WebUi(root_).Handle(r);
  }

  static std::string Body(const http::Response& r) {
    EXPECT_EQ(r.content_encoding, "gzip");
    auto plain = http::GzipDecompress(*r.body, 1 << 20);
    EXPECT_TRUE(plain.ok());
    return plain.ok() ? *plain : "";
  }

  static std::string CacheControl(const http::Response& r) {
    for (const auto& [name, value] : r.headers) {
      if (name == "Cache-Control") return value;
    }
    return "";
  }

  fs::path root_;
};

TEST_F(WebUiTest, PagesGetIndexHtmlAndAssetsTheirFiles) {
  for (const std::string page : {"/", "/nodes", "/nodes/node1", "/jobs/42"}) {
    auto r = Get(page);
    ASSERT_TRUE(r.has_value()) << page;
    EXPECT_EQ(r->status, 200) << page;
    EXPECT_EQ(r->content_type, "text/html; charset=utf-8");
    EXPECT_EQ(Body(*r), "<!doctype html><title>GPU Watchdog</title>");
    EXPECT_EQ(CacheControl(*r), "no-cache");
  }
  auto js = Get("/assets/index-3f2a.js");
  ASSERT_TRUE(js.has_value());
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Body(*js), "console.log('dashboard');");
  EXPECT_EQ(CacheControl(*js), "public, max-age=31536000, immutable");
  auto svg = Get("/favicon.svg", "HEAD");
  ASSERT_TRUE(svg.has_value());
  EXPECT_EQ(svg->content_type, "image/svg+xml");
}

TEST_F(WebUiTest, ChangedFilesAreReadAgain) {
  WebUi ui(root_);
  http::Request r;
  r.method = "GET";
  r.path = "/favicon.svg";
  EXPECT_EQ(Body(*ui.Handle(r)), "<svg/>");
  std::ofstream(root_ / "favicon.svg") << "<svg width='16'/>";
  EXPECT_EQ(Body(*ui.Handle(r)), "<svg width='16'/>");
}

TEST_F(WebUiTest, OtherPathsAreNotServed) {
  EXPECT_FALSE(Get("/api/v1/query").has_value());
  EXPECT_FALSE(Get("/metrics").has_value());
  EXPECT_FALSE(Get("/-/ready").has_value());
  EXPECT_FALSE(Get("/", "POST").has_value());
  EXPECT_EQ(Get("/assets/gone.js")->status, 404);
  EXPECT_EQ(Get("/../../etc/passwd")->status, 400);
  EXPECT_EQ(Get("/assets/%2e%2e/x.js")->status, 400);
}

TEST_F(WebUiTest, WithoutADashboardTheRootSaysHowToBuildIt) {
  fs::remove(root_ / "index.html");
  auto r = Get("/");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body->find("make web"), std::string::npos);
  EXPECT_EQ(Get("/nodes")->status, 404);
}

}  // namespace
}  // namespace gw::hub
