#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "scenario.h"

namespace gw::nvmlsim {
namespace {

constexpr uint64_t kMiB = uint64_t{1024} * 1024;

constexpr char kFull[] = R"(
driver_version: "535.161.08"
nvml_version: "12.535.161.08"
unsupported: [nvmlDeviceGetPcieReplayCounter]
driver_unavailable:
  - {from: 6s, to: 12s}
  - {from: 1m}
gpus:
  - name: NVIDIA A100-SXM4-40GB
    uuid: GPU-11111111-2222-3333-4444-555555555555
    pci_bus_id: "0000:17:00.0"
    pci_device_id: 0x20B010DE
    pci_subsystem_id: 0x134F10DE
    minor_number: 3
    memory_total_mib: 40960
    memory_reserved_mib: 512
    power_limit_w: 400
    max_sm_clock_mhz: 1410
    max_mem_clock_mhz: 1215
    slowdown_temp_c: 87
    shutdown_temp_c: 92
    utilization: {steps: [[0s, 10], [30s, 95]]}
    memory_utilization: {ramp: [[0, 0], [60, 100]]}
    memory_used_mib: 2048
    temperature_c: {sine: {mean: 60, amplitude: 10, period: 1m}}
    memory_temperature_c: 70
    power_w: 250.5
    sm_clock_mhz: 1410
    mem_clock_mhz: 1215
    encoder_utilization: 5
    decoder_utilization: 6
    throttle_reasons: {steps: [[0s, [sw_power_cap, hw_slowdown]], [10s, 0], [20s, gpu_idle]]}
    pcie_replay_count: 7
    ecc_corrected_volatile: 1
    ecc_uncorrected_volatile: 2
    ecc_corrected_aggregate: 3
    ecc_uncorrected_aggregate: 4
    remapped_correctable: 5
    remapped_uncorrectable: 6
    remapped_pending: 0
    remapped_failure: 1
    energy_start_mj: 1000000
    processes:
      - {pid: 4242, used_memory_mib: 1024}
      - {pid: 4343, used_memory_mib: 512, from: 5s, to: 500ms}
    xid_events:
      - {at: 5s, xid: 79}
      - {at: 1500ms, xid: 13}
    lost_at: 8s
    recovered_at: 20s
    unsupported: [nvmlDeviceGetEncoderUtilization, nvmlDeviceGetPciInfo_v3]
  - {}
)";

TEST(ParseScenarioTest, ReadsEveryKey) {
  // kFull has a process that ends before it starts (an error test uses that); fix it here.
  std::string text = kFull;
  text.replace(text.find("to: 500ms"), 9, "to: 9s");
  StatusOr<Scenario> scenario = ParseScenario(text, "full.yaml");
  ASSERT_TRUE(scenario.ok()) << scenario.status().ToString();
  EXPECT_EQ(scenario->driver_version, "535.161.08");
  EXPECT_EQ(scenario->nvml_version, "12.535.161.08");
  EXPECT_EQ(scenario->unsupported, std::set<std::string>{"nvmlDeviceGetPcieReplayCounter"});
  ASSERT_EQ(scenario->driver_unavailable.size(), 2u);
  EXPECT_EQ(scenario->driver_unavailable[0], (std::pair<int64_t, int64_t>{6000, 12000}));
  EXPECT_EQ(scenario->driver_unavailable[1].first, 60000);
  EXPECT_EQ(scenario->driver_unavailable[1].second, INT64_MAX);
  ASSERT_EQ(scenario->gpus.size(), 2u);
  const SimGpu& gpu = scenario->gpus[0];
  EXPECT_EQ(gpu.name, "NVIDIA A100-SXM4-40GB");
  EXPECT_EQ(gpu.uuid, "GPU-11111111-2222-3333-4444-555555555555");
  EXPECT_EQ(gpu.pci_bus_id, "00000000:17:00.0");
  EXPECT_EQ(gpu.pci_device_id, 0x20B010DEu);
  EXPECT_EQ(gpu.pci_subsystem_id, 0x134F10DEu);
  EXPECT_EQ(gpu.minor_number, 3u);
  EXPECT_EQ(gpu.memory_total_bytes, 40960 * kMiB);
  EXPECT_EQ(gpu.memory_reserved_bytes, 512 * kMiB);
  EXPECT_EQ(gpu.power_limit_w, 400);
  EXPECT_EQ(gpu.max_sm_clock_mhz, 1410u);
  EXPECT_EQ(gpu.max_mem_clock_mhz, 1215u);
  EXPECT_EQ(gpu.slowdown_temp_c, 87u);
  EXPECT_EQ(gpu.shutdown_temp_c, 92u);
  EXPECT_EQ(gpu.energy_start_mj, 1e6);
  EXPECT_EQ(gpu.lost_at_ms, 8000);
  EXPECT_EQ(gpu.recovered_at_ms, 20000);
  EXPECT_EQ(gpu.unsupported, (std::set<std::string>{"nvmlDeviceGetEncoderUtilization",
                                                    "nvmlDeviceGetPciInfo_v3"}));
}

TEST(ParseScenarioTest, ReadsCurvesProcessesAndXids) {
  std::string text = kFull;
  text.replace(text.find("to: 500ms"), 9, "to: 9s");
  StatusOr<Scenario> scenario = ParseScenario(text, "full.yaml");
  ASSERT_TRUE(scenario.ok()) << scenario.status().ToString();
  const SimGpu& gpu = scenario->gpus[0];
  EXPECT_EQ(gpu.utilization.kind(), Curve::Kind::kSteps);
  EXPECT_DOUBLE_EQ(gpu.utilization.At(29999), 10);
  EXPECT_DOUBLE_EQ(gpu.utilization.At(30000), 95);
  EXPECT_DOUBLE_EQ(gpu.memory_utilization.At(30000), 50);  // plain numbers are seconds
  EXPECT_EQ(gpu.temperature_c.kind(), Curve::Kind::kSine);
  EXPECT_EQ(gpu.temperature_c.period_ms(), 60000);
  EXPECT_NEAR(gpu.temperature_c.At(15000), 70, 1e-9);
  EXPECT_DOUBLE_EQ(gpu.power_w.At(0), 250.5);
  EXPECT_DOUBLE_EQ(gpu.throttle_reasons.At(0), 0x4 | 0x8);
  EXPECT_DOUBLE_EQ(gpu.throttle_reasons.At(10000), 0);
  EXPECT_DOUBLE_EQ(gpu.throttle_reasons.At(20000), 0x1);
  const Curve* counters[] = {&gpu.pcie_replay_count,        &gpu.ecc_corrected_volatile,
                             &gpu.ecc_uncorrected_volatile, &gpu.ecc_corrected_aggregate,
                             &gpu.ecc_uncorrected_aggregate, &gpu.remapped_correctable,
                             &gpu.remapped_uncorrectable};
  const double expected[] = {7, 1, 2, 3, 4, 5, 6};
  for (size_t i = 0; i < std::size(counters); ++i) {
    EXPECT_DOUBLE_EQ(counters[i]->At(0), expected[i]) << i;
  }
  ASSERT_EQ(gpu.processes.size(), 2u);
  EXPECT_EQ(gpu.processes[0].pid, 4242u);
  EXPECT_EQ(gpu.processes[0].used_memory_bytes, 1024 * kMiB);
  EXPECT_EQ(gpu.processes[0].from_ms, 0);
  EXPECT_EQ(gpu.processes[0].to_ms, INT64_MAX);
  EXPECT_EQ(gpu.processes[1].from_ms, 5000);
  EXPECT_EQ(gpu.processes[1].to_ms, 9000);
  ASSERT_EQ(gpu.xid_events.size(), 2u);  // sorted by time
  EXPECT_EQ(gpu.xid_events[0].at_ms, 1500);
  EXPECT_EQ(gpu.xid_events[0].xid, 13u);
  EXPECT_EQ(gpu.xid_events[1].at_ms, 5000);
  EXPECT_EQ(gpu.xid_events[1].xid, 79u);
}

TEST(ParseScenarioTest, FillsDefaults) {
  StatusOr<Scenario> scenario = ParseScenario("gpus: [{}, {}]", "defaults.yaml");
  ASSERT_TRUE(scenario.ok()) << scenario.status().ToString();
  EXPECT_EQ(scenario->driver_version, "550.54.15");
  EXPECT_EQ(scenario->nvml_version, "12.550.54.15");
  EXPECT_TRUE(scenario->unsupported.empty());
  EXPECT_TRUE(scenario->driver_unavailable.empty());
  ASSERT_EQ(scenario->gpus.size(), 2u);
  for (unsigned i = 0; i < 2; ++i) {
    const SimGpu& gpu = scenario->gpus[i];
    EXPECT_EQ(gpu.name, "NVIDIA H100 80GB HBM3");
    EXPECT_EQ(gpu.pci_bus_id, i == 0 ? "00000000:00:00.0" : "00000000:01:00.0");
    EXPECT_EQ(gpu.minor_number, i);
    EXPECT_EQ(gpu.memory_total_bytes, 80 * (1024 * kMiB));
    EXPECT_EQ(gpu.memory_reserved_bytes, 0u);
    EXPECT_EQ(gpu.pci_device_id, 0x233010DEu);
    EXPECT_TRUE(gpu.uuid.starts_with("GPU-"));
    EXPECT_EQ(gpu.uuid.size(), 40u);
    EXPECT_FALSE(gpu.utilization.present());
    EXPECT_FALSE(gpu.power_w.present());
    EXPECT_FALSE(gpu.power_limit_w.has_value());
    EXPECT_FALSE(gpu.energy_start_mj.has_value());
    EXPECT_FALSE(gpu.lost_at_ms.has_value());
  }
  EXPECT_NE(scenario->gpus[0].uuid, scenario->gpus[1].uuid);
  // Deterministic: the same index gives the same uuid in another file.
  StatusOr<Scenario> again = ParseScenario("gpus: [{}]", "again.yaml");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->gpus[0].uuid, scenario->gpus[0].uuid);
}

