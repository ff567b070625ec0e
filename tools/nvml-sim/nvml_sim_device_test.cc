// The C ABI of the built library: sensors, processes, unsupported functions, lost GPUs,
// driver reloads and the old-driver variant.
#include <dlfcn.h>

#include <thread>

#include "abi_fixture.h"
#include "test_scenarios.h"

namespace gw::nvmlsim {
namespace {

constexpr unsigned long long kMiB = 1024ULL * 1024;

TEST_F(SimTest, Sensors) {
  Start(kTwoGpus);
  nvmlDevice_t device = Device(0);
  nvmlUtilization_t utilization{};
  ASSERT_EQ(api_.nvmlDeviceGetUtilizationRates(device, &utilization), NVML_SUCCESS);
  EXPECT_EQ(utilization.gpu, 42u);     // 42.4 rounds down
  EXPECT_EQ(utilization.memory, 18u);  // 17.6 rounds up
  unsigned value = 0;
  ASSERT_EQ(api_.nvmlDeviceGetTemperature(device, NVML_TEMPERATURE_GPU, &value), NVML_SUCCESS);
  EXPECT_EQ(value, 55u);
  EXPECT_EQ(api_.nvmlDeviceGetTemperature(device, 1, &value), NVML_ERROR_INVALID_ARGUMENT);
  const std::pair<int, unsigned> thresholds[] = {{NVML_TEMPERATURE_THRESHOLD_SHUTDOWN, 92},
                                                 {NVML_TEMPERATURE_THRESHOLD_SLOWDOWN, 87},
                                                 {NVML_TEMPERATURE_THRESHOLD_GPU_MAX, 87}};
  for (auto [threshold, expected] : thresholds) {
    ASSERT_EQ(api_.nvmlDeviceGetTemperatureThreshold(device, threshold, &value), NVML_SUCCESS);
    EXPECT_EQ(value, expected);
  }
  EXPECT_EQ(api_.nvmlDeviceGetTemperatureThreshold(device, NVML_TEMPERATURE_THRESHOLD_MEM_MAX,
                                                   &value),
            NVML_ERROR_NOT_SUPPORTED);
  ASSERT_EQ(api_.nvmlDeviceGetPowerUsage(device, &value), NVML_SUCCESS);
  EXPECT_EQ(value, 312346u);  // mW
  ASSERT_EQ(api_.nvmlDeviceGetEnforcedPowerLimit(device, &value), NVML_SUCCESS);
  EXPECT_EQ(value, 700000u);
  ASSERT_EQ(api_.nvmlDeviceGetEncoderUtilization(device, &value, &value), NVML_SUCCESS);
  unsigned util = 0, period_us = 0;
  ASSERT_EQ(api_.nvmlDeviceGetEncoderUtilization(device, &util, &period_us), NVML_SUCCESS);
  EXPECT_EQ(util, 3u);
  EXPECT_EQ(period_us, 1000000u);
  ASSERT_EQ(api_.nvmlDeviceGetDecoderUtilization(device, &util, &period_us), NVML_SUCCESS);
  EXPECT_EQ(util, 4u);
  ASSERT_EQ(api_.nvmlDeviceGetPcieReplayCounter(device, &value), NVML_SUCCESS);
  EXPECT_EQ(value, 11u);
}

TEST_F(SimTest, EnergyFollowsThePowerCurve) {
  Start(kTwoGpus, 10000);  // 10 s into the timeline
  unsigned long long energy_mj = 0;
  ASSERT_EQ(api_.nvmlDeviceGetTotalEnergyConsumption(Device(0), &energy_mj), NVML_SUCCESS);
  // 5000 mJ + 312.3456 W * 10 s, give or take the milliseconds the test takes.
  EXPECT_NEAR(static_cast<double>(energy_mj), 5000 + 3'123'456, 312.35 * 200);
  EXPECT_EQ(api_.nvmlDeviceGetTotalEnergyConsumption(Device(1), &energy_mj),
            NVML_ERROR_NOT_SUPPORTED);
}

TEST_F(SimTest, ClocksAndReasons) {
  Start(kTwoGpus);
  nvmlDevice_t device = Device(0);
  unsigned mhz = 0;
  const std::pair<int, unsigned> clocks[] = {
      {NVML_CLOCK_GRAPHICS, 1755}, {NVML_CLOCK_SM, 1755}, {NVML_CLOCK_MEM, 2619}};
  for (auto [type, expected] : clocks) {
    ASSERT_EQ(api_.nvmlDeviceGetClockInfo(device, type, &mhz), NVML_SUCCESS);
    EXPECT_EQ(mhz, expected);
  }
  const std::pair<int, unsigned> max_clocks[] = {
      {NVML_CLOCK_GRAPHICS, 1980}, {NVML_CLOCK_SM, 1980}, {NVML_CLOCK_MEM, 2619}};
  for (auto [type, expected] : max_clocks) {
    ASSERT_EQ(api_.nvmlDeviceGetMaxClockInfo(device, type, &mhz), NVML_SUCCESS);
    EXPECT_EQ(mhz, expected);
  }
  EXPECT_EQ(api_.nvmlDeviceGetClockInfo(device, NVML_CLOCK_VIDEO, &mhz), NVML_ERROR_NOT_SUPPORTED);
  EXPECT_EQ(api_.nvmlDeviceGetClockInfo(device, 9, &mhz), NVML_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(api_.nvmlDeviceGetMaxClockInfo(Device(1), NVML_CLOCK_SM, &mhz),
            NVML_ERROR_NOT_SUPPORTED);
  for (auto get : {api_.nvmlDeviceGetCurrentClocksEventReasons,
                   api_.nvmlDeviceGetCurrentClocksThrottleReasons}) {
    unsigned long long reasons = 0;
    ASSERT_EQ(get(device, &reasons), NVML_SUCCESS);
    EXPECT_EQ(reasons, NVML_CLOCKS_EVENT_REASON_SW_POWER_CAP |
                           NVML_CLOCKS_EVENT_REASON_HW_THERMAL_SLOWDOWN);
    EXPECT_EQ(get(Device(1), &reasons), NVML_ERROR_NOT_SUPPORTED);
  }
}

TEST_F(SimTest, EccCounters) {
  Start(kTwoGpus);
  const struct {
    int error_type, counter_type;
    unsigned long long expected;
  } cases[] = {{NVML_MEMORY_ERROR_TYPE_CORRECTED, NVML_VOLATILE_ECC, 1},
               {NVML_MEMORY_ERROR_TYPE_UNCORRECTED, NVML_VOLATILE_ECC, 2},
               {NVML_MEMORY_ERROR_TYPE_CORRECTED, NVML_AGGREGATE_ECC, 30},
               {NVML_MEMORY_ERROR_TYPE_UNCORRECTED, NVML_AGGREGATE_ECC, 40}};
  for (const auto& c : cases) {
    unsigned long long count = 0;
    ASSERT_EQ(api_.nvmlDeviceGetTotalEccErrors(Device(0), c.error_type, c.counter_type, &count),
              NVML_SUCCESS);
    EXPECT_EQ(count, c.expected);
    EXPECT_EQ(api_.nvmlDeviceGetTotalEccErrors(Device(1), c.error_type, c.counter_type, &count),
              NVML_ERROR_NOT_SUPPORTED);
  }
  unsigned long long count = 0;
  EXPECT_EQ(api_.nvmlDeviceGetTotalEccErrors(Device(0), 2, 0, &count),
            NVML_ERROR_INVALID_ARGUMENT);
}

TEST_F(SimTest, FieldValues) {
  Start(kTwoGpus);
  nvmlFieldValue_t values[7] = {};
  const unsigned ids[] = {NVML_FI_DEV_MEMORY_TEMP,      NVML_FI_DEV_PCIE_REPLAY_COUNTER,
                          NVML_FI_DEV_REMAPPED_COR,     NVML_FI_DEV_REMAPPED_UNC,
                          NVML_FI_DEV_REMAPPED_PENDING, NVML_FI_DEV_REMAPPED_FAILURE, 9999};
  for (int i = 0; i < 7; ++i) values[i].fieldId = ids[i];
  int64_t before_us = EpochMs() * 1000;
  ASSERT_EQ(api_.nvmlDeviceGetFieldValues(Device(0), 7, values), NVML_SUCCESS);
  EXPECT_EQ(values[0].nvmlReturn, NVML_SUCCESS);
  EXPECT_EQ(values[0].valueType, NVML_VALUE_TYPE_UNSIGNED_INT);
  EXPECT_EQ(values[0].value.uiVal, 61u);
  const unsigned long long expected[] = {11, 5, 6, 1, 0};
  for (int i = 1; i < 6; ++i) {
    EXPECT_EQ(values[i].nvmlReturn, NVML_SUCCESS) << i;
    EXPECT_EQ(values[i].valueType, NVML_VALUE_TYPE_UNSIGNED_LONG_LONG) << i;
    EXPECT_EQ(values[i].value.ullVal, expected[i - 1]) << i;
  }
  EXPECT_EQ(values[6].nvmlReturn, NVML_ERROR_NOT_SUPPORTED);
  for (const nvmlFieldValue_t& value : values) {
    EXPECT_GE(value.timestamp, before_us);
    EXPECT_LE(value.timestamp, EpochMs() * 1000);
    EXPECT_GE(value.latencyUsec, 0);
    EXPECT_LT(value.latencyUsec, 1000);
  }
  ASSERT_EQ(api_.nvmlDeviceGetFieldValues(Device(1), 7, values), NVML_SUCCESS);
  for (const nvmlFieldValue_t& value : values) {
    EXPECT_EQ(value.nvmlReturn, NVML_ERROR_NOT_SUPPORTED);
  }
  EXPECT_EQ(api_.nvmlDeviceGetFieldValues(Device(0), -1, values), NVML_ERROR_INVALID_ARGUMENT);
}

TEST_F(SimTest, RunningProcessesAreSizedLikeNvml) {
  Start(kTwoGpus);
  nvmlDevice_t device = Device(0);
  for (auto get : {api_.nvmlDeviceGetComputeRunningProcesses_v3,
                   api_.nvmlDeviceGetComputeRunningProcesses_v2}) {
    unsigned count = 0;
    EXPECT_EQ(get(device, &count, nullptr), NVML_ERROR_INSUFFICIENT_SIZE);
    EXPECT_EQ(count, 2u);  // pid 300 starts only at 1h
    count = 1;
    nvmlProcessInfo_t infos[4];
    EXPECT_EQ(get(device, &count, infos), NVML_ERROR_INSUFFICIENT_SIZE);
    EXPECT_EQ(count, 2u);
    count = 4;
    ASSERT_EQ(get(device, &count, infos), NVML_SUCCESS);
    ASSERT_EQ(count, 2u);
    EXPECT_EQ(infos[0].pid, 100u);
    EXPECT_EQ(infos[0].usedGpuMemory, 600 * kMiB);
    EXPECT_EQ(infos[0].gpuInstanceId, 0xFFFFFFFFu);
    EXPECT_EQ(infos[0].computeInstanceId, 0xFFFFFFFFu);
    EXPECT_EQ(infos[1].pid, 200u);
    EXPECT_EQ(infos[1].usedGpuMemory, 400 * kMiB);
    count = 0;
    EXPECT_EQ(get(Device(1), &count, nullptr), NVML_SUCCESS);
    EXPECT_EQ(count, 0u);
  }
  unsigned count = 4;
  nvmlProcessInfo_v1_t v1[4];
  ASSERT_EQ(api_.nvmlDeviceGetComputeRunningProcesses(device, &count, v1), NVML_SUCCESS);
  ASSERT_EQ(count, 2u);
  EXPECT_EQ(v1[1].pid, 200u);
  EXPECT_EQ(v1[1].usedGpuMemory, 400 * kMiB);
}

TEST_F(SimTest, ProcessesComeAndGo) {
  Start("gpus: [{processes: [{pid: 1, from: 0s, to: 2s}, {pid: 2, from: 5s}]}]", 3000);
  unsigned count = 0;
  EXPECT_EQ(api_.nvmlDeviceGetComputeRunningProcesses_v3(Device(0), &count, nullptr),
            NVML_SUCCESS);
  EXPECT_EQ(count, 0u);
  ASSERT_EQ(api_.nvmlShutdown(), NVML_SUCCESS);
  Start("gpus: [{processes: [{pid: 1, from: 0s, to: 2s}, {pid: 2, from: 5s}]}]", 6000);
  nvmlProcessInfo_t info;
  count = 1;
  ASSERT_EQ(api_.nvmlDeviceGetComputeRunningProcesses_v3(Device(0), &count, &info),
            NVML_SUCCESS);
  EXPECT_EQ(info.pid, 2u);
}

TEST_F(SimTest, CurvesFollowTheTimeline) {
  constexpr char kMoving[] = "gpus: [{utilization: {steps: [[0s, 10], [30s, 95]]},"
                             " temperature_c: {ramp: [[0s, 30], [60s, 90]]}}]";
  Start(kMoving, 45000);
  unsigned temp = 0;
  ASSERT_EQ(api_.nvmlDeviceGetTemperature(Device(0), NVML_TEMPERATURE_GPU, &temp), NVML_SUCCESS);
  EXPECT_NEAR(temp, 75, 1);
  nvmlUtilization_t utilization;
  // memory_utilization is absent: the pair is not supported rather than half made up.
  EXPECT_EQ(api_.nvmlDeviceGetUtilizationRates(Device(0), &utilization),
            NVML_ERROR_NOT_SUPPORTED);
}

TEST_F(SimTest, UnsupportedListsAndAbsentKeys) {
  Start(R"(
unsupported: [nvmlDeviceGetPowerUsage, nvmlDeviceGetPciInfo_v3]
gpus:
  - {power_w: 100, unsupported: [nvmlDeviceGetName]}
  - {power_w: 100}
)");
  unsigned mw = 0;
  char name[96];
  nvmlPciInfo_t pci;
  for (unsigned i = 0; i < 2; ++i) {
    EXPECT_EQ(api_.nvmlDeviceGetPowerUsage(Device(i), &mw), NVML_ERROR_NOT_SUPPORTED);
    EXPECT_EQ(api_.nvmlDeviceGetPciInfo_v3(Device(i), &pci), NVML_ERROR_NOT_SUPPORTED);
    EXPECT_EQ(api_.nvmlDeviceGetPciInfo(Device(i), &pci), NVML_SUCCESS);  // the other name works
  }
  EXPECT_EQ(api_.nvmlDeviceGetName(Device(0), name, sizeof(name)), NVML_ERROR_NOT_SUPPORTED);
  EXPECT_EQ(api_.nvmlDeviceGetName(Device(1), name, sizeof(name)), NVML_SUCCESS);
  unsigned value = 0;
  unsigned long long big = 0;
  EXPECT_EQ(api_.nvmlDeviceGetTemperature(Device(0), 0, &value), NVML_ERROR_NOT_SUPPORTED);
  EXPECT_EQ(api_.nvmlDeviceGetEnforcedPowerLimit(Device(0), &value), NVML_ERROR_NOT_SUPPORTED);
  EXPECT_EQ(api_.nvmlDeviceGetPcieReplayCounter(Device(0), &value), NVML_ERROR_NOT_SUPPORTED);
  EXPECT_EQ(api_.nvmlDeviceGetEncoderUtilization(Device(0), &value, &value),
            NVML_ERROR_NOT_SUPPORTED);
  EXPECT_EQ(api_.nvmlDeviceGetDecoderUtilization(Device(0), &value, &value),
            NVML_ERROR_NOT_SUPPORTED);
  EXPECT_EQ(api_.nvmlDeviceGetTemperatureThreshold(Device(0), 0, &value),
            NVML_ERROR_NOT_SUPPORTED);
  EXPECT_EQ(api_.nvmlDeviceGetTotalEnergyConsumption(Device(0), &big), NVML_ERROR_NOT_SUPPORTED);
}

TEST_F(SimTest, LostGpu) {
  constexpr char kLost[] = "gpus: [{power_w: 100}, {power_w: 200, lost_at: 8s}]";
  Start(kLost, 7000);
  nvmlDevice_t lost = Device(1);
  unsigned mw = 0;
  EXPECT_EQ(api_.nvmlDeviceGetPowerUsage(lost, &mw), NVML_SUCCESS);
  ASSERT_EQ(api_.nvmlShutdown(), NVML_SUCCESS);
  Start(kLost, 9000);
  unsigned count = 0;
  ASSERT_EQ(api_.nvmlDeviceGetCount_v2(&count), NVML_SUCCESS);
  EXPECT_EQ(count, 2u);  // still counted
  nvmlDevice_t device = nullptr;
  EXPECT_EQ(api_.nvmlDeviceGetHandleByIndex_v2(1, &device), NVML_ERROR_GPU_IS_LOST);
  EXPECT_EQ(api_.nvmlDeviceGetHandleByIndex(1, &device), NVML_ERROR_GPU_IS_LOST);
  EXPECT_EQ(api_.nvmlDeviceGetPowerUsage(lost, &mw), NVML_ERROR_GPU_IS_LOST);
  char name[96];
  EXPECT_EQ(api_.nvmlDeviceGetName(lost, name, sizeof(name)), NVML_ERROR_GPU_IS_LOST);
  EXPECT_EQ(api_.nvmlDeviceGetPowerUsage(Device(0), &mw), NVML_SUCCESS);
  // The v1 init refuses a system with a lost GPU; v2 and WithFlags do not.
  EXPECT_EQ(api_.nvmlInit(), NVML_ERROR_GPU_IS_LOST);
  EXPECT_EQ(api_.nvmlInitWithFlags(0), NVML_SUCCESS);
}

TEST_F(SimTest, LostGpuRecovers) {
  Start("gpus: [{power_w: 100, lost_at: 1s, recovered_at: 2s}]", 2500);
  EXPECT_EQ(api_.nvmlInit(), NVML_SUCCESS);
  unsigned mw = 0;
  EXPECT_EQ(api_.nvmlDeviceGetPowerUsage(Device(0), &mw), NVML_SUCCESS);
  EXPECT_EQ(mw, 100000u);
}

TEST_F(SimTest, DriverUnavailableWindow) {
  constexpr char kReload[] = "driver_unavailable: [{from: 6s, to: 12s}]\ngpus: [{power_w: 1}]";
  UseScenario(kReload, 7000);
  EXPECT_EQ(api_.nvmlInit_v2(), NVML_ERROR_DRIVER_NOT_LOADED);
  EXPECT_EQ(api_.nvmlInit(), NVML_ERROR_DRIVER_NOT_LOADED);
  Start(kReload, 12000);  // after the window
  unsigned count = 0;
  EXPECT_EQ(api_.nvmlDeviceGetCount_v2(&count), NVML_SUCCESS);
  ASSERT_EQ(api_.nvmlShutdown(), NVML_SUCCESS);
  // Initialised just before the window, then the window opens under a live handle.
  Start("driver_unavailable: [{from: 200ms}]\ngpus: [{power_w: 1}]", 0);
  nvmlDevice_t device = Device(0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  unsigned mw = 0;
  EXPECT_EQ(api_.nvmlDeviceGetPowerUsage(device, &mw), NVML_ERROR_UNKNOWN);
  EXPECT_EQ(api_.nvmlDeviceGetCount_v2(&count), NVML_ERROR_UNKNOWN);
  EXPECT_EQ(api_.nvmlDeviceGetHandleByIndex_v2(0, &device), NVML_ERROR_UNKNOWN);
}

TEST_F(SimTest, ScenarioIsReadAgainOnInit) {
  Start("gpus: [{power_w: 100}]");
  ASSERT_EQ(api_.nvmlShutdown(), NVML_SUCCESS);
  Start("gpus: [{power_w: 250}, {}]");
  unsigned mw = 0;
  ASSERT_EQ(api_.nvmlDeviceGetPowerUsage(Device(0), &mw), NVML_SUCCESS);
  EXPECT_EQ(mw, 250000u);
  unsigned count = 0;
  ASSERT_EQ(api_.nvmlDeviceGetCount_v2(&count), NVML_SUCCESS);
  EXPECT_EQ(count, 2u);
}

TEST_F(SimTest, OldDriverLacksNewSymbols) {
  const NvmlApi& old = OldDriver();
  const char* absent[] = {"nvmlInit_v2", "nvmlInitWithFlags", "nvmlDeviceGetCount_v2",
                          "nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetPciInfo_v3",
                          "nvmlEventSetWait_v2", "nvmlDeviceGetComputeRunningProcesses_v3",
                          "nvmlDeviceGetComputeRunningProcesses_v2",
                          "nvmlDeviceGetMemoryInfo_v2", "nvmlDeviceGetCurrentClocksEventReasons",
                          "nvmlSystemGetNVMLVersion"};
  for (const char* name : absent) EXPECT_EQ(dlsym(old.handle, name), nullptr) << name;
  const char* present[] = {"nvmlInit", "nvmlShutdown", "nvmlDeviceGetCount",
                           "nvmlDeviceGetHandleByIndex", "nvmlDeviceGetPciInfo",
                           "nvmlEventSetWait", "nvmlDeviceGetComputeRunningProcesses",
                           "nvmlDeviceGetMemoryInfo", "nvmlDeviceGetCurrentClocksThrottleReasons",
                           "nvmlSystemGetDriverVersion", "nvmlDeviceGetFieldValues"};
  for (const char* name : present) EXPECT_NE(dlsym(old.handle, name), nullptr) << name;
}

TEST_F(SimTest, OldDriverWorksThroughPlainNames) {
  const NvmlApi& old = OldDriver();
  UseScenario(kTwoGpus);
  ASSERT_EQ(old.nvmlInit(), NVML_SUCCESS);
  unsigned count = 0;
  ASSERT_EQ(old.nvmlDeviceGetCount(&count), NVML_SUCCESS);
  EXPECT_EQ(count, 2u);
  nvmlDevice_t device = nullptr;
  ASSERT_EQ(old.nvmlDeviceGetHandleByIndex(0, &device), NVML_SUCCESS);
  nvmlPciInfo_t pci;
  ASSERT_EQ(old.nvmlDeviceGetPciInfo(device, &pci), NVML_SUCCESS);
  EXPECT_STREQ(pci.busId, "00000000:17:00.0");
  unsigned long long reasons = 0;
  ASSERT_EQ(old.nvmlDeviceGetCurrentClocksThrottleReasons(device, &reasons), NVML_SUCCESS);
  EXPECT_EQ(reasons, 0x44u);
  // The two variants keep separate state: the current driver was never initialised here.
  EXPECT_EQ(api_.nvmlDeviceGetCount_v2(&count), NVML_ERROR_UNINITIALIZED);
}

}  // namespace
}  // namespace gw::nvmlsim
