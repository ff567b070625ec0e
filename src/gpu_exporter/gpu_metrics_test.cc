#include "gpu_exporter/gpu_metrics.h"

#include <gtest/gtest.h>

#include "metrics/text_parser.h"
#include "metrics/text_writer.h"

namespace gw::gpu_exporter {
namespace {

using nvml::GpuField;

ExporterState TwoGpus() {
  ExporterState s;
  s.hostname = "node1";
  s.driver_version = "550.54.15";
  s.nvml_up = true;
  for (unsigned i = 0; i < 2; ++i) {
    GpuState g;
    g.index = i;
    g.info = nvml::GpuStatic{i,
                             i,
                             "GPU-" + std::to_string(i),
                             "NVIDIA H100 80GB HBM3",
                             "00000000:1" + std::to_string(i) + ":00.0",
                             1980,
                             2619,
                             87,
                             92};
    nvml::GpuReading r;
    r.Set(GpuField::kGpuUtilPercent, 10 + i);
    r.Set(GpuField::kThrottleReasons, 0x44);
    r.processes = std::vector<nvml::GpuProcess>{{4242, 1048576}, {4243, std::nullopt}};
    r.unsupported = {"nvmlDeviceGetEncoderUtilization"};
    g.reading = r;
    s.gpus.push_back(g);
  }
  return s;
}

metrics::ParsedExposition Render(const ExporterState& s) {
  std::string text;
  metrics::WriteText(BuildFamilies(s), metrics::ExpositionFormat::kPrometheusText, &text);
  auto parsed = metrics::ParseText(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << text;
  return parsed.ok() ? *parsed : metrics::ParsedExposition{};
}

std::vector<metrics::ParsedSample> Named(const metrics::ParsedExposition& p,
                                         const std::string& name) {
  std::vector<metrics::ParsedSample> out;
  for (const auto& s : p.samples) {
    if (s.name == name) out.push_back(s);
  }
  return out;
}

TEST(GpuMetricsTest, DcgmNamesAndLabels) {
  auto p = Render(TwoGpus());
  auto util = Named(p, "DCGM_FI_DEV_GPU_UTIL");
  ASSERT_EQ(util.size(), 2u);
  const metrics::Labels want = {{"gpu", "1"},
                                {"UUID", "GPU-1"},
                                {"pci_bus_id", "00000000:11:00.0"},
                                {"device", "nvidia1"},
                                {"modelName", "NVIDIA H100 80GB HBM3"},
                                {"Hostname", "node1"},
                                {"DCGM_FI_DRIVER_VERSION", "550.54.15"}};
  EXPECT_EQ(util[1].labels, want);
  EXPECT_EQ(util[1].value, 11);
  EXPECT_EQ(p.types.at("DCGM_FI_DEV_GPU_UTIL"), "gauge");
  // Absent values produce no series at all, never a zero.
  EXPECT_TRUE(Named(p, "DCGM_FI_DEV_POWER_USAGE").empty());
  EXPECT_EQ(Named(p, "DCGM_FI_DEV_MAX_SM_CLOCK")[0].value, 1980);
  EXPECT_EQ(Named(p, "gpuwatchdog_gpu_unsupported")[0].Label("function"),
            "nvmlDeviceGetEncoderUtilization");
}

TEST(GpuMetricsTest, ThrottleReasonsOneSeriesEach) {
  auto p = Render(TwoGpus());
  auto reasons = Named(p, "gpuwatchdog_gpu_throttle_reason");
  ASSERT_EQ(reasons.size(), 2 * ThrottleReasons().size());
  int active = 0;
  for (const auto& r : reasons) {
    if (r.value == 1) {
      ++active;
      EXPECT_TRUE(r.Label("reason") == "sw_thermal_slowdown" ||
                  r.Label("reason") == "hw_thermal_slowdown" || r.Label("reason") == "sw_power_cap")
          << *r.Label("reason");
    }
  }
  EXPECT_EQ(active, 4);  // 0x44 = sw_power_cap | hw_thermal_slowdown, on two GPUs
  EXPECT_EQ(Named(p, "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS")[0].value, 0x44);
}

TEST(GpuMetricsTest, LostGpuIsDownNotZero) {
  ExporterState s = TwoGpus();
  s.gpus[1].reading.reset();
  auto p = Render(s);
  EXPECT_EQ(Named(p, "DCGM_FI_DEV_GPU_UTIL").size(), 1u);
  auto up = Named(p, "gpuwatchdog_gpu_up");
  ASSERT_EQ(up.size(), 2u);
  EXPECT_EQ(up[0].value, 1);
  EXPECT_EQ(up[1].value, 0);
  EXPECT_EQ(up[1].Label("UUID"), "GPU-1");
}

TEST(GpuMetricsTest, JobsCopyEverySeriesPerJob) {
  ExporterState s = TwoGpus();
  s.jobs["0"] = {"101", "102"};
  auto p = Render(s);
  auto util = Named(p, "DCGM_FI_DEV_GPU_UTIL");
  ASSERT_EQ(util.size(), 3u);
  EXPECT_EQ(util[0].Label("hpc_job"), "101");
  EXPECT_EQ(util[1].Label("hpc_job"), "102");
  EXPECT_EQ(util[2].Label("hpc_job"), std::nullopt);
}

TEST(GpuMetricsTest, XidCountersAndProcesses) {
  ExporterState s = TwoGpus();
  s.xids = {{0, "GPU-0", 79, 2, 1'700'000'000'000}, {0, "GPU-0", 13, 1, 1'700'000'001'000}};
  auto p = Render(s);
  auto xid = Named(p, "gpuwatchdog_gpu_xid_errors_total");
  ASSERT_EQ(xid.size(), 2u);
  EXPECT_EQ(xid[0].Label("xid"), "79");
  EXPECT_EQ(xid[0].value, 2);
  EXPECT_EQ(p.types.at("gpuwatchdog_gpu_xid_errors_total"), "counter");
  EXPECT_EQ(Named(p, "DCGM_FI_DEV_XID_ERRORS")[0].value, 13);  // the most recent one
  auto mem = Named(p, "gpuwatchdog_gpu_process_memory_bytes");
  ASSERT_EQ(mem.size(), 2u);  // one known process per GPU; the unknown one has no value
  EXPECT_EQ(mem[0].Label("pid"), "4242");
  EXPECT_EQ(Named(p, "gpuwatchdog_gpu_processes")[0].value, 2);
}

TEST(GpuMetricsTest, NoDriverStillExplainsItself) {
  ExporterState s;
  s.hostname = "node1";
  auto p = Render(s);
  EXPECT_EQ(Named(p, "gpuwatchdog_exporter_nvml_up")[0].value, 0);
  EXPECT_EQ(Named(p, "gpuwatchdog_exporter_nvml_simulated")[0].value, 0);
  EXPECT_EQ(Named(p, "gpuwatchdog_exporter_gpus")[0].value, 0);
  EXPECT_TRUE(Named(p, "DCGM_FI_DEV_GPU_UTIL").empty());
}

TEST(GpuMetricsTest, SimulatedDriverIsFlagged) {
  ExporterState s = TwoGpus();
  auto real = Render(s);
  ASSERT_EQ(Named(real, "gpuwatchdog_exporter_nvml_simulated").size(), 1u);
  EXPECT_EQ(Named(real, "gpuwatchdog_exporter_nvml_simulated")[0].value, 0);
  s.nvml_simulated = true;
  auto simulated = Render(s);
  EXPECT_EQ(Named(simulated, "gpuwatchdog_exporter_nvml_simulated")[0].value, 1);
  EXPECT_EQ(simulated.types.at("gpuwatchdog_exporter_nvml_simulated"), "gauge");
}

}  // namespace
}  // namespace gw::gpu_exporter