TEST(ParseScenarioTest, EmptyGpuListIsAllowed) {
  StatusOr<Scenario> scenario = ParseScenario("gpus: []", "none.yaml");
  ASSERT_TRUE(scenario.ok()) << scenario.status().ToString();
  EXPECT_TRUE(scenario->gpus.empty());
}

TEST(ParseScenarioTest, JobLoad) {
  StatusOr<Scenario> none = ParseScenario("gpus: []", "s.yaml");
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->job_load);
  StatusOr<Scenario> plain = ParseScenario("gpus: []\njob_load: {dir: /run/load}", "s.yaml");
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  ASSERT_TRUE(plain->job_load);
  EXPECT_EQ(plain->job_load->dir, "/run/load");
  EXPECT_EQ(plain->job_load->refresh_ms, 1000);  // the default
  StatusOr<Scenario> every_call =
      ParseScenario("gpus: []\njob_load:\n  dir: load\n  refresh: 0s", "s.yaml");
  ASSERT_TRUE(every_call.ok()) << every_call.status().ToString();
  EXPECT_EQ(every_call->job_load->dir, "load");
  EXPECT_EQ(every_call->job_load->refresh_ms, 0);
  StatusOr<Scenario> slow = ParseScenario("gpus: []\njob_load: {dir: d, refresh: 1m30s}", "s");
  ASSERT_TRUE(slow.ok()) << slow.status().ToString();
  EXPECT_EQ(slow->job_load->refresh_ms, 90000);
}

