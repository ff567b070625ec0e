// Event sets of the simulated driver: Xid critical errors from the scenario's xid_events.
#include <chrono>
#include <string_view>
#include <thread>

#include "sim_exports.h"
#include "sim_state.h"

namespace gw::nvmlsim {
namespace {

constexpr unsigned kNoInstance = 0xFFFFFFFF;
constexpr int64_t kPollMs = 50;  // the longest sleep between checks for a due event

enum class Poll { kDelivered, kNothingDue, kError };

// Delivers the earliest due, undelivered Xid of a registered GPU that is not lost.
// REQUIRES: state.mu held, set live.
bool DeliverDue(SimState& state, nvmlEventSet_st& set, int64_t t_ms, nvmlEventData_t* data) {
  nvmlEventSet_st::Registration* best = nullptr;
  int64_t best_at_ms = 0;
  for (auto& registration : set.registrations) {
    if (registration.index >= state.scenario.gpus.size()) continue;
    const SimGpu& gpu = state.scenario.gpus[registration.index];
    if (IsLost(gpu, t_ms) || registration.next_event >= gpu.xid_events.size()) continue;
    int64_t at_ms = gpu.xid_events[registration.next_event].at_ms;
    if (at_ms <= t_ms && (best == nullptr || at_ms < best_at_ms)) {
      best = &registration;
      best_at_ms = at_ms;
    }
  }
  if (best == nullptr) return false;
  const SimGpu& gpu = state.scenario.gpus[best->index];
  *data = nvmlEventData_t{};
  data->device = state.devices[best->index].get();
  data->eventType = NVML_EVENT_TYPE_XID_CRITICAL_ERROR;
  data->eventData = gpu.xid_events[best->next_event].xid;
  data->gpuInstanceId = kNoInstance;
  data->computeInstanceId = kNoInstance;
  ++best->next_event;
  return true;
}

nvmlReturn_t PollOnce(std::string_view function, nvmlEventSet_t set, nvmlEventData_t* data) {
  SimState& state = State();
  std::lock_guard<std::mutex> lock(state.mu);
  int64_t t_ms = TimelineMs(state);
  if (nvmlReturn_t ret = CheckDriver(state, function, t_ms); ret != NVML_SUCCESS) return ret;
  if (data == nullptr || !state.event_sets.contains(set)) return NVML_ERROR_INVALID_ARGUMENT;
  return DeliverDue(state, *set, t_ms, data) ? NVML_SUCCESS : NVML_ERROR_TIMEOUT;
}

nvmlReturn_t Wait(std::string_view function, nvmlEventSet_t set, nvmlEventData_t* data,
                  unsigned int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    nvmlReturn_t ret = PollOnce(function, set, data);
    if (ret != NVML_ERROR_TIMEOUT) return ret;
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return NVML_ERROR_TIMEOUT;
    // Sleep without the lock, so the collector thread keeps working meanwhile.
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(deadline - now,
                                                      std::chrono::milliseconds(kPollMs)));
  }
}

nvmlReturn_t Register(nvmlDevice_t device, unsigned long long event_types, nvmlEventSet_t set) {
  return WithDevice("nvmlDeviceRegisterEvents", device,
                    [&](const DeviceView& view) -> nvmlReturn_t {
                      SimState& state = State();  // mu is held by WithDevice
                      if (!state.event_sets.contains(set)) return NVML_ERROR_INVALID_ARGUMENT;
                      if ((event_types & NVML_EVENT_TYPE_XID_CRITICAL_ERROR) == 0) {
                        return NVML_ERROR_NOT_SUPPORTED;
                      }
                      // Only Xids at or after registration are delivered, as with NVML.
                      size_t next = 0;
                      const auto& events = view.gpu.xid_events;
                      while (next < events.size() && events[next].at_ms < view.t_ms) ++next;
                      for (auto& registration : set->registrations) {
                        if (registration.index == view.index) return NVML_SUCCESS;
                      }
                      set->registrations.push_back({view.index, next});
                      return NVML_SUCCESS;
                    });
}

}  // namespace
}  // namespace gw::nvmlsim

namespace sim = gw::nvmlsim;

GW_NVMLSIM_API nvmlReturn_t nvmlEventSetCreate(nvmlEventSet_t* set) {
  sim::SimState& state = sim::State();
  std::lock_guard<std::mutex> lock(state.mu);
  if (nvmlReturn_t ret = sim::CheckDriver(state, __func__, sim::TimelineMs(state));
      ret != NVML_SUCCESS) {
    return ret;
  }
  if (set == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  *set = new nvmlEventSet_st();
  state.event_sets.insert(*set);
  return NVML_SUCCESS;
}

GW_NVMLSIM_API nvmlReturn_t nvmlEventSetFree(nvmlEventSet_t set) {
  sim::SimState& state = sim::State();
  std::lock_guard<std::mutex> lock(state.mu);
  if (state.init_count == 0) return NVML_ERROR_UNINITIALIZED;
  // Freeing works inside a driver_unavailable window: a watcher rebuilding its set needs it.
  if (state.event_sets.erase(set) == 0) return NVML_ERROR_INVALID_ARGUMENT;
  delete set;
  return NVML_SUCCESS;
}

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceRegisterEvents(nvmlDevice_t device,
                                                     unsigned long long event_types,
                                                     nvmlEventSet_t set) {
  return sim::Register(device, event_types, set);
}

GW_NVMLSIM_API nvmlReturn_t nvmlEventSetWait(nvmlEventSet_t set, nvmlEventData_t* data,
                                             unsigned int timeout_ms) {
  return sim::Wait(__func__, set, data, timeout_ms);
}

#ifndef NVML_SIM_OLD_DRIVER
GW_NVMLSIM_API nvmlReturn_t nvmlEventSetWait_v2(nvmlEventSet_t set, nvmlEventData_t* data,
                                                unsigned int timeout_ms) {
  return sim::Wait(__func__, set, data, timeout_ms);
}
#endif  // NVML_SIM_OLD_DRIVER
