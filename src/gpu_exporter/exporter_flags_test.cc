#include "gpu_exporter/exporter_flags.h"

#include <gtest/gtest.h>

#include <vector>

namespace gw::gpu_exporter {
namespace {

StatusOr<FlagsResult> Parse(std::vector<const char*> args, const std::string& env_host = "") {
  args.insert(args.begin(), "gpuwatchdog-gpu-exporter");
  return ParseExporterFlags(static_cast<int>(args.size()), args.data(), env_host, "sysname");
}

TEST(ExporterFlagsTest, Defaults) {
  auto r = Parse({});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->options.daemon.listen_address, ":9400");
  EXPECT_EQ(r->options.interval_ms, 1000);
  EXPECT_EQ(r->options.hostname, "sysname");
  EXPECT_FALSE(r->exit_message.has_value());
  EXPECT_EQ(Parse({}, "node7")->options.hostname, "node7");
}

TEST(ExporterFlagsTest, AllFlags) {
  auto r = Parse({"--web.listen-address=127.0.1.2:9400", "--collect.interval", "500ms",
                  "--nvml.library=/opt/lib.so", "--hpc-job-mapping-dir=/run/gw-jobs",
                  "--hostname=gpu01", "--log.level=debug", "--web.max-connections=8"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->options.daemon.listen_address, "127.0.1.2:9400");
  EXPECT_EQ(r->options.interval_ms, 500);
  EXPECT_EQ(r->options.nvml_library, "/opt/lib.so");
  EXPECT_EQ(r->options.job_mapping_dir, "/run/gw-jobs");
  EXPECT_EQ(r->options.hostname, "gpu01");
  EXPECT_EQ(r->options.daemon.max_connections, 8);
}

TEST(ExporterFlagsTest, BadFlagsAreOneLineErrors) {
  EXPECT_EQ(Parse({"--collect.interval=5x"}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Parse({"--collect.interval=10ms"}).status().message(),
            "--collect.interval 10ms: too short (the minimum is 100ms)");
  EXPECT_FALSE(Parse({"--web.listen-address=nope"}).ok());
  EXPECT_FALSE(Parse({"--log.level=loud"}).ok());
  EXPECT_FALSE(Parse({"--no-such-flag"}).ok());
  EXPECT_FALSE(Parse({"--web.config.file=/nonexistent/web.yml"}).ok());
}

TEST(ExporterFlagsTest, HelpAndVersion) {
  auto h = Parse({"--help"});
  ASSERT_TRUE(h.ok());
  ASSERT_TRUE(h->exit_message.has_value());
  EXPECT_NE(h->exit_message->find("--hpc-job-mapping-dir"), std::string::npos);
  auto v = Parse({"--version"});
  ASSERT_TRUE(v.ok());
  EXPECT_NE(v->exit_message->find("gpuwatchdog-gpu-exporter"), std::string::npos);
}

}  // namespace
}  // namespace gw::gpu_exporter