TEST(ParseScenarioTest, ReadsJson) {
  StatusOr<Scenario> scenario = ParseScenario(
      R"({"gpus": [{"name": "Tesla V100", "memory_total_bytes": 17179869184,
          "utilization": {"ramp": [["0s", 0], ["10s", 100]]},
          "throttle_reasons": 68, "xid_events": [{"at": 2, "xid": 48}]}]})",
      "s.json");
  ASSERT_TRUE(scenario.ok()) << scenario.status().ToString();
  const SimGpu& gpu = scenario->gpus[0];
  EXPECT_EQ(gpu.name, "Tesla V100");
  EXPECT_EQ(gpu.memory_total_bytes, 16384 * kMiB);
  EXPECT_DOUBLE_EQ(gpu.utilization.At(5000), 50);
  EXPECT_DOUBLE_EQ(gpu.throttle_reasons.At(0), 68);
  EXPECT_EQ(gpu.xid_events[0].at_ms, 2000);
}

TEST(ParseScenarioTest, DurationForms) {
  StatusOr<Scenario> scenario = ParseScenario(
      "gpus: [{xid_events: [{at: 500ms, xid: 1}, {at: 1m30s, xid: 2}, {at: 1.5, xid: 3},"
      " {at: 1h, xid: 4}, {at: 2d, xid: 5}, {at: 0, xid: 6}]}]",
      "d.yaml");
  ASSERT_TRUE(scenario.ok()) << scenario.status().ToString();
  std::vector<int64_t> times;
  for (const XidEvent& event : scenario->gpus[0].xid_events) times.push_back(event.at_ms);
  EXPECT_EQ(times, (std::vector<int64_t>{0, 500, 1500, 90000, 3600000, 172800000}));
}

