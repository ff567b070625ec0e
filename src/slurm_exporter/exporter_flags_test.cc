#include <gtest/gtest.h>

#include "slurm_exporter/exporter.h"

namespace gw::slurm_exporter {
namespace {

StatusOr<FlagsResult> Parse(std::vector<const char*> args) {
  args.insert(args.begin(), "gpuwatchdog-slurm-exporter");
  return ParseExporterFlags(static_cast<int>(args.size()), args.data());
}

TEST(SlurmExporterFlagsTest, DefaultsAndOverrides) {
  auto d = Parse({});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->options.daemon.listen_address, ":9341");
  EXPECT_EQ(d->options.refresh.interval_ms, 15'000);
  EXPECT_EQ(d->options.refresh.timeout_ms, 10'000);
  EXPECT_EQ(d->options.refresh.squeue, "squeue");
  auto o = Parse({"--slurm.refresh-interval=30s", "--slurm.command-timeout=2s",
                  "--slurm.squeue=/opt/slurm/bin/squeue", "--web.listen-address=127.0.0.1:9341"});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->options.refresh.interval_ms, 30'000);
  EXPECT_EQ(o->options.refresh.timeout_ms, 2'000);
  EXPECT_EQ(o->options.refresh.squeue, "/opt/slurm/bin/squeue");
}

TEST(SlurmExporterFlagsTest, BadFlags) {
  EXPECT_EQ(Parse({"--slurm.refresh-interval=100ms"}).status().message(),
            "--slurm.refresh-interval 100ms: too short (the minimum is 1s; slurmctld serves "
            "everyone)");
  EXPECT_FALSE(Parse({"--slurm.command-timeout=soon"}).ok());
  EXPECT_FALSE(Parse({"--bogus"}).ok());
  auto h = Parse({"--help"});
  ASSERT_TRUE(h.ok());
  EXPECT_NE(h->exit_message->find("--slurm.refresh-interval"), std::string::npos);
}

}  // namespace
}  // namespace gw::slurm_exporter
