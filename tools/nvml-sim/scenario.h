// The scenario model of nvml-sim, the simulated NVIDIA driver: what each simulated GPU reports
// over time, parsed from a YAML or JSON file (format in docs/nvml-sim.md).
//
// Thread-safety: all types here are plain values; ParseScenario and LoadScenarioFile are
// reentrant.
#ifndef GW_TOOLS_NVML_SIM_SCENARIO_H_
#define GW_TOOLS_NVML_SIM_SCENARIO_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace gw::nvmlsim {

// A value as a function of time since the timeline origin. An absent curve (the scenario did
// not give the key) makes the matching NVML function answer NVML_ERROR_NOT_SUPPORTED.
class Curve {
 public:
  enum class Kind { kAbsent, kConstant, kSteps, kRamp, kSine };

  Curve() = default;
  static Curve Constant(double value);
  // REQUIRES: points non-empty and sorted by time.
  static Curve Steps(std::vector<std::pair<int64_t, double>> points);
  static Curve Ramp(std::vector<std::pair<int64_t, double>> points);
  // REQUIRES: period_ms > 0.
  static Curve Sine(double mean, double amplitude, int64_t period_ms);

  bool present() const { return kind_ != Kind::kAbsent; }
  Kind kind() const { return kind_; }
  // The value at t_ms milliseconds after the timeline origin (t may be negative).
  // Steps: the value of the last step whose time <= t, before the first step the first value.
  // Ramp: linear interpolation, clamped at both ends. Sine: mean + amplitude*sin(2*pi*t/period).
  // REQUIRES: present().
  double At(int64_t t_ms) const;

  // For IntegrateEnergyMj and tests.
  const std::vector<std::pair<int64_t, double>>& points() const { return points_; }
  double mean() const { return mean_; }
  double amplitude() const { return amplitude_; }
  int64_t period_ms() const { return period_ms_; }

 private:
  Kind kind_ = Kind::kAbsent;
  std::vector<std::pair<int64_t, double>> points_;  // kConstant: one point at t = 0
  double mean_ = 0;
  double amplitude_ = 0;
  int64_t period_ms_ = 0;
};

// A process using a GPU from from_ms (inclusive) to to_ms (exclusive).
struct SimProcess {
  uint32_t pid = 0;
  uint64_t used_memory_bytes = 0;
  int64_t from_ms = 0;
  int64_t to_ms = std::numeric_limits<int64_t>::max();
};

struct XidEvent {
  int64_t at_ms = 0;
  uint64_t xid = 0;
};

struct SimGpu {
  std::string name;
  std::string uuid;
  std::string pci_bus_id;  // "00000000:17:00.0"
  uint32_t pci_device_id = 0;
  uint32_t pci_subsystem_id = 0;
  uint32_t minor_number = 0;
  uint64_t memory_total_bytes = 0;
  uint64_t memory_reserved_bytes = 0;
  std::optional<double> power_limit_w;
  std::optional<unsigned> max_sm_clock_mhz, max_mem_clock_mhz, slowdown_temp_c, shutdown_temp_c;
  Curve utilization, memory_utilization, memory_used_mib, temperature_c, memory_temperature_c,
      power_w, sm_clock_mhz, mem_clock_mhz, encoder_utilization, decoder_utilization,
      throttle_reasons,  // a bitmask of nvmlClocksEventReason bits
      pcie_replay_count, ecc_corrected_volatile, ecc_uncorrected_volatile,
      ecc_corrected_aggregate, ecc_uncorrected_aggregate, remapped_correctable,
      remapped_uncorrectable, remapped_pending, remapped_failure;
  std::optional<double> energy_start_mj;
  std::vector<SimProcess> processes;
  std::vector<XidEvent> xid_events;  // sorted by at_ms
  std::optional<int64_t> lost_at_ms, recovered_at_ms;
  // NVML function names (versioned or plain) that answer NOT_SUPPORTED for this GPU.
  std::set<std::string> unsupported;
};

// Job-load mode (docs/nvml-sim.md, "Job load"): the load of every GPU follows the load files
// that processes write to `dir`, instead of the scenario's curves.
struct JobLoad {
  std::string dir;
  int64_t refresh_ms = 1000;  // the directory is scanned at most this often; 0: every call
};

struct Scenario {
  std::string driver_version = "550.54.15";
  std::string nvml_version = "12.550.54.15";
  std::vector<SimGpu> gpus;
  // NVML function names that answer NOT_SUPPORTED for every GPU.
  std::set<std::string> unsupported;
  std::vector<std::pair<int64_t, int64_t>> driver_unavailable;  // [from_ms, to_ms) windows
  std::optional<JobLoad> job_load;                              // absent: curves only
};

// Parses a scenario from YAML or JSON text. Errors are kInvalidArgument with messages of the
// form "source_name:line: what (what to do)"; unknown keys are rejected with a suggestion.
[[nodiscard]] StatusOr<Scenario> ParseScenario(std::string_view text,
                                               std::string_view source_name);

// Reads and parses a scenario file. An unreadable file is kNotFound or kIoError.
[[nodiscard]] StatusOr<Scenario> LoadScenarioFile(const std::string& path);

// energy_start_mj (0 when absent) plus the integral of power_w (0 W when absent) over
// [0, t_ms] in millijoules: exact for constants, steps and ramps, numeric in steps of at most
// 1 s for sines; t_ms <= 0 gives energy_start_mj. The library answers NOT_SUPPORTED for energy
// when energy_start_mj is absent.
int64_t IntegrateEnergyMj(const SimGpu& gpu, int64_t t_ms);

}  // namespace gw::nvmlsim

#endif  // GW_TOOLS_NVML_SIM_SCENARIO_H_
