// NvmlBackend over the real loader and the simulated driver (tools/nvml-sim): the values read
// must be the scenario's, in dcgm-exporter's units.
#include "nvml/nvml_backend.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/clock.h"

namespace gw::nvml {
namespace {

#ifndef GW_NVML_SIM_PATH
#define GW_NVML_SIM_PATH ""
#define GW_NVML_SIM_OLD_PATH ""
#endif

constexpr char kScenario[] = R"(
driver_version: "550.54.15"
gpus:
  - name: "NVIDIA H100 80GB HBM3"
    uuid: GPU-11111111-2222-3333-4444-555555555555
    pci_bus_id: "00000000:17:00.0"
    memory_total_mib: 81559
    memory_reserved_mib: 512
    memory_used_mib: 20480
    power_limit_w: 700
    max_sm_clock_mhz: 1980
    max_mem_clock_mhz: 2619
    slowdown_temp_c: 87
    shutdown_temp_c: 92
    utilization: 87
    memory_utilization: 41
    temperature_c: 66
    memory_temperature_c: 71
    power_w: 312.5
    energy_start_mj: 1000
    sm_clock_mhz: 1755
    mem_clock_mhz: 2619
    encoder_utilization: 3
    decoder_utilization: 4
    throttle_reasons: [sw_power_cap, hw_thermal_slowdown]
    pcie_replay_count: 2
    ecc_corrected_volatile: 5
    ecc_uncorrected_volatile: 1
    ecc_corrected_aggregate: 50
    ecc_uncorrected_aggregate: 3
    remapped_correctable: 6
    remapped_uncorrectable: 7
    remapped_pending: 0
    remapped_failure: 0
    processes:
      - {pid: 4242, used_memory_mib: 10240}
      - {pid: 4343, used_memory_mib: 2048}
    xid_events:
      - {at: 400ms, xid: 79}
  - name: "NVIDIA A100-SXM4-40GB"
    uuid: GPU-aaaaaaaa-2222-3333-4444-555555555555
    utilization: 5
    memory_used_mib: 100
    lost_at: 0s
)";

class NvmlBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string(GW_NVML_SIM_PATH).empty()) GTEST_SKIP() << "nvml-sim not built";
    dir_ = std::filesystem::temp_directory_path() / ("gw-nvml-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "s.yaml") << kScenario;
    setenv("NVML_SIM_SCENARIO", (dir_ / "s.yaml").c_str(), 1);
    start_ms_ = SystemClock::Get().NowMs();
    setenv("NVML_SIM_START_MS", std::to_string(start_ms_).c_str(), 1);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  int64_t start_ms_ = 0;
};

TEST(NvmlBackendNoDriverTest, InitFailsCleanlyAndCanBeRetried) {
  NvmlBackend backend("/nonexistent/libnvidia-ml.so.1");
  EXPECT_EQ(backend.Init().code(), StatusCode::kUnavailable);
  EXPECT_EQ(backend.Init().code(), StatusCode::kUnavailable);
  EXPECT_FALSE(backend.Simulated());  // no library loaded
  backend.Shutdown();
}

TEST_F(NvmlBackendTest, TellsTheSimulatorFromARealDriver) {
  NvmlBackend backend(GW_NVML_SIM_PATH);
  EXPECT_FALSE(backend.Simulated());  // nothing loaded yet
  ASSERT_TRUE(backend.Init().ok());
  EXPECT_TRUE(backend.Simulated());
  EXPECT_EQ(backend.library()->simulator_info(),
            "nvml-sim (GPU Watchdog's simulated NVIDIA driver)");
  // The marker is not an NVML function, so it is not reported as missing.
  for (const std::string& missing : backend.library()->missing_symbols()) {
    EXPECT_NE(missing, "gwNvmlSimInfo");
  }
  backend.Shutdown();
  EXPECT_TRUE(backend.Simulated());  // the library stays loaded
  // The old-driver build carries the marker too (its nvmlInit fails here: GPU 1 is lost).
  auto old = NvmlLibrary::Load(GW_NVML_SIM_OLD_PATH);
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_TRUE((*old)->simulated());
}

