// Job-load mode: what a GPU reports, derived from the live load files, and its energy counter.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "sim_job_load.h"
#include "sim_state.h"

namespace gw::nvmlsim {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;
constexpr double kWobblePercent = 3;       // utilisation moves by up to this much under load
constexpr double kWobblePeriodMs = 17000;  // not a divisor of a minute, so it does not alias
constexpr double kIdlePowerShare = 0.10;   // of the power limit
constexpr double kFullPowerShare = 0.92;
constexpr double kIdleSmClockMhz = 345;
constexpr double kBusySmClockShare = 0.95;  // of the maximum SM clock

// U plus a sine wobble, phase-shifted by the index so that GPUs do not move in step; exactly 0
// when idle, so that an idle GPU reads 0.
double WobbledUtilization(double utilization, unsigned index, int64_t t_ms) {
  if (utilization <= 0) return 0;
  double phase = 2 * std::numbers::pi * static_cast<double>(t_ms) / kWobblePeriodMs + index;
  return std::clamp(utilization + kWobblePercent * std::sin(phase), 0.0, 100.0);
}

struct Totals {
  double utilization = 0;
  double memory_mib = 0;
  std::optional<double> memory_utilization;
};

Totals Sum(const std::vector<ProcessLoad>& load) {
  Totals totals;
  for (const ProcessLoad& process : load) {
    totals.utilization += process.utilization;
    totals.memory_mib += process.memory_mib;
    if (process.memory_utilization) {
      totals.memory_utilization =
          totals.memory_utilization.value_or(0) + *process.memory_utilization;
    }
  }
  totals.utilization = std::min(100.0, totals.utilization);
  return totals;
}

// Replaces a curve the scenario has by a constant; an absent one stays NOT_SUPPORTED.
void Set(Curve& curve, double value) {
  if (curve.present()) curve = Curve::Constant(value);
}

std::vector<SimProcess> Processes(const std::vector<ProcessLoad>& load) {
  std::vector<SimProcess> processes;
  processes.reserve(load.size());
  for (const ProcessLoad& process : load) {
    processes.push_back({process.pid,
                         static_cast<uint64_t>(std::llround(process.memory_mib * kMiB)),
                         std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()});
  }
  return processes;
}

// The energy in mJ the GPU's power curve delivers over [from_ms, to_ms].
double PowerIntegralMj(const SimGpu& gpu, int64_t from_ms, int64_t to_ms) {
  if (!gpu.power_w.present() || to_ms <= from_ms) return 0;
  if (gpu.power_w.kind() == Curve::Kind::kConstant) {
    return gpu.power_w.At(0) * static_cast<double>(to_ms - from_ms);  // W * ms = mJ
  }
  // A kept scenario curve (no power limit): its integral, as the curve-only mode computes it.
  int64_t delta = IntegrateEnergyMj(gpu, to_ms) - IntegrateEnergyMj(gpu, from_ms);
  return static_cast<double>(std::max<int64_t>(0, delta));
}

// Accounts the energy of the power reported since the last call. A timeline moved backwards
// (a re-init with an earlier NVML_SIM_START_MS) restarts the interval and loses nothing.
void Advance(EnergyMeter& meter, const SimGpu& gpu, int64_t t_ms) {
  if (meter.started && t_ms > meter.last_ms) {
    meter.accumulated_mj += PowerIntegralMj(gpu, meter.last_ms, t_ms);
  }
  meter.started = true;
  meter.last_ms = t_ms;
}

// Scans the load dir when the last scan is older than `refresh`, accounting every GPU's energy
// up to now at the power it reported before the scan changes it.
void RefreshIfDue(SimState& state, int64_t t_ms) {
  JobLoadState& load = state.job_load;
  const JobLoad& config = *state.scenario.job_load;
  const std::vector<SimGpu>& gpus = state.scenario.gpus;
  int64_t now_ms = NowMs();
  bool due = !load.scanned || load.gpus.size() != gpus.size() ||
             now_ms - load.scanned_at_ms >= config.refresh_ms || now_ms < load.scanned_at_ms;
  if (!due) return;
  std::vector<std::vector<ProcessLoad>> files = ScanLoadDir(config.dir, gpus.size(), load.warned);
  if (load.meters.size() < gpus.size()) load.meters.resize(gpus.size());
  load.gpus.resize(gpus.size());
  for (size_t i = 0; i < gpus.size(); ++i) {
    if (load.scanned) Advance(load.meters[i], load.gpus[i], t_ms);
    load.gpus[i] = ApplyLoad(gpus[i], static_cast<unsigned>(i), files[i], t_ms);
    if (!load.scanned) Advance(load.meters[i], load.gpus[i], t_ms);
  }
  load.scanned = true;
  load.scanned_at_ms = now_ms;
}

}  // namespace

SimGpu ApplyLoad(const SimGpu& base, unsigned index, const std::vector<ProcessLoad>& load,
                 int64_t t_ms) {
  SimGpu gpu = base;
  Totals totals = Sum(load);
  double utilization = WobbledUtilization(totals.utilization, index, t_ms);
  Set(gpu.utilization, utilization);
  Set(gpu.memory_utilization, totals.memory_utilization
                                  ? std::min(100.0, *totals.memory_utilization)
                                  : std::round(0.6 * utilization));
  double free_mib =
      static_cast<double>(base.memory_total_bytes - base.memory_reserved_bytes) / kMiB;
  Set(gpu.memory_used_mib, std::min(free_mib, totals.memory_mib));
  gpu.processes = Processes(load);
  if (base.power_limit_w) {
    double idle_w = kIdlePowerShare * *base.power_limit_w;
    Set(gpu.power_w, idle_w + (kFullPowerShare * *base.power_limit_w - idle_w) * utilization / 100);
  }
  double temperature_c = 32 + 0.4 * utilization + index % 3;
  Set(gpu.temperature_c, temperature_c);
  Set(gpu.memory_temperature_c, temperature_c + 6);
  if (base.max_sm_clock_mhz) {
    Set(gpu.sm_clock_mhz,
        load.empty() ? kIdleSmClockMhz : kBusySmClockShare * *base.max_sm_clock_mhz);
  }
  return gpu;
}

const SimGpu& CurrentGpu(SimState& state, unsigned index, int64_t t_ms) {
  if (!state.scenario.job_load) return state.scenario.gpus[index];
  RefreshIfDue(state, t_ms);
  return state.job_load.gpus[index];
}

std::optional<double> JobLoadEnergyMj(SimState& state, const SimGpu& gpu, unsigned index,
                                      int64_t t_ms) {
  if (!state.scenario.job_load) return std::nullopt;
  EnergyMeter& meter = state.job_load.meters[index];
  Advance(meter, gpu, t_ms);
  return gpu.energy_start_mj.value_or(0) + meter.accumulated_mj;
}

}  // namespace gw::nvmlsim
