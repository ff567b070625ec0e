// The vocabulary of scenario files: allowed keys, throttle reason names and NVML function
// names. Internal to nvml-sim's parser.
#ifndef GW_TOOLS_NVML_SIM_SCENARIO_KEYS_H_
#define GW_TOOLS_NVML_SIM_SCENARIO_KEYS_H_

#include <array>
#include <cstdint>
#include <string_view>

#include "nvml/nvml_functions.h"
#include "scenario.h"

namespace gw::nvmlsim {

inline constexpr std::array<std::string_view, 6> kScenarioKeys = {
    "driver_version",     "nvml_version", "gpus", "unsupported",
    "driver_unavailable", "job_load"};

inline constexpr std::array<std::string_view, 2> kJobLoadKeys = {"dir", "refresh"};

inline constexpr std::array<std::string_view, 2> kWindowKeys = {"from", "to"};
inline constexpr std::array<std::string_view, 4> kProcessKeys = {"pid", "used_memory_mib",
                                                                 "from", "to"};
inline constexpr std::array<std::string_view, 2> kXidKeys = {"at", "xid"};
inline constexpr std::array<std::string_view, 3> kSineKeys = {"mean", "amplitude", "period"};
inline constexpr std::array<std::string_view, 3> kCurveForms = {"steps", "ramp", "sine"};

// Keys of a GPU entry other than its curves (the curves are in kCurveFields).
inline constexpr std::array<std::string_view, 21> kGpuPlainKeys = {
    "name",           "uuid",           "pci_bus_id",         "pci_device_id",
    "pci_subsystem_id", "minor_number", "memory_total_mib",   "memory_total_bytes",
    "memory_reserved_mib", "memory_reserved_bytes", "power_limit_w", "max_sm_clock_mhz",
    "max_mem_clock_mhz", "slowdown_temp_c", "shutdown_temp_c", "energy_start_mj",
    "processes",      "xid_events",     "lost_at",            "recovered_at",
    "unsupported"};

struct CurveField {
  std::string_view key;
  Curve SimGpu::*member;
  bool mask;  // a throttle-reason bitmask: values may be reason names
};
inline constexpr std::array<CurveField, 20> kCurveFields = {{
    {"utilization", &SimGpu::utilization, false},
    {"memory_utilization", &SimGpu::memory_utilization, false},
    {"memory_used_mib", &SimGpu::memory_used_mib, false},
    {"temperature_c", &SimGpu::temperature_c, false},
    {"memory_temperature_c", &SimGpu::memory_temperature_c, false},
    {"power_w", &SimGpu::power_w, false},
    {"sm_clock_mhz", &SimGpu::sm_clock_mhz, false},
    {"mem_clock_mhz", &SimGpu::mem_clock_mhz, false},
    {"encoder_utilization", &SimGpu::encoder_utilization, false},
    {"decoder_utilization", &SimGpu::decoder_utilization, false},
    {"throttle_reasons", &SimGpu::throttle_reasons, true},
    {"pcie_replay_count", &SimGpu::pcie_replay_count, false},
    {"ecc_corrected_volatile", &SimGpu::ecc_corrected_volatile, false},
    {"ecc_uncorrected_volatile", &SimGpu::ecc_uncorrected_volatile, false},
    {"ecc_corrected_aggregate", &SimGpu::ecc_corrected_aggregate, false},
    {"ecc_uncorrected_aggregate", &SimGpu::ecc_uncorrected_aggregate, false},
    {"remapped_correctable", &SimGpu::remapped_correctable, false},
    {"remapped_uncorrectable", &SimGpu::remapped_uncorrectable, false},
    {"remapped_pending", &SimGpu::remapped_pending, false},
    {"remapped_failure", &SimGpu::remapped_failure, false},
}};

struct ReasonName {
  std::string_view name;
  uint64_t bit;
};
inline constexpr std::array<ReasonName, 9> kThrottleReasons = {{
    {"gpu_idle", 0x1},
    {"applications_clocks_setting", 0x2},
    {"sw_power_cap", 0x4},
    {"hw_slowdown", 0x8},
    {"sync_boost", 0x10},
    {"sw_thermal_slowdown", 0x20},
    {"hw_thermal_slowdown", 0x40},
    {"hw_power_brake_slowdown", 0x80},
    {"display_clock_setting", 0x100},
}};

#define GW_NVMLSIM_VERSIONED_NAME_(versioned, plain, ret, params) #versioned, #plain,
#define GW_NVMLSIM_PLAIN_NAME_(name, ret, params) #name,
// Every NVML function nvml-sim exports; the names an `unsupported` list may hold.
inline constexpr auto kFunctionNames = std::to_array<std::string_view>(
    {GW_NVML_VERSIONED_FUNCTIONS(GW_NVMLSIM_VERSIONED_NAME_)
         GW_NVML_PLAIN_FUNCTIONS(GW_NVMLSIM_PLAIN_NAME_) "nvmlInitWithFlags"});
#undef GW_NVMLSIM_VERSIONED_NAME_
#undef GW_NVMLSIM_PLAIN_NAME_

}  // namespace gw::nvmlsim

#endif  // GW_TOOLS_NVML_SIM_SCENARIO_KEYS_H_
