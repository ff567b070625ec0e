// Scenario texts shared by the C ABI tests.
#ifndef GW_TOOLS_NVML_SIM_TEST_SCENARIOS_H_
#define GW_TOOLS_NVML_SIM_TEST_SCENARIOS_H_

namespace gw::nvmlsim {

inline constexpr char kTwoGpus[] = R"(
driver_version: "550.54.15"
gpus:
  - name: NVIDIA H100 80GB HBM3
    uuid: GPU-aaaaaaaa-0000-4000-8000-000000000000
    pci_bus_id: "00000000:17:00.0"
    pci_device_id: 0x233010DE
    pci_subsystem_id: 0x16C110DE
    minor_number: 7
    memory_total_mib: 81559
    memory_reserved_mib: 500
    memory_used_mib: 1000
    utilization: 42.4
    memory_utilization: 17.6
    temperature_c: 55
    memory_temperature_c: 61
    slowdown_temp_c: 87
    shutdown_temp_c: 92
    power_w: 312.3456
    power_limit_w: 700
    energy_start_mj: 5000
    sm_clock_mhz: 1755
    mem_clock_mhz: 2619
    max_sm_clock_mhz: 1980
    max_mem_clock_mhz: 2619
    encoder_utilization: 3
    decoder_utilization: 4
    throttle_reasons: [sw_power_cap, hw_thermal_slowdown]
    pcie_replay_count: 11
    ecc_corrected_volatile: 1
    ecc_uncorrected_volatile: 2
    ecc_corrected_aggregate: 30
    ecc_uncorrected_aggregate: 40
    remapped_correctable: 5
    remapped_uncorrectable: 6
    remapped_pending: 1
    remapped_failure: 0
    processes:
      - {pid: 100, used_memory_mib: 600}
      - {pid: 200, used_memory_mib: 400}
      - {pid: 300, used_memory_mib: 1, from: 1h}
  - pci_bus_id: "0000:3d:00.0"
)";

}  // namespace gw::nvmlsim

#endif  // GW_TOOLS_NVML_SIM_TEST_SCENARIOS_H_