TEST(ParseScenarioTest, ThrottleReasonNamesAndNumbers) {
  StatusOr<Scenario> scenario = ParseScenario(
      "gpus: [{throttle_reasons: [gpu_idle, applications_clocks_setting, sw_power_cap,"
      " hw_slowdown, sync_boost, sw_thermal_slowdown, hw_thermal_slowdown,"
      " hw_power_brake_slowdown, display_clock_setting]}, {throttle_reasons: sw_thermal_slowdown},"
      " {throttle_reasons: 0x44}]",
      "t.yaml");
  ASSERT_TRUE(scenario.ok()) << scenario.status().ToString();
  EXPECT_DOUBLE_EQ(scenario->gpus[0].throttle_reasons.At(0), 0x1FF);
  EXPECT_DOUBLE_EQ(scenario->gpus[1].throttle_reasons.At(0), 0x20);
  EXPECT_DOUBLE_EQ(scenario->gpus[2].throttle_reasons.At(0), 0x44);
}

TEST(LoadScenarioFileTest, ReadsAFileAndNamesItInErrors) {
  std::string path = testing::TempDir() + "/load_scenario_test.yaml";
  {
    std::ofstream out(path);
    out << "gpus:\n  - {utilisation: 5}\n";
  }
  StatusOr<Scenario> scenario = LoadScenarioFile(path);
  ASSERT_FALSE(scenario.ok());
  EXPECT_EQ(scenario.status().message(),
            path + ":2: unknown key \"utilisation\" in gpus[0] (did you mean \"utilization\"?)");
  std::remove(path.c_str());
}

TEST(LoadScenarioFileTest, MissingFileIsNotFound) {
  StatusOr<Scenario> scenario = LoadScenarioFile("/nonexistent/scenario.yaml");
  ASSERT_FALSE(scenario.ok());
  EXPECT_EQ(scenario.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(scenario.status().message(),
            "cannot open scenario file /nonexistent/scenario.yaml: No such file or directory");
}

TEST(ShippedScenariosTest, AllParse) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(GW_NVML_SIM_SCENARIO_DIR)) {
    StatusOr<Scenario> scenario = LoadScenarioFile(entry.path().string());
    EXPECT_TRUE(scenario.ok()) << scenario.status().ToString();
    ++count;
  }
  EXPECT_GE(count, 7);
}

}  // namespace
}  // namespace gw::nvmlsim
