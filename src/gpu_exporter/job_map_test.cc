#include "gpu_exporter/job_map.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

namespace gw::gpu_exporter {
namespace {

namespace fs = std::filesystem;

class JobMapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("gw-jobmap-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  fs::path dir_;
};

TEST_F(JobMapTest, ReadsOneFilePerGpuAndSkipsOtherNames) {
  Write("0", "1234\n");
  Write("1", "  55 \n\n56\n");
  Write("2.1", "77\n");
  Write("notes.txt", "999\n");
  Write("3", "");
  fs::create_directories(dir_ / "4");
  JobMap map(dir_.string());
  ASSERT_TRUE(map.Refresh().ok());
  EXPECT_EQ(map.Jobs("0"), std::vector<std::string>{"1234"});
  EXPECT_EQ(map.Jobs("1"), (std::vector<std::string>{"55", "56"}));
  EXPECT_EQ(map.Jobs("2.1"), std::vector<std::string>{"77"});
  EXPECT_TRUE(map.Jobs("3").empty());
  EXPECT_TRUE(map.Jobs("4").empty());
  EXPECT_EQ(map.all().size(), 3u);
}

TEST_F(JobMapTest, RereadsOnlyOnChange) {
  Write("0", "1\n");
  JobMap map(dir_.string());
  ASSERT_TRUE(map.Refresh().ok());
  ASSERT_TRUE(map.Refresh().ok());
  EXPECT_EQ(map.reloads(), 1);
  Write("0", "22\n");  // a different size, so noticed even within one mtime tick
  ASSERT_TRUE(map.Refresh().ok());
  EXPECT_EQ(map.reloads(), 2);
  EXPECT_EQ(map.Jobs("0"), std::vector<std::string>{"22"});
  fs::remove(dir_ / "0");
  ASSERT_TRUE(map.Refresh().ok());
  EXPECT_TRUE(map.Jobs("0").empty());
}

TEST_F(JobMapTest, MissingDirectoryClearsTheMapping) {
  Write("0", "1\n");
  JobMap map(dir_.string());
  ASSERT_TRUE(map.Refresh().ok());
  fs::remove_all(dir_);
  Status s = map.Refresh();
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_TRUE(map.Jobs("0").empty());
  fs::create_directories(dir_);
  Write("0", "5\n");
  ASSERT_TRUE(map.Refresh().ok());
  EXPECT_EQ(map.Jobs("0"), std::vector<std::string>{"5"});
}

TEST(IsGpuKeyTest, Names) {
  EXPECT_TRUE(IsGpuKey("0"));
  EXPECT_TRUE(IsGpuKey("15"));
  EXPECT_TRUE(IsGpuKey("3.10"));
  EXPECT_FALSE(IsGpuKey(""));
  EXPECT_FALSE(IsGpuKey("."));
  EXPECT_FALSE(IsGpuKey("1."));
  EXPECT_FALSE(IsGpuKey("a"));
  EXPECT_FALSE(IsGpuKey("0.tmp"));
  EXPECT_FALSE(IsGpuKey("1.2.3"));
}

}  // namespace
}  // namespace gw::gpu_exporter
