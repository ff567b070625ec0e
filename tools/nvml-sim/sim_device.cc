// Device identity, memory, PCI and process queries of the simulated driver.
#include <cstdio>
#include <string_view>
#include <vector>

#include "sim_exports.h"
#include "sim_state.h"

namespace gw::nvmlsim {
namespace {

constexpr uint64_t kMiB = uint64_t{1024} * 1024;
constexpr unsigned kNoInstance = 0xFFFFFFFF;  // gpuInstanceId/computeInstanceId when not MIG

nvmlReturn_t GetPciInfo(std::string_view function, nvmlDevice_t device, nvmlPciInfo_t* pci) {
  return WithDevice(function, device, [&](const DeviceView& view) -> nvmlReturn_t {
    if (pci == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    unsigned domain = 0, bus = 0, slot = 0, fn = 0;
    // The parser normalised the id to "%08X:%02X:%02X.%X".
    std::sscanf(view.gpu.pci_bus_id.c_str(), "%x:%x:%x.%x", &domain, &bus, &slot, &fn);
    *pci = nvmlPciInfo_t{};
    std::snprintf(pci->busIdLegacy, sizeof(pci->busIdLegacy), "%04X:%02X:%02X.0", domain & 0xFFFF,
                  bus, slot);
    std::snprintf(pci->busId, sizeof(pci->busId), "%s", view.gpu.pci_bus_id.c_str());
    pci->domain = domain;
    pci->bus = bus;
    pci->device = slot;
    pci->pciDeviceId = view.gpu.pci_device_id;
    pci->pciSubSystemId = view.gpu.pci_subsystem_id;
    return NVML_SUCCESS;
  });
}

// Bytes in use by the processes at t: memory_used_mib, which the v1 struct adds reserved to.
uint64_t UsedBytes(const DeviceView& view) {
  return static_cast<uint64_t>(RoundToU64(view.gpu.memory_used_mib.At(view.t_ms))) * kMiB;
}

std::vector<const SimProcess*> ActiveProcesses(const DeviceView& view) {
  std::vector<const SimProcess*> active;
  for (const SimProcess& process : view.gpu.processes) {
    if (view.t_ms >= process.from_ms && view.t_ms < process.to_ms) active.push_back(&process);
  }
  return active;
}

// Fills infos as NVML does: INSUFFICIENT_SIZE with the needed count when it does not fit.
template <typename Info>
nvmlReturn_t GetProcesses(std::string_view function, nvmlDevice_t device, unsigned int* count,
                          Info* infos) {
  return WithDevice(function, device, [&](const DeviceView& view) -> nvmlReturn_t {
    if (count == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    std::vector<const SimProcess*> active = ActiveProcesses(view);
    unsigned needed = static_cast<unsigned>(active.size());
    if (*count < needed) {
      *count = needed;
      return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    if (infos == nullptr && needed > 0) return NVML_ERROR_INVALID_ARGUMENT;
    for (unsigned i = 0; i < needed; ++i) {
      infos[i] = Info{};
      infos[i].pid = active[i]->pid;
      infos[i].usedGpuMemory = active[i]->used_memory_bytes;
      if constexpr (sizeof(Info) == sizeof(nvmlProcessInfo_t)) {
        infos[i].gpuInstanceId = kNoInstance;
        infos[i].computeInstanceId = kNoInstance;
      }
    }
    *count = needed;
    return NVML_SUCCESS;
  });
}

}  // namespace
}  // namespace gw::nvmlsim

namespace sim = gw::nvmlsim;

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char* name,
                                              unsigned int length) {
  return sim::WithDevice(__func__, device, [&](const sim::DeviceView& view) -> nvmlReturn_t {
    return sim::CopyOut(view.gpu.name, name, length);
  });
}

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char* uuid,
                                              unsigned int length) {
  return sim::WithDevice(__func__, device, [&](const sim::DeviceView& view) -> nvmlReturn_t {
    return sim::CopyOut(view.gpu.uuid, uuid, length);
  });
}

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetIndex(nvmlDevice_t device, unsigned int* index) {
  return sim::WithDevice(__func__, device, [&](const sim::DeviceView& view) -> nvmlReturn_t {
    if (index == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    *index = view.index;
    return NVML_SUCCESS;
  });
}

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetMinorNumber(nvmlDevice_t device, unsigned int* minor) {
  return sim::WithDevice(__func__, device, [&](const sim::DeviceView& view) -> nvmlReturn_t {
    if (minor == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    *minor = view.gpu.minor_number;
    return NVML_SUCCESS;
  });
}

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetPciInfo(nvmlDevice_t device, nvmlPciInfo_t* pci) {
  return sim::GetPciInfo(__func__, device, pci);
}

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t* memory) {
  return sim::WithDevice(__func__, device, [&](const sim::DeviceView& view) -> nvmlReturn_t {
    if (memory == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    if (!view.gpu.memory_used_mib.present()) return NVML_ERROR_NOT_SUPPORTED;
    uint64_t total = view.gpu.memory_total_bytes;
    uint64_t used = std::min(total, view.gpu.memory_reserved_bytes + sim::UsedBytes(view));
    *memory = nvmlMemory_t{total, total - used, used};
    return NVML_SUCCESS;
  });
}

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetComputeRunningProcesses(nvmlDevice_t device,
                                                                 unsigned int* count,
                                                                 nvmlProcessInfo_v1_t* infos) {
  return sim::GetProcesses(__func__, device, count, infos);
}

#ifndef NVML_SIM_OLD_DRIVER

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, nvmlPciInfo_t* pci) {
  return sim::GetPciInfo(__func__, device, pci);
}

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device,
                                                       nvmlMemory_v2_t* memory) {
  return sim::WithDevice(__func__, device, [&](const sim::DeviceView& view) -> nvmlReturn_t {
    if (memory == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    if (memory->version != nvmlMemory_v2) return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    if (!view.gpu.memory_used_mib.present()) return NVML_ERROR_NOT_SUPPORTED;
    uint64_t total = view.gpu.memory_total_bytes;
    uint64_t reserved = view.gpu.memory_reserved_bytes;
    uint64_t used = std::min(total - reserved, sim::UsedBytes(view));
    memory->total = total;
    memory->reserved = reserved;
    memory->free = total - reserved - used;
    memory->used = used;
    return NVML_SUCCESS;
  });
}

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device,
                                                                    unsigned int* count,
                                                                    nvmlProcessInfo_t* infos) {
  return sim::GetProcesses(__func__, device, count, infos);
}

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v2(nvmlDevice_t device,
                                                                    unsigned int* count,
                                                                    nvmlProcessInfo_t* infos) {
  return sim::GetProcesses(__func__, device, count, infos);
}

#endif  // NVML_SIM_OLD_DRIVER
