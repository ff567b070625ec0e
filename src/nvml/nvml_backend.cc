#include "nvml/nvml_backend.h"

#include <array>
#include <string>

namespace gw::nvml {
namespace {

constexpr std::array<std::string_view, static_cast<size_t>(CallSite::kCount)> kCallNames = {
    "nvmlDeviceGetUtilizationRates",
    "nvmlDeviceGetEncoderUtilization",
    "nvmlDeviceGetDecoderUtilization",
    "nvmlDeviceGetClockInfo(SM)",
    "nvmlDeviceGetClockInfo(MEM)",
    "nvmlDeviceGetTemperature",
    "nvmlDeviceGetFieldValues",
    "nvmlDeviceGetPowerUsage",
    "nvmlDeviceGetEnforcedPowerLimit",
    "nvmlDeviceGetTotalEnergyConsumption",
    "nvmlDeviceGetPcieReplayCounter",
    "nvmlDeviceGetMemoryInfo",
    "nvmlDeviceGetTotalEccErrors(corrected,volatile)",
    "nvmlDeviceGetTotalEccErrors(uncorrected,volatile)",
    "nvmlDeviceGetTotalEccErrors(corrected,aggregate)",
    "nvmlDeviceGetTotalEccErrors(uncorrected,aggregate)",
    "nvmlDeviceGetCurrentClocksEventReasons",
    "nvmlDeviceGetComputeRunningProcesses",
};

bool IsDriverGone(nvmlReturn_t r) {
  return r == NVML_ERROR_UNINITIALIZED || r == NVML_ERROR_DRIVER_NOT_LOADED ||
         r == NVML_ERROR_UNKNOWN || r == NVML_ERROR_LIBRARY_NOT_FOUND;
}

std::string CString(const char* buf, size_t cap) {
  size_t n = 0;
  while (n < cap && buf[n] != '\0') ++n;
  return std::string(buf, n);
}

}  // namespace

Status NvmlError(std::string_view function, nvmlReturn_t code) {
  std::string msg = std::string(function) + ": " + std::string(NvmlReturnName(code));
  switch (code) {
    case NVML_ERROR_GPU_IS_LOST:
    case NVML_ERROR_DRIVER_NOT_LOADED:
    case NVML_ERROR_UNINITIALIZED:
    case NVML_ERROR_UNKNOWN:
    case NVML_ERROR_RESET_REQUIRED:
      return UnavailableError(std::move(msg));
    case NVML_ERROR_NO_PERMISSION:
      return PermissionDeniedError(std::move(msg));
    case NVML_ERROR_NOT_SUPPORTED:
    case NVML_ERROR_FUNCTION_NOT_FOUND:
      return UnimplementedError(std::move(msg));
    case NVML_ERROR_TIMEOUT:
      return DeadlineExceededError(std::move(msg));
    default:
      return InternalError(std::move(msg));
  }
}

Status NvmlBackend::Init() {
  if (initialized_) return Status::Ok();
  if (lib_ == nullptr) {
    GW_ASSIGN_OR_RETURN(lib_, NvmlLibrary::Load(library_path_));
    fn_ = lib_->fn();
  }
  nvmlReturn_t r = fn_.nvmlInit();
  if (r != NVML_SUCCESS) {
    return NvmlError(lib_->BoundName("nvmlInit"), r).WithContext("initialising NVML");
  }
  initialized_ = true;
  return Status::Ok();
}

void NvmlBackend::Shutdown() {
  if (events_ != nullptr && fn_.nvmlEventSetFree != nullptr) fn_.nvmlEventSetFree(events_);
  events_ = nullptr;
  gpus_.clear();
  if (initialized_ && fn_.nvmlShutdown != nullptr) fn_.nvmlShutdown();
  initialized_ = false;
}

std::string NvmlBackend::DriverVersion() {
  if (fn_.nvmlSystemGetDriverVersion == nullptr) return "";
  char buf[NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE] = {};
  if (fn_.nvmlSystemGetDriverVersion(buf, sizeof(buf)) != NVML_SUCCESS) return "";
  return CString(buf, sizeof(buf));
}

StatusOr<unsigned> NvmlBackend::DeviceCount() {
  unsigned count = 0;
  nvmlReturn_t r = fn_.nvmlDeviceGetCount(&count);
  if (r != NVML_SUCCESS) return NvmlError(lib_->BoundName("nvmlDeviceGetCount"), r);
  return count;
}

StatusOr<GpuStatic> NvmlBackend::Open(unsigned index) {
  Gpu gpu;
  nvmlReturn_t r = fn_.nvmlDeviceGetHandleByIndex(index, &gpu.handle);
  if (r != NVML_SUCCESS) return NvmlError(lib_->BoundName("nvmlDeviceGetHandleByIndex"), r);
  GpuStatic info;
  info.index = index;
  info.minor_number = index;
  char buf[NVML_DEVICE_UUID_V2_BUFFER_SIZE] = {};
  if (fn_.nvmlDeviceGetUUID != nullptr) {
    r = fn_.nvmlDeviceGetUUID(gpu.handle, buf, sizeof(buf));
    if (r != NVML_SUCCESS) return NvmlError("nvmlDeviceGetUUID", r);
    info.uuid = CString(buf, sizeof(buf));
  }
  if (fn_.nvmlDeviceGetName != nullptr &&
      fn_.nvmlDeviceGetName(gpu.handle, buf, sizeof(buf)) == NVML_SUCCESS) {
    info.name = CString(buf, sizeof(buf));
  }
  nvmlPciInfo_t pci = {};
  if (fn_.nvmlDeviceGetPciInfo != nullptr &&
      fn_.nvmlDeviceGetPciInfo(gpu.handle, &pci) == NVML_SUCCESS) {
    info.pci_bus_id = CString(pci.busId, sizeof(pci.busId));
  }
  unsigned value = 0;
  if (fn_.nvmlDeviceGetMinorNumber != nullptr &&
      fn_.nvmlDeviceGetMinorNumber(gpu.handle, &value) == NVML_SUCCESS) {
    info.minor_number = value;
  }
  auto optional_uint = [&](auto fn, auto... args) -> std::optional<double> {
    unsigned v = 0;
    if (fn == nullptr || fn(gpu.handle, args..., &v) != NVML_SUCCESS) return std::nullopt;
    return static_cast<double>(v);
  };
  info.max_sm_clock_mhz = optional_uint(fn_.nvmlDeviceGetMaxClockInfo, NVML_CLOCK_SM);
  info.max_mem_clock_mhz = optional_uint(fn_.nvmlDeviceGetMaxClockInfo, NVML_CLOCK_MEM);
  info.slowdown_temp_c =
      optional_uint(fn_.nvmlDeviceGetTemperatureThreshold, NVML_TEMPERATURE_THRESHOLD_SLOWDOWN);
  info.shutdown_temp_c =
      optional_uint(fn_.nvmlDeviceGetTemperatureThreshold, NVML_TEMPERATURE_THRESHOLD_SHUTDOWN);
  gpu.uuid = info.uuid;
  gpus_[index] = std::move(gpu);
  return info;
}

bool NvmlBackend::Check(Gpu& gpu, CallSite site, nvmlReturn_t r, GpuReading* reading) const {
  if (r == NVML_SUCCESS) return true;
  std::string_view name = kCallNames[static_cast<size_t>(site)];
  if (r == NVML_ERROR_NOT_SUPPORTED || r == NVML_ERROR_FUNCTION_NOT_FOUND) {
    gpu.unsupported.set(static_cast<size_t>(site));
    reading->unsupported.emplace_back(name);
    return false;
  }
  if (r == NVML_ERROR_GPU_IS_LOST) reading->lost = true;
  if (IsDriverGone(r)) reading->driver_gone = true;
  reading->errors.push_back({std::string(name), std::string(NvmlReturnName(r))});
  return false;
}

bool NvmlBackend::Skip(Gpu& gpu, CallSite site, bool available, GpuReading* reading) const {
  size_t i = static_cast<size_t>(site);
  if (!available) gpu.unsupported.set(i);
  if (gpu.unsupported.test(i)) {
    reading->unsupported.emplace_back(kCallNames[i]);
    return true;
  }
  return reading->lost || reading->driver_gone;
}

GpuReading NvmlBackend::Read(unsigned index) {
  GpuReading reading;
  auto it = gpus_.find(index);
  if (it == gpus_.end()) {
    reading.errors.push_back({"Read", "GPU not opened"});
    return reading;
  }
  Gpu& gpu = it->second;
  ReadUtilization(gpu, &reading);
  ReadClocksAndThermals(gpu, &reading);
  ReadFieldValues(gpu, &reading);
  ReadPower(gpu, &reading);
  ReadMemory(gpu, &reading);
  ReadEcc(gpu, &reading);
  ReadProcesses(gpu, &reading);
  return reading;
}

Status NvmlBackend::WatchXid() {
  if (fn_.nvmlEventSetCreate == nullptr || fn_.nvmlDeviceRegisterEvents == nullptr ||
      fn_.nvmlEventSetWait == nullptr) {
    return UnimplementedError("this NVML has no event API (nvmlEventSetCreate/Wait)");
  }
  if (events_ == nullptr) {
    nvmlReturn_t r = fn_.nvmlEventSetCreate(&events_);
    if (r != NVML_SUCCESS) return NvmlError("nvmlEventSetCreate", r);
  }
  int registered = 0;
  for (auto& [index, gpu] : gpus_) {
    nvmlReturn_t r =
        fn_.nvmlDeviceRegisterEvents(gpu.handle, NVML_EVENT_TYPE_XID_CRITICAL_ERROR, events_);
    if (r == NVML_SUCCESS) ++registered;
  }
  if (registered == 0 && !gpus_.empty()) {
    return UnimplementedError("no GPU accepted Xid event registration");
  }
  return Status::Ok();
}

StatusOr<std::optional<XidRecord>> NvmlBackend::WaitXid(unsigned timeout_ms) {
  if (events_ == nullptr) return FailedPreconditionError("WaitXid before WatchXid");
  nvmlEventData_t data = {};
  nvmlReturn_t r = fn_.nvmlEventSetWait(events_, &data, timeout_ms);
  if (r == NVML_ERROR_TIMEOUT) return std::optional<XidRecord>();
  if (r != NVML_SUCCESS) return NvmlError(lib_->BoundName("nvmlEventSetWait"), r);
  if (data.eventType != NVML_EVENT_TYPE_XID_CRITICAL_ERROR) return std::optional<XidRecord>();
  XidRecord rec;
  rec.xid = data.eventData;
  // The UUID was cached at registration: the GPU may be unreadable by now.
  for (const auto& [index, gpu] : gpus_) {
    if (gpu.handle == data.device) {
      rec.index = index;
      rec.uuid = gpu.uuid;
      return std::optional<XidRecord>(rec);
    }
  }
  return std::optional<XidRecord>();  // an event for a GPU we never opened
}

}  // namespace gw::nvml
