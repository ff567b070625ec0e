// Every error ParseScenario can report, with its exact text.
#include <gtest/gtest.h>

#include "scenario.h"

namespace gw::nvmlsim {
namespace {

struct ErrorCase {
  const char* text;
  const char* message;
};

constexpr char kDurationHint[] =
    "(use a duration such as 500ms, 5s, 1m or a number of seconds)";

class ScenarioErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(ScenarioErrorTest, ReportsTheExactError) {
  StatusOr<Scenario> scenario = ParseScenario(GetParam().text, "e.yaml");
  ASSERT_FALSE(scenario.ok()) << GetParam().text;
  EXPECT_EQ(scenario.status().code(), StatusCode::kInvalidArgument);
  std::string expected = GetParam().message;
  size_t hint = expected.find("$DURATION");
  if (hint != std::string::npos) expected.replace(hint, 9, kDurationHint);
  EXPECT_EQ(scenario.status().message(), expected) << GetParam().text;
}

const ErrorCase kRootErrors[] = {
    {"gpus: [", "e.yaml:1: syntax error: end of sequence flow not found (fix the YAML/JSON syntax)"},
    {"gpus:\n  - {a: 1\n", "e.yaml:3: syntax error: end of map flow not found (fix the YAML/JSON syntax)"},
    {"- 1", "e.yaml:1: a scenario must be a map with a \"gpus\" list (see docs/nvml-sim.md for "
            "the format)"},
    {"", "e.yaml:1: a scenario must be a map with a \"gpus\" list (see docs/nvml-sim.md for the "
         "format)"},
    {"\n\ndriver_version: x", "e.yaml:3: a scenario must be a map with a \"gpus\" list (see "
                              "docs/nvml-sim.md for the format)"},
    {"gpus: []\ndriver_versoin: x",
     "e.yaml:2: unknown key \"driver_versoin\" in the scenario (did you mean \"driver_version\"?)"},
    {"gpus: []\nfoo: 1", "e.yaml:2: unknown key \"foo\" in the scenario (valid keys: "
                         "driver_version, nvml_version, gpus, unsupported, driver_unavailable, "
                         "job_load)"},
    {"gpus: []\ndriver_version: [1]", "e.yaml:2: driver_version must be a string (quote it)"},
    {"gpus: []\nnvml_version: {a: 1}", "e.yaml:2: nvml_version must be a string (quote it)"},
    {"gpus: 5", "e.yaml:1: gpus must be a list (write one \"- name: ...\" entry per GPU)"},
    {"gpus: []\nunsupported: nvmlInit",
     "e.yaml:2: unsupported must be a list of NVML function names (write e.g. "
     "[nvmlDeviceGetPowerUsage])"},
    {"gpus: []\nunsupported: [nvmlDeviceGetPowerUsag]",
     "e.yaml:2: unknown NVML function \"nvmlDeviceGetPowerUsag\" in unsupported (did you mean "
     "\"nvmlDeviceGetPowerUsage\"?)"},
    {"gpus: []\nunsupported: [cudaMalloc]",
     "e.yaml:2: unknown NVML function \"cudaMalloc\" in unsupported (list only functions that "
     "nvml-sim implements)"},
    {"gpus: []\ndriver_unavailable: {from: 1s}",
     "e.yaml:2: driver_unavailable must be a list (write e.g. [{from: 6s, to: 12s}])"},
    {"gpus: []\ndriver_unavailable: [{to: 1s}]",
     "e.yaml:2: driver_unavailable[0] must be a map with \"from\" (write e.g. {from: 6s, to: "
     "12s})"},
    {"gpus: []\ndriver_unavailable: [{from: 1s, till: 2s}]",
     "e.yaml:2: unknown key \"till\" in driver_unavailable[0] (valid keys: from, to)"},
    {"gpus: []\ndriver_unavailable: [{from: 5s, to: 5s}]",
     "e.yaml:2: driver_unavailable[0].to is not after from (make the window end after it "
     "starts)"},
    {"gpus: []\ndriver_unavailable: [{from: soon}]",
     "e.yaml:2: driver_unavailable[0].from: bad duration \"soon\" $DURATION"},
    {"gpus: [{}, {uuid: GPU-0}, {uuid: GPU-0}]",
     "e.yaml:1: gpus[2] has the same uuid as gpus[1] (give every GPU its own uuid and "
     "pci_bus_id)"},
    {"gpus:\n  - {pci_bus_id: 0:3:0.0}\n  - {pci_bus_id: 00000000:03:00.0}",
     "e.yaml:3: gpus[1] has the same pci_bus_id as gpus[0] (give every GPU its own uuid and "
     "pci_bus_id)"},
};
INSTANTIATE_TEST_SUITE_P(Root, ScenarioErrorTest, testing::ValuesIn(kRootErrors));

const ErrorCase kJobLoadErrors[] = {
    {"gpus: []\njob_load: /run/load",
     "e.yaml:2: job_load must be a map with \"dir\" (write e.g. {dir: /run/nvml-sim-load, "
     "refresh: 1s})"},
    {"gpus: []\njob_load: {refresh: 1s}",
     "e.yaml:2: job_load must be a map with \"dir\" (write e.g. {dir: /run/nvml-sim-load, "
     "refresh: 1s})"},
    {"gpus: []\njob_load: {dir: /run/load, refesh: 1s}",
     "e.yaml:2: unknown key \"refesh\" in job_load (did you mean \"refresh\"?)"},
    {"gpus: []\njob_load: {dir: /run/load, period: 1s}",
     "e.yaml:2: unknown key \"period\" in job_load (valid keys: dir, refresh)"},
    {"gpus: []\njob_load: {dir: [a]}", "e.yaml:2: job_load.dir must be a string (quote it)"},
    {"gpus: []\njob_load: {dir: \"\"}",
     "e.yaml:2: job_load.dir is empty (give the directory the jobs write their load files to)"},
    {"gpus: []\njob_load:\n  dir: d\n  refresh: often",
     "e.yaml:4: job_load.refresh: bad duration \"often\" $DURATION"},
    {"gpus: []\njob_load: {dir: d, refresh: -1}",
     "e.yaml:2: job_load.refresh: negative duration \"-1\" $DURATION"},
};
INSTANTIATE_TEST_SUITE_P(JobLoad, ScenarioErrorTest, testing::ValuesIn(kJobLoadErrors));

const ErrorCase kGpuErrors[] = {
    {"gpus: [5]", "e.yaml:1: gpus[0] must be a map (write e.g. {name: NVIDIA H100 80GB HBM3, "
                  "utilization: 50})"},
    {"gpus:\n  - {power: 5}",
     "e.yaml:2: unknown key \"power\" in gpus[0] (did you mean \"power_w\"?)"},
    {"gpus: [{name: [a]}]", "e.yaml:1: gpus[0].name must be a string (quote it)"},
    {"gpus: [{name: \"\"}]",
     "e.yaml:1: gpus[0].name must have 1 to 95 characters (NVML's buffers hold 96 bytes)"},
    {"gpus: [{uuid: GPU-0123456789012345678901234567890123456789012345678901234567890123456789"
     "0123456789012345678901234567890123456789}]",
     "e.yaml:1: gpus[0].uuid must have 1 to 95 characters (NVML's buffers hold 96 bytes)"},
    {"gpus: [{pci_bus_id: 17:00.0}]",
     "e.yaml:1: gpus[0].pci_bus_id \"17:00.0\" is not a PCI address (write "
     "domain:bus:device.function, e.g. 00000000:17:00.0)"},
    {"gpus: [{pci_bus_id: 0000:100:00.0}]",
     "e.yaml:1: gpus[0].pci_bus_id \"0000:100:00.0\" is not a PCI address (write "
     "domain:bus:device.function, e.g. 00000000:17:00.0)"},
    {"gpus: [{pci_device_id: abc}]",
     "e.yaml:1: gpus[0].pci_device_id must be an integer from 0 to 4294967295 (write e.g. 42 "
     "or 0x2A)"},
    {"gpus: [{minor_number: 4294967296}]",
     "e.yaml:1: gpus[0].minor_number must be an integer from 0 to 4294967295 (write e.g. 42 or "
     "0x2A)"},
    {"gpus: [{memory_total_mib: 1, memory_total_bytes: 1048576}]",
     "e.yaml:1: gpus[0] has both memory_total_mib and memory_total_bytes (give only one of "
     "them)"},
    {"gpus: [{memory_total_mib: -1}]",
     "e.yaml:1: gpus[0].memory_total_mib must be an integer from 0 to 1099511627776 (write e.g. "
     "42 or 0x2A)"},
    {"gpus: [{memory_total_mib: 10, memory_reserved_mib: 20}]",
     "e.yaml:1: gpus[0] reserves more memory than it has (make memory_reserved smaller than "
     "memory_total)"},
    {"gpus: [{max_sm_clock_mhz: fast}]",
     "e.yaml:1: gpus[0].max_sm_clock_mhz must be an integer from 0 to 4294967295 (write e.g. 42 "
     "or 0x2A)"},
    {"gpus: [{power_limit_w: -1}]",
     "e.yaml:1: gpus[0].power_limit_w is out of range (give a value from 0 to 1e15)"},
    {"gpus: [{energy_start_mj: lots}]",
     "e.yaml:1: gpus[0].energy_start_mj must be a number (write e.g. 42 or 1.5)"},
    {"gpus: [{lost_at: -5s}]", "e.yaml:1: gpus[0].lost_at: bad duration \"-5s\" $DURATION"},
    {"gpus: [{lost_at: -5}]", "e.yaml:1: gpus[0].lost_at: negative duration \"-5\" $DURATION"},
    {"gpus: [{lost_at: [5s]}]", "e.yaml:1: gpus[0].lost_at must be a duration $DURATION"},
    {"gpus: [{recovered_at: 5s}]",
     "e.yaml:1: gpus[0].recovered_at needs an earlier lost_at (set lost_at before "
     "recovered_at)"},
    {"gpus: [{lost_at: 5s, recovered_at: 4s}]",
     "e.yaml:1: gpus[0].recovered_at needs an earlier lost_at (set lost_at before "
     "recovered_at)"},
    {"gpus: [{unsupported: [nvmlDeviceGetNmae]}]",
     "e.yaml:1: unknown NVML function \"nvmlDeviceGetNmae\" in gpus[0].unsupported (did you "
     "mean \"nvmlDeviceGetName\"?)"},
    {"gpus: [{processes: {pid: 1}}]",
     "e.yaml:1: gpus[0].processes must be a list (write e.g. [{pid: 4242, used_memory_mib: "
     "1024}])"},
    {"gpus: [{processes: [{used_memory_mib: 1}]}]",
     "e.yaml:1: gpus[0].processes[0] must be a map with a pid (write e.g. {pid: 4242, "
     "used_memory_mib: 1024})"},
    {"gpus: [{processes: [{pid: 1, used_mem: 1}]}]",
     "e.yaml:1: unknown key \"used_mem\" in gpus[0].processes[0] (valid keys: pid, "
     "used_memory_mib, from, to)"},
    {"gpus: [{processes: [{pid: -1}]}]",
     "e.yaml:1: gpus[0].processes[0].pid must be an integer from 0 to 4294967295 (write e.g. 42 "
     "or 0x2A)"},
    {"gpus: [{processes: [{pid: 1, from: 5s, to: 1s}]}]",
     "e.yaml:1: gpus[0].processes[0].to is not after from (make the process end after it "
     "starts)"},
    {"gpus: [{xid_events: {at: 1s}}]",
     "e.yaml:1: gpus[0].xid_events must be a list (write e.g. [{at: 5s, xid: 79}])"},
    {"gpus: [{xid_events: [{at: 1s}]}]",
     "e.yaml:1: gpus[0].xid_events[0] must be a map with at and xid (write e.g. {at: 5s, xid: "
     "79})"},
    {"gpus: [{xid_events: [{at: 1s, xid: 79, gpu: 0}]}]",
     "e.yaml:1: unknown key \"gpu\" in gpus[0].xid_events[0] (valid keys: at, xid)"},
    {"gpus: [{xid_events: [{at: 1s, xid: x79}]}]",
     "e.yaml:1: gpus[0].xid_events[0].xid must be an integer from 0 to 18446744073709551615 "
     "(write e.g. 42 or 0x2A)"},
};
INSTANTIATE_TEST_SUITE_P(Gpu, ScenarioErrorTest, testing::ValuesIn(kGpuErrors));

constexpr char kCurveHint[] =
    "use a number, {steps: [[0s, 10], [30s, 95]]}, {ramp: [[0s, 0], [60s, 100]]} or {sine: "
    "{mean: 50, amplitude: 40, period: 60s}}";

const ErrorCase kCurveErrors[] = {
    {"gpus: [{utilization: high}]",
     "e.yaml:1: gpus[0].utilization must be a number (write e.g. 42 or 1.5)"},
    {"gpus: [{utilization: -5}]",
     "e.yaml:1: gpus[0].utilization -5 is out of range (NVML values are unsigned; give a value "
     "from 0 to 1e15)"},
    {"gpus: [{utilization: [1, 2]}]", "e.yaml:1: gpus[0].utilization is not a curve ($CURVE)"},
    {"gpus: [{utilization: {steps: [[0, 1]], ramp: [[0, 1]]}}]",
     "e.yaml:1: gpus[0].utilization is not a curve ($CURVE)"},
    {"gpus: [{utilization: {stpes: [[0, 1]]}}]",
     "e.yaml:1: unknown key \"stpes\" in gpus[0].utilization (did you mean \"steps\"?)"},
    {"gpus: [{utilization: {steps: []}}]",
     "e.yaml:1: gpus[0].utilization.steps must be a non-empty list of [time, value] pairs "
     "(write e.g. [[0s, 10], [30s, 95]])"},
    {"gpus: [{utilization: {ramp: 5}}]",
     "e.yaml:1: gpus[0].utilization.ramp must be a non-empty list of [time, value] pairs (write "
     "e.g. [[0s, 10], [30s, 95]])"},
    {"gpus: [{utilization: {steps: [[0s]]}}]",
     "e.yaml:1: gpus[0].utilization.steps[0] must be a [time, value] pair (write e.g. [30s, "
     "95])"},
    {"gpus: [{utilization: {steps: [[5s, 1], [1s, 2]]}}]",
     "e.yaml:1: gpus[0].utilization.steps[1] time goes backwards (list the points in time "
     "order)"},
    {"gpus: [{utilization: {steps: [[5x, 1]]}}]",
     "e.yaml:1: gpus[0].utilization.steps[0] time: bad duration \"5x\" $DURATION"},
    {"gpus: [{utilization: {ramp: [[0s, 1], [1s, -2]]}}]",
     "e.yaml:1: gpus[0].utilization.ramp[1] value -2 is out of range (NVML values are unsigned; "
     "give a value from 0 to 1e15)"},
    {"gpus: [{utilization: {sine: {mean: 5}}}]",
     "e.yaml:1: gpus[0].utilization.sine needs mean, amplitude and period (write e.g. {mean: 50, "
     "amplitude: 40, period: 60s})"},
    {"gpus: [{utilization: {sine: {mean: 5, amplitude: 1, period: 0s}}}]",
     "e.yaml:1: gpus[0].utilization.sine.period must be positive (give a period such as 60s)"},
    {"gpus: [{utilization: {sine: {mean: 10, amplitude: 20, period: 1s}}}]",
     "e.yaml:1: gpus[0].utilization.sine goes below zero (|amplitude| 20 > mean 10) (NVML "
     "values are unsigned; make |amplitude| at most the mean)"},
    {"gpus: [{utilization: {sine: {mean: 5, amplitude: 1, period: 1s, phase: 2}}}]",
     "e.yaml:1: unknown key \"phase\" in gpus[0].utilization.sine (valid keys: mean, amplitude, "
     "period)"},
    {"gpus: [{utilization: {sine: {mean: 5, amplitude: x, period: 1s}}}]",
     "e.yaml:1: gpus[0].utilization.sine.amplitude must be a number (write e.g. 42 or 1.5)"},
    {"gpus: [{throttle_reasons: {sine: {mean: 5, amplitude: 1, period: 1s}}}]",
     "e.yaml:1: gpus[0].throttle_reasons cannot be a sine (use a constant or steps for a "
     "bitmask)"},
    {"gpus: [{throttle_reasons: [sw_powercap]}]",
     "e.yaml:1: unknown throttle reason \"sw_powercap\" in gpus[0].throttle_reasons (did you "
     "mean \"sw_power_cap\"?)"},
    {"gpus: [{throttle_reasons: weird}]",
     "e.yaml:1: unknown throttle reason \"weird\" in gpus[0].throttle_reasons (use gpu_idle, "
     "applications_clocks_setting, sw_power_cap, hw_slowdown, sync_boost, sw_thermal_slowdown, "
     "hw_thermal_slowdown, hw_power_brake_slowdown, display_clock_setting)"},
    {"gpus: [{throttle_reasons: {steps: [[0s, [gpu_idle, [x]]]]}}]",
     "e.yaml:1: gpus[0].throttle_reasons.steps[0] value must be a string (quote it)"},
    {"gpus: [{throttle_reasons: 9007199254740992}]",
     "e.yaml:1: gpus[0].throttle_reasons must be an integer from 0 to 9007199254740991 (write "
     "e.g. 42 or 0x2A)"},
};

class CurveErrorTest : public ScenarioErrorTest {};

TEST_P(CurveErrorTest, ReportsTheExactError) {
  StatusOr<Scenario> scenario = ParseScenario(GetParam().text, "e.yaml");
  ASSERT_FALSE(scenario.ok()) << GetParam().text;
  std::string expected = GetParam().message;
  for (auto [token, text] : {std::pair<std::string, std::string>{"$DURATION", kDurationHint},
                             {"$CURVE", kCurveHint}}) {
    size_t at = expected.find(token);
    if (at != std::string::npos) expected.replace(at, token.size(), text);
  }
  EXPECT_EQ(scenario.status().message(), expected) << GetParam().text;
}
INSTANTIATE_TEST_SUITE_P(Curve, CurveErrorTest, testing::ValuesIn(kCurveErrors));

}  // namespace
}  // namespace gw::nvmlsim
