#include "common/process.h"

#include <gtest/gtest.h>

#include <thread>

namespace gw {
namespace {

using std::chrono::milliseconds;

TEST(RunCommandTest, CapturesOutputAndExitCode) {
  auto r = RunCommand({"sh", "-c", "echo out; echo err >&2; exit 3"}, milliseconds(5000));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->stdout_text, "out\n");
  EXPECT_EQ(r->stderr_text, "err\n");
}

TEST(RunCommandTest, PassesEnvironment) {
  auto r = RunCommand({"sh", "-c", "printf %s \"$GW_X\""}, milliseconds(5000), {{"GW_X", "42"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->stdout_text, "42");
}

TEST(RunCommandTest, TimesOutAndKills) {
  auto start = std::chrono::steady_clock::now();
  auto r = RunCommand({"sleep", "10"}, milliseconds(200));
  EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(RunCommandTest, MissingProgramIsNotFound) {
  auto r = RunCommand({"/nonexistent/gw-no-such-program"}, milliseconds(2000));
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

TEST(ChildProcessTest, StopsTheChild) {
  auto child = ChildProcess::Start({"sleep", "30"}, {}, "");
  ASSERT_TRUE(child.ok());
  EXPECT_TRUE(child->Running());
  EXPECT_EQ(child->Stop(), 128 + SIGTERM);
  EXPECT_FALSE(child->Running());
}

}  // namespace
}  // namespace gw