TEST(NvmlLibraryTest, MissingLibraryIsUnavailableWithAHint) {
  auto lib = NvmlLibrary::Load("/nonexistent/libnvidia-ml.so.1");
  ASSERT_FALSE(lib.ok());
  EXPECT_EQ(lib.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(lib.status().message().find("is the NVIDIA driver installed?"), std::string::npos);
}

TEST_F(NvmlBackendTest, ReadsEveryValueInDcgmUnits) {
  NvmlBackend backend(GW_NVML_SIM_PATH);
  ASSERT_TRUE(backend.Init().ok());
  EXPECT_EQ(backend.library()->BoundName("nvmlInit"), "nvmlInit_v2");
  EXPECT_EQ(backend.library()->BoundName("nvmlDeviceGetPciInfo"), "nvmlDeviceGetPciInfo_v3");
  EXPECT_EQ(backend.DriverVersion(), "550.54.15");
  ASSERT_EQ(*backend.DeviceCount(), 2u);
  auto info = backend.Open(0);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->uuid, "GPU-11111111-2222-3333-4444-555555555555");
  EXPECT_EQ(info->name, "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(info->pci_bus_id, "00000000:17:00.0");
  EXPECT_EQ(info->max_sm_clock_mhz, 1980);
  EXPECT_EQ(info->max_mem_clock_mhz, 2619);
  EXPECT_EQ(info->slowdown_temp_c, 87);
  EXPECT_EQ(info->shutdown_temp_c, 92);

  GpuReading r = backend.Read(0);
  int64_t elapsed_ms = SystemClock::Get().NowMs() - start_ms_;
  EXPECT_TRUE(r.errors.empty());
  EXPECT_FALSE(r.lost);
  EXPECT_EQ(r.Get(GpuField::kGpuUtilPercent), 87);
  EXPECT_EQ(r.Get(GpuField::kMemCopyUtilPercent), 41);
  EXPECT_EQ(r.Get(GpuField::kEncUtilPercent), 3);
  EXPECT_EQ(r.Get(GpuField::kDecUtilPercent), 4);
  EXPECT_EQ(r.Get(GpuField::kGpuTempC), 66);
  EXPECT_EQ(r.Get(GpuField::kMemTempC), 71);
  EXPECT_EQ(r.Get(GpuField::kPowerW), 312.5);
  EXPECT_EQ(r.Get(GpuField::kPowerLimitW), 700);
  EXPECT_EQ(r.Get(GpuField::kSmClockMhz), 1755);
  EXPECT_EQ(r.Get(GpuField::kMemClockMhz), 2619);
  EXPECT_EQ(r.Get(GpuField::kFbTotalMib), 81559);
  EXPECT_EQ(r.Get(GpuField::kFbUsedMib), 20480);
  EXPECT_EQ(r.Get(GpuField::kFbReservedMib), 512);
  EXPECT_EQ(r.Get(GpuField::kFbFreeMib), 81559 - 512 - 20480);
  EXPECT_EQ(r.Get(GpuField::kThrottleReasons), 0x4 | 0x40);
  EXPECT_EQ(r.Get(GpuField::kPcieReplays), 2);
  EXPECT_EQ(r.Get(GpuField::kEccSbeVolatile), 5);
  EXPECT_EQ(r.Get(GpuField::kEccDbeVolatile), 1);
  EXPECT_EQ(r.Get(GpuField::kEccSbeAggregate), 50);
  EXPECT_EQ(r.Get(GpuField::kEccDbeAggregate), 3);
  EXPECT_EQ(r.Get(GpuField::kRemappedCorrectable), 6);
  EXPECT_EQ(r.Get(GpuField::kRemappedUncorrectable), 7);
  EXPECT_EQ(r.Get(GpuField::kRemappedFailure), 0);
  // Energy: 1000 mJ + 312.5 W for the time since the timeline origin.
  ASSERT_TRUE(r.Get(GpuField::kEnergyMj).has_value());
  EXPECT_GE(*r.Get(GpuField::kEnergyMj), 1000);
  EXPECT_LE(*r.Get(GpuField::kEnergyMj), 1000 + 312.5 * static_cast<double>(elapsed_ms) + 1);
  ASSERT_TRUE(r.processes.has_value());
  ASSERT_EQ(r.processes->size(), 2u);
  EXPECT_EQ((*r.processes)[0].pid, 4242u);
  EXPECT_EQ((*r.processes)[0].used_memory_bytes, 10240ULL * 1048576);
  EXPECT_EQ((*r.processes)[1].pid, 4343u);
}

TEST_F(NvmlBackendTest, LostGpuDoesNotHideTheOthers) {
  NvmlBackend backend(GW_NVML_SIM_PATH);
  ASSERT_TRUE(backend.Init().ok());
  auto lost = backend.Open(1);
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(lost.status().message().find("NVML_ERROR_GPU_IS_LOST"), std::string::npos);
  ASSERT_TRUE(backend.Open(0).ok());
  EXPECT_EQ(backend.Read(0).Get(GpuField::kGpuUtilPercent), 87);
}

TEST_F(NvmlBackendTest, OldDriverFallsBackToUnversionedSymbols) {
  auto lib = NvmlLibrary::Load(GW_NVML_SIM_OLD_PATH);
  ASSERT_TRUE(lib.ok()) << lib.status().ToString();
  EXPECT_EQ((*lib)->BoundName("nvmlInit"), "nvmlInit");
  EXPECT_EQ((*lib)->BoundName("nvmlDeviceGetHandleByIndex"), "nvmlDeviceGetHandleByIndex");
  EXPECT_EQ((*lib)->fn().nvmlDeviceGetMemoryInfo_v2, nullptr);
  NvmlBackend backend(GW_NVML_SIM_OLD_PATH);
  // The v1 nvmlInit fails when any GPU is in a bad state, as the real one does.
  auto init = backend.Init();
  EXPECT_EQ(init.code(), StatusCode::kUnavailable);
  std::ofstream(dir_ / "s.yaml") << R"(
gpus:
  - {utilization: 50, memory_utilization: 10, memory_used_mib: 1000, memory_total_mib: 16384, memory_reserved_mib: 256,
     throttle_reasons: [gpu_idle], processes: [{pid: 7, used_memory_mib: 1}]}
)";
  ASSERT_TRUE(backend.Init().ok());
  ASSERT_TRUE(backend.Open(0).ok());
  GpuReading r = backend.Read(0);
  EXPECT_EQ(r.Get(GpuField::kGpuUtilPercent), 50);
  // v1 memory info: used includes reserved, reserved itself unknown.
  EXPECT_EQ(r.Get(GpuField::kFbUsedMib), 1000 + 256);
  EXPECT_FALSE(r.Get(GpuField::kFbReservedMib).has_value());
  EXPECT_EQ(r.Get(GpuField::kThrottleReasons), 1);
  ASSERT_TRUE(r.processes.has_value());
  EXPECT_EQ(r.processes->at(0).pid, 7u);
}

