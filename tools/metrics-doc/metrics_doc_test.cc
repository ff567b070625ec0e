#include "metrics_doc.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace gw {
namespace {

TEST(MetricsDocTest, DocsMetricsMdIsUpToDate) {
  std::ifstream in(GW_METRICS_DOC_PATH);
  ASSERT_TRUE(in.good()) << "missing " << GW_METRICS_DOC_PATH << ": run `make docs`";
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), FullMetricsReference())
      << "docs/metrics.md is out of date: run `make docs` and commit it";
}

TEST(MetricsDocTest, ListsWhatUsersChart) {
  std::string doc = FullMetricsReference();
  for (const char* name :
       {"DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_POWER_USAGE",
        "DCGM_FI_DEV_XID_ERRORS", "gpuwatchdog_gpu_xid_errors_total", "gpuwatchdog_gpu_up",
        "gpuwatchdog_exporter_nvml_errors_total", "slurm_cpus_alloc", "slurm_nodes_drain",
        "slurm_gpus_idle", "slurm_queue_pending", "slurm_scheduler_last_cycle", "slurm_job_gpu",
        "slurm_jobs_finished_total"}) {
    EXPECT_NE(doc.find(std::string("`") + name + "`"), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace gw
