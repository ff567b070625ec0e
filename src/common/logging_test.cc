#include "common/logging.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "common/test_support.h"

namespace gw {
namespace {

// Runs body with stderr sent to a file, returns what was written.
template <typename Body>
std::string CaptureStderr(Body&& body) {
  testing::TempDir dir("gw-logging-test");
  std::string path = (dir.path() / "stderr").string();
  FILE* file = std::fopen(path.c_str(), "w");
  int saved = ::dup(STDERR_FILENO);
  ::dup2(::fileno(file), STDERR_FILENO);
  body();
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::fclose(file);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(LoggingTest, LinesHaveTimeLevelAndMessage) {
  ASSERT_TRUE(InitLogging("info").ok());
  std::string out = CaptureStderr([] { GW_LOG_WARN("disk {} is {}% full", "/data", 97); });
  // ts=2026-11-30T01:02:03.456Z level=warning msg="disk /data is 97% full"
  EXPECT_TRUE(out.starts_with("ts=")) << out;
  EXPECT_EQ(out[7], '-');
  EXPECT_EQ(out.substr(out.find('Z')), "Z level=warning msg=\"disk /data is 97% full\"\n");
}

TEST(LoggingTest, LevelFiltersBelowIt) {
  ASSERT_TRUE(InitLogging("warn").ok());
  std::string out = CaptureStderr([] {
    GW_LOG_DEBUG("d");
    GW_LOG_INFO("i");
    GW_LOG_WARN("w");
    GW_LOG_ERROR("e");
  });
  EXPECT_EQ(out.find("msg=\"d\""), std::string::npos);
  EXPECT_EQ(out.find("msg=\"i\""), std::string::npos);
  EXPECT_NE(out.find("level=warning msg=\"w\""), std::string::npos);
  EXPECT_NE(out.find("level=error msg=\"e\""), std::string::npos);
  ASSERT_TRUE(InitLogging("debug").ok());
  EXPECT_NE(CaptureStderr([] { GW_LOG_DEBUG("d"); }).find("level=debug msg=\"d\""),
            std::string::npos);
  ASSERT_TRUE(InitLogging("info").ok());
}

TEST(LoggingTest, UnknownLevelIsAnErrorAndKeepsTheLevel) {
  ASSERT_TRUE(InitLogging("error").ok());
  Status status = InitLogging("verbose");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("use debug, info, warn or error"), std::string::npos);
  EXPECT_TRUE(CaptureStderr([] { GW_LOG_WARN("w"); }).empty());
  ASSERT_TRUE(InitLogging("info").ok());
}

}  // namespace
}  // namespace gw