TEST_F(NvmlBackendTest, UnsupportedValuesAreAbsentAndNotRetried) {
  std::ofstream(dir_ / "s.yaml") << R"(
unsupported: [nvmlDeviceGetUtilizationRates]
gpus:
  - {temperature_c: 40}
)";
  NvmlBackend backend(GW_NVML_SIM_PATH);
  ASSERT_TRUE(backend.Init().ok());
  ASSERT_TRUE(backend.Open(0).ok());
  GpuReading r = backend.Read(0);
  EXPECT_TRUE(r.errors.empty()) << r.errors[0].function << " " << r.errors[0].code;
  EXPECT_FALSE(r.Get(GpuField::kGpuUtilPercent).has_value());
  EXPECT_FALSE(r.Get(GpuField::kPowerW).has_value());
  EXPECT_FALSE(r.Get(GpuField::kMemTempC).has_value());
  EXPECT_EQ(r.Get(GpuField::kGpuTempC), 40);
  auto has = [&](std::string_view name) {
    return std::find(r.unsupported.begin(), r.unsupported.end(), name) != r.unsupported.end();
  };
  EXPECT_TRUE(has("nvmlDeviceGetUtilizationRates"));
  EXPECT_TRUE(has("nvmlDeviceGetPowerUsage"));
}

TEST_F(NvmlBackendTest, DeliversXidEvents) {
  NvmlBackend backend(GW_NVML_SIM_PATH);
  ASSERT_TRUE(backend.Init().ok());
  ASSERT_TRUE(backend.Open(0).ok());
  ASSERT_TRUE(backend.WatchXid().ok());
  std::optional<XidRecord> got;
  for (int i = 0; i < 5 && !got; ++i) {
    auto w = backend.WaitXid(1000);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    got = *w;
  }
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->xid, 79u);
  EXPECT_EQ(got->index, 0u);
  EXPECT_EQ(got->uuid, "GPU-11111111-2222-3333-4444-555555555555");
  auto again = backend.WaitXid(300);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value()) << "an Xid must be delivered once";
}

}  // namespace
}  // namespace gw::nvml
