// libnvidia-ml.so.1 stand-in: initialisation, system queries and device enumeration. Device
// queries are in sim_device.cc, events in sim_events.cc. Built twice: with
// NVML_SIM_OLD_DRIVER the _v2/_v3 entry points and the newer functions are left out, as in
// an old driver.
#include <string_view>

#include "sim_exports.h"
#include "sim_state.h"

namespace gw::nvmlsim {
namespace {

nvmlReturn_t GetCount(std::string_view function, unsigned int* count) {
  SimState& state = State();
  std::lock_guard<std::mutex> lock(state.mu);
  if (nvmlReturn_t ret = CheckDriver(state, function, TimelineMs(state)); ret != NVML_SUCCESS) {
    return ret;
  }
  if (count == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  *count = static_cast<unsigned>(state.scenario.gpus.size());
  return NVML_SUCCESS;
}

nvmlReturn_t GetHandleByIndex(std::string_view function, unsigned int index,
                              nvmlDevice_t* device) {
  SimState& state = State();
  std::lock_guard<std::mutex> lock(state.mu);
  int64_t t_ms = TimelineMs(state);
  if (nvmlReturn_t ret = CheckDriver(state, function, t_ms); ret != NVML_SUCCESS) return ret;
  if (device == nullptr || index >= state.scenario.gpus.size()) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  const SimGpu& gpu = state.scenario.gpus[index];
  if (IsLost(gpu, t_ms)) return NVML_ERROR_GPU_IS_LOST;
  if (Unsupported(state.scenario, &gpu, function)) return NVML_ERROR_NOT_SUPPORTED;
  *device = state.devices[index].get();
  return NVML_SUCCESS;
}

nvmlReturn_t GetVersion(std::string_view function, std::string Scenario::*field, char* buffer,
                        unsigned int length) {
  SimState& state = State();
  std::lock_guard<std::mutex> lock(state.mu);
  if (nvmlReturn_t ret = CheckDriver(state, function, TimelineMs(state)); ret != NVML_SUCCESS) {
    return ret;
  }
  return CopyOut(state.scenario.*field, buffer, length);
}

}  // namespace
}  // namespace gw::nvmlsim

namespace sim = gw::nvmlsim;

GW_NVMLSIM_API nvmlReturn_t nvmlInit(void) { return sim::Init(sim::InitKind::kV1); }

GW_NVMLSIM_API nvmlReturn_t nvmlShutdown(void) { return sim::Shutdown(); }

GW_NVMLSIM_API const char* nvmlErrorString(nvmlReturn_t result) {
  switch (result) {
    case 0: return "Success";
    case 1: return "Uninitialized";
    case 2: return "Invalid Argument";
    case 3: return "Not Supported";
    case 4: return "Insufficient Permissions";
    case 5: return "Already Initialized";
    case 6: return "Not Found";
    case 7: return "Insufficient Size";
    case 8: return "Insufficient External Power";
    case 9: return "Driver Not Loaded";
    case 10: return "Timeout";
    case 11: return "Interrupt request issue";
    case 12: return "NVML Shared Library Not Found";
    case 13: return "Function Not Found";
    case 14: return "Corrupted infoROM";
    case 15: return "GPU is lost";
    case 16: return "GPU requires restart";
    case 17: return "The operating system has blocked the request.";
    case 18: return "RM has detected an NVML/RM version mismatch.";
    case 19: return "In use by another client";
    case 20: return "Insufficient Memory";
    case 21: return "No data";
    case 23: return "Insufficient resources for request";
    case 24: return "Frequency not supported";
    case 25: return "Argument version mismatch";
    case 26: return "Deprecated";
    case 27: return "Not Ready";
    case 28: return "GPU not found";
    case 29: return "Invalid state";
    default: return "Unknown Error";
  }
}

GW_NVMLSIM_API const char* gwNvmlSimInfo(void) {
  return "nvml-sim (GPU Watchdog's simulated NVIDIA driver)";
}

GW_NVMLSIM_API nvmlReturn_t nvmlSystemGetDriverVersion(char* version, unsigned int length) {
  return sim::GetVersion(__func__, &sim::Scenario::driver_version, version, length);
}

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetCount(unsigned int* count) {
  return sim::GetCount(__func__, count);
}

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int index, nvmlDevice_t* device) {
  return sim::GetHandleByIndex(__func__, index, device);
}

#ifndef NVML_SIM_OLD_DRIVER

GW_NVMLSIM_API nvmlReturn_t nvmlInit_v2(void) { return sim::Init(sim::InitKind::kV2); }

GW_NVMLSIM_API nvmlReturn_t nvmlInitWithFlags(unsigned int /*flags*/) {
  // No flag changes anything here: a scenario without GPUs initialises anyway.
  return sim::Init(sim::InitKind::kWithFlags);
}

GW_NVMLSIM_API nvmlReturn_t nvmlSystemGetNVMLVersion(char* version, unsigned int length) {
  return sim::GetVersion(__func__, &sim::Scenario::nvml_version, version, length);
}

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int* count) {
  return sim::GetCount(__func__, count);
}

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index,
                                                          nvmlDevice_t* device) {
  return sim::GetHandleByIndex(__func__, index, device);
}

#endif  // NVML_SIM_OLD_DRIVER
