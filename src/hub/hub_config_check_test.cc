#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "hub/hub_config.h"

namespace gw::hub {
namespace {

using ::testing::internal::CaptureStderr;
using ::testing::internal::CaptureStdout;
using ::testing::internal::GetCapturedStderr;
using ::testing::internal::GetCapturedStdout;

TEST(CheckConfigMainTest, GoodConfigPrintsCounts) {
  std::string good = std::string(GW_HUB_TESTDATA) + "/good.yml";
  const char* argv[] = {"check-config", good.c_str()};
  CaptureStdout();
  EXPECT_EQ(CheckConfigMain(2, argv), 0);
  EXPECT_EQ(GetCapturedStdout(), good + ": OK (2 scrape configs, 3 targets)\n");
}

TEST(CheckConfigMainTest, BadConfigPrintsTheErrorAndExits2) {
  std::string path = ::testing::TempDir() + "/bad_hub.yml";
  std::ofstream(path) << "global:\n  scrape_intervall: 5s\n";
  const char* argv[] = {"check-config", path.c_str()};
  CaptureStderr();
  EXPECT_EQ(CheckConfigMain(2, argv), 2);
  EXPECT_EQ(GetCapturedStderr(), path +
                                     ":2: unknown key \"scrape_intervall\" in global (did you "
                                     "mean scrape_interval?)\n");
  std::remove(path.c_str());
}

TEST(CheckConfigMainTest, NoFileIsUsageError) {
  const char* argv[] = {"check-config"};
  CaptureStderr();
  EXPECT_EQ(CheckConfigMain(1, argv), 2);
  EXPECT_EQ(GetCapturedStderr(), "usage: gpuwatchdog check-config FILE...\n");
}

}  // namespace
}  // namespace gw::hub
