// The process-global state of the simulated driver and the checks every NVML call starts with.
//
// A driver stand-in that is loaded with dlopen and called through a C ABI has no object to
// hang its state on: NVML keeps global state behind nvmlInit/nvmlShutdown, so this does too.
// All of it lives in one SimState behind one mutex; nothing else in nvml-sim is mutable.
#ifndef GW_TOOLS_NVML_SIM_SIM_STATE_H_
#define GW_TOOLS_NVML_SIM_SIM_STATE_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "nvml/nvml_types.h"
#include "scenario.h"
#include "sim_job_load.h"

// What an nvmlDevice_t points to: one slot per GPU index, created on first use and never
// freed, so a handle stays valid (and equal) across nvmlShutdown and nvmlInit.
struct nvmlDevice_st {
  unsigned index;
};

// What an nvmlEventSet_t points to.
struct nvmlEventSet_st {
  struct Registration {
    unsigned index;       // the GPU
    size_t next_event;    // the first of its xid_events not yet delivered to this set
  };
  std::vector<Registration> registrations;
};

namespace gw::nvmlsim {

struct SimState {
  std::mutex mu;
  int init_count = 0;  // nvmlInit* minus nvmlShutdown
  Scenario scenario;   // the one read by the latest successful nvmlInit*
  int64_t origin_ms = 0;
  std::vector<std::unique_ptr<nvmlDevice_st>> devices;  // grows only
  std::set<nvmlEventSet_st*> event_sets;                // live sets
  JobLoadState job_load;                                // used when scenario.job_load is set
};

// The one instance. Callers lock state.mu before touching anything else.
SimState& State();

// Wall-clock milliseconds since the epoch. noexcept: it initialises a static at load time.
int64_t NowMs() noexcept;
// t of the timeline, REQUIRES: State().mu held.
int64_t TimelineMs(const SimState& state);

bool IsLost(const SimGpu& gpu, int64_t t_ms);
bool DriverUnavailable(const Scenario& scenario, int64_t t_ms);
// Whether `function` is listed as unsupported for the scenario or this GPU (gpu may be null).
bool Unsupported(const Scenario& scenario, const SimGpu* gpu, std::string_view function);

// The index of a handle this library gave out for a GPU of the current scenario; compares
// pointers only, so a stray pointer is rejected without being read. REQUIRES: state.mu held.
std::optional<unsigned> FindDevice(const SimState& state, nvmlDevice_t device);

// The GPU as device calls see it: the scenario's, or in job-load mode the one the latest scan
// of the load dir derived (scanning first when the last scan is older than the refresh).
// sim_job_load_state.cc. REQUIRES: state.mu held, index < state.scenario.gpus.size().
const SimGpu& CurrentGpu(SimState& state, unsigned index, int64_t t_ms);
// In job-load mode, energy_start_mj plus the energy of the power reported so far, in mJ;
// nullopt when the mode is off. `gpu` is what CurrentGpu returned under the same lock hold.
// REQUIRES: as CurrentGpu.
std::optional<double> JobLoadEnergyMj(SimState& state, const SimGpu& gpu, unsigned index,
                                      int64_t t_ms);

enum class InitKind { kV1, kV2, kWithFlags };
nvmlReturn_t Init(InitKind kind);
nvmlReturn_t Shutdown();

// The common start of every call that needs an initialised driver: UNINITIALIZED before
// nvmlInit, UNKNOWN inside a driver_unavailable window, NOT_SUPPORTED when `function` is
// listed in the scenario's unsupported list. REQUIRES: state.mu held.
nvmlReturn_t CheckDriver(const SimState& state, std::string_view function, int64_t t_ms);

// What a device call sees once the common checks passed.
struct DeviceView {
  const SimGpu& gpu;  // CurrentGpu: in job-load mode the load-driven values
  unsigned index;
  int64_t t_ms;
  nvmlDevice_t handle;
};

// Runs body(const DeviceView&) under the state lock after CheckDriver and the device checks
// (INVALID_ARGUMENT for a bad handle, GPU_IS_LOST, NOT_SUPPORTED for a per-GPU unsupported
// function), and returns what body returns.
template <typename Body>
nvmlReturn_t WithDevice(std::string_view function, nvmlDevice_t device, Body&& body) {
  SimState& state = State();
  std::lock_guard<std::mutex> lock(state.mu);
  int64_t t_ms = TimelineMs(state);
  if (nvmlReturn_t ret = CheckDriver(state, function, t_ms); ret != NVML_SUCCESS) return ret;
  std::optional<unsigned> index = FindDevice(state, device);
  if (!index) return NVML_ERROR_INVALID_ARGUMENT;
  const SimGpu& gpu = state.scenario.gpus[*index];
  if (IsLost(gpu, t_ms)) return NVML_ERROR_GPU_IS_LOST;
  if (Unsupported(state.scenario, &gpu, function)) return NVML_ERROR_NOT_SUPPORTED;
  return body(DeviceView{CurrentGpu(state, *index, t_ms), *index, t_ms, device});
}

}  // namespace gw::nvmlsim

#endif  // GW_TOOLS_NVML_SIM_SIM_STATE_H_
