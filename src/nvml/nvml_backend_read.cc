// NvmlBackend: the per-collection reads, one small function per group of driver calls.
#include <vector>

#include "nvml/nvml_backend.h"

namespace gw::nvml {
namespace {

constexpr double kMib = 1024.0 * 1024.0;

// The driver reports "not available" per process with all bits set.
constexpr unsigned long long kValueNotAvailable = ~0ULL;  // NOLINT(google-runtime-int): NVML ABI

// Reads a process list through `fn`, whose entries have the layout `Info` (24 or 16 bytes).
// The list can grow between the sizing call and the read: retries a few times with slack.
template <typename Info, typename Fn>
nvmlReturn_t ReadProcessList(Fn fn, nvmlDevice_t device, std::vector<GpuProcess>* out) {
  unsigned count = 0;
  nvmlReturn_t r = NVML_SUCCESS;
  for (int attempt = 0; attempt < 3; ++attempt) {
    unsigned capacity = count + 8;
    count = capacity;
    std::vector<Info> infos(capacity);
    r = fn(device, &count, infos.data());
    if (r == NVML_ERROR_INSUFFICIENT_SIZE) continue;
    for (unsigned i = 0; r == NVML_SUCCESS && i < count && i < capacity; ++i) {
      GpuProcess p{infos[i].pid, std::nullopt};
      if (infos[i].usedGpuMemory != kValueNotAvailable) p.used_memory_bytes = infos[i].usedGpuMemory;
      out->push_back(p);
    }
    return r;
  }
  return r;
}

}  // namespace

void NvmlBackend::ReadUtilization(Gpu& gpu, GpuReading* reading) const {
  nvmlDevice_t h = gpu.handle;
  if (!Skip(gpu, CallSite::kUtilization, fn_.nvmlDeviceGetUtilizationRates != nullptr, reading)) {
    nvmlUtilization_t u = {};
    if (Check(gpu, CallSite::kUtilization, fn_.nvmlDeviceGetUtilizationRates(h, &u), reading)) {
      reading->Set(GpuField::kGpuUtilPercent, u.gpu);
      reading->Set(GpuField::kMemCopyUtilPercent, u.memory);
    }
  }
  unsigned value = 0;
  unsigned period_us = 0;
  if (!Skip(gpu, CallSite::kEncoder, fn_.nvmlDeviceGetEncoderUtilization != nullptr, reading) &&
      Check(gpu, CallSite::kEncoder, fn_.nvmlDeviceGetEncoderUtilization(h, &value, &period_us),
            reading)) {
    reading->Set(GpuField::kEncUtilPercent, value);
  }
  if (!Skip(gpu, CallSite::kDecoder, fn_.nvmlDeviceGetDecoderUtilization != nullptr, reading) &&
      Check(gpu, CallSite::kDecoder, fn_.nvmlDeviceGetDecoderUtilization(h, &value, &period_us),
            reading)) {
    reading->Set(GpuField::kDecUtilPercent, value);
  }
}

void NvmlBackend::ReadClocksAndThermals(Gpu& gpu, GpuReading* reading) const {
  nvmlDevice_t h = gpu.handle;
  unsigned value = 0;
  const bool clock_fn = fn_.nvmlDeviceGetClockInfo != nullptr;
  if (!Skip(gpu, CallSite::kSmClock, clock_fn, reading) &&
      Check(gpu, CallSite::kSmClock, fn_.nvmlDeviceGetClockInfo(h, NVML_CLOCK_SM, &value),
            reading)) {
    reading->Set(GpuField::kSmClockMhz, value);
  }
  if (!Skip(gpu, CallSite::kMemClock, clock_fn, reading) &&
      Check(gpu, CallSite::kMemClock, fn_.nvmlDeviceGetClockInfo(h, NVML_CLOCK_MEM, &value),
            reading)) {
    reading->Set(GpuField::kMemClockMhz, value);
  }
  if (!Skip(gpu, CallSite::kTemperature, fn_.nvmlDeviceGetTemperature != nullptr, reading) &&
      Check(gpu, CallSite::kTemperature,
            fn_.nvmlDeviceGetTemperature(h, NVML_TEMPERATURE_GPU, &value), reading)) {
    reading->Set(GpuField::kGpuTempC, value);
  }
  // Prefer the current name; drivers before R535 only have the "throttle" one.
  auto reasons_fn = fn_.nvmlDeviceGetCurrentClocksEventReasons != nullptr
                        ? fn_.nvmlDeviceGetCurrentClocksEventReasons
                        : fn_.nvmlDeviceGetCurrentClocksThrottleReasons;
  unsigned long long reasons = 0;  // NOLINT(google-runtime-int): NVML ABI
  if (!Skip(gpu, CallSite::kThrottleReasons, reasons_fn != nullptr, reading) &&
      Check(gpu, CallSite::kThrottleReasons, reasons_fn(h, &reasons), reading)) {
    reading->Set(GpuField::kThrottleReasons, static_cast<double>(reasons));
  }
}

void NvmlBackend::ReadFieldValues(Gpu& gpu, GpuReading* reading) const {
  if (Skip(gpu, CallSite::kFieldValues, fn_.nvmlDeviceGetFieldValues != nullptr, reading)) return;
  struct Wanted {
    unsigned id;
    GpuField field;
  };
  static constexpr Wanted kWanted[] = {
      {NVML_FI_DEV_MEMORY_TEMP, GpuField::kMemTempC},
      {NVML_FI_DEV_REMAPPED_COR, GpuField::kRemappedCorrectable},
      {NVML_FI_DEV_REMAPPED_UNC, GpuField::kRemappedUncorrectable},
      {NVML_FI_DEV_REMAPPED_PENDING, GpuField::kRemappedPending},
      {NVML_FI_DEV_REMAPPED_FAILURE, GpuField::kRemappedFailure},
  };
  nvmlFieldValue_t values[std::size(kWanted)] = {};
  for (size_t i = 0; i < std::size(kWanted); ++i) values[i].fieldId = kWanted[i].id;
  if (!Check(gpu, CallSite::kFieldValues,
             fn_.nvmlDeviceGetFieldValues(gpu.handle, static_cast<int>(std::size(kWanted)), values),
             reading)) {
    return;
  }
  for (size_t i = 0; i < std::size(kWanted); ++i) {
    const nvmlFieldValue_t& v = values[i];
    if (v.nvmlReturn != NVML_SUCCESS) continue;  // per field: this GPU lacks it
    double d = 0;
    switch (v.valueType) {
      case NVML_VALUE_TYPE_DOUBLE:
        d = v.value.dVal;
        break;
      case NVML_VALUE_TYPE_UNSIGNED_INT:
        d = v.value.uiVal;
        break;
      case NVML_VALUE_TYPE_UNSIGNED_LONG:
        d = static_cast<double>(v.value.ulVal);
        break;
      case NVML_VALUE_TYPE_UNSIGNED_LONG_LONG:
        d = static_cast<double>(v.value.ullVal);
        break;
      case NVML_VALUE_TYPE_SIGNED_LONG_LONG:
        d = static_cast<double>(v.value.sllVal);
        break;
      case NVML_VALUE_TYPE_SIGNED_INT:
        d = v.value.siVal;
        break;
      default:
        continue;
    }
    reading->Set(kWanted[i].field, d);
  }
}

void NvmlBackend::ReadPower(Gpu& gpu, GpuReading* reading) const {
  nvmlDevice_t h = gpu.handle;
  unsigned mw = 0;
  if (!Skip(gpu, CallSite::kPower, fn_.nvmlDeviceGetPowerUsage != nullptr, reading) &&
      Check(gpu, CallSite::kPower, fn_.nvmlDeviceGetPowerUsage(h, &mw), reading)) {
    reading->Set(GpuField::kPowerW, mw / 1000.0);
  }
  if (!Skip(gpu, CallSite::kPowerLimit, fn_.nvmlDeviceGetEnforcedPowerLimit != nullptr, reading) &&
      Check(gpu, CallSite::kPowerLimit, fn_.nvmlDeviceGetEnforcedPowerLimit(h, &mw), reading)) {
    reading->Set(GpuField::kPowerLimitW, mw / 1000.0);
  }
  unsigned long long mj = 0;  // NOLINT(google-runtime-int): NVML ABI
  if (!Skip(gpu, CallSite::kEnergy, fn_.nvmlDeviceGetTotalEnergyConsumption != nullptr, reading) &&
      Check(gpu, CallSite::kEnergy, fn_.nvmlDeviceGetTotalEnergyConsumption(h, &mj), reading)) {
    reading->Set(GpuField::kEnergyMj, static_cast<double>(mj));
  }
  unsigned replays = 0;
  if (!Skip(gpu, CallSite::kPcieReplay, fn_.nvmlDeviceGetPcieReplayCounter != nullptr, reading) &&
      Check(gpu, CallSite::kPcieReplay, fn_.nvmlDeviceGetPcieReplayCounter(h, &replays), reading)) {
    reading->Set(GpuField::kPcieReplays, replays);
  }
}

void NvmlBackend::ReadMemory(Gpu& gpu, GpuReading* reading) const {
  if (Skip(gpu, CallSite::kMemoryInfo,
           fn_.nvmlDeviceGetMemoryInfo_v2 != nullptr || fn_.nvmlDeviceGetMemoryInfo != nullptr,
           reading)) {
    return;
  }
  if (fn_.nvmlDeviceGetMemoryInfo_v2 != nullptr) {
    nvmlMemory_v2_t m = {};
    m.version = nvmlMemory_v2;  // the versioned struct tag, not the number 2
    nvmlReturn_t r = fn_.nvmlDeviceGetMemoryInfo_v2(gpu.handle, &m);
    if (r == NVML_SUCCESS) {
      reading->Set(GpuField::kFbTotalMib, static_cast<double>(m.total) / kMib);
      reading->Set(GpuField::kFbFreeMib, static_cast<double>(m.free) / kMib);
      reading->Set(GpuField::kFbUsedMib, static_cast<double>(m.used) / kMib);
      reading->Set(GpuField::kFbReservedMib, static_cast<double>(m.reserved) / kMib);
      return;
    }
    // A driver whose v2 rejects our version tag still answers v1 below.
    if (r != NVML_ERROR_ARGUMENT_VERSION_MISMATCH && r != NVML_ERROR_FUNCTION_NOT_FOUND) {
      Check(gpu, CallSite::kMemoryInfo, r, reading);
      return;
    }
  }
  if (fn_.nvmlDeviceGetMemoryInfo == nullptr) return;
  nvmlMemory_t m = {};
  if (Check(gpu, CallSite::kMemoryInfo, fn_.nvmlDeviceGetMemoryInfo(gpu.handle, &m), reading)) {
    // v1's "used" includes the reserved memory; reserved itself is unknown.
    reading->Set(GpuField::kFbTotalMib, static_cast<double>(m.total) / kMib);
    reading->Set(GpuField::kFbFreeMib, static_cast<double>(m.free) / kMib);
    reading->Set(GpuField::kFbUsedMib, static_cast<double>(m.used) / kMib);
  }
}

void NvmlBackend::ReadEcc(Gpu& gpu, GpuReading* reading) const {
  struct Counter {
    CallSite site;
    int error_type;
    int counter_type;
    GpuField field;
  };
  static constexpr Counter kCounters[] = {
      {CallSite::kEccSbeVolatile, NVML_MEMORY_ERROR_TYPE_CORRECTED, NVML_VOLATILE_ECC,
       GpuField::kEccSbeVolatile},
      {CallSite::kEccDbeVolatile, NVML_MEMORY_ERROR_TYPE_UNCORRECTED, NVML_VOLATILE_ECC,
       GpuField::kEccDbeVolatile},
      {CallSite::kEccSbeAggregate, NVML_MEMORY_ERROR_TYPE_CORRECTED, NVML_AGGREGATE_ECC,
       GpuField::kEccSbeAggregate},
      {CallSite::kEccDbeAggregate, NVML_MEMORY_ERROR_TYPE_UNCORRECTED, NVML_AGGREGATE_ECC,
       GpuField::kEccDbeAggregate},
  };
  for (const Counter& c : kCounters) {
    if (Skip(gpu, c.site, fn_.nvmlDeviceGetTotalEccErrors != nullptr, reading)) continue;
    unsigned long long count = 0;  // NOLINT(google-runtime-int): NVML ABI
    if (Check(gpu, c.site,
              fn_.nvmlDeviceGetTotalEccErrors(gpu.handle, c.error_type, c.counter_type, &count),
              reading)) {
      reading->Set(c.field, static_cast<double>(count));
    }
  }
}

void NvmlBackend::ReadProcesses(Gpu& gpu, GpuReading* reading) const {
  // _v2 first: some R535 drivers filled a 32-byte struct through _v3 without a version bump,
  // while _v2 has kept the 24-byte layout on every driver that exports it.
  auto v24 = fn_.nvmlDeviceGetComputeRunningProcesses_v2 != nullptr
                 ? fn_.nvmlDeviceGetComputeRunningProcesses_v2
                 : fn_.nvmlDeviceGetComputeRunningProcesses_v3;
  auto v16 = fn_.nvmlDeviceGetComputeRunningProcesses;
  if (Skip(gpu, CallSite::kProcesses, v24 != nullptr || v16 != nullptr, reading)) return;
  std::vector<GpuProcess> out;
  nvmlReturn_t r = v24 != nullptr ? ReadProcessList<nvmlProcessInfo_t>(v24, gpu.handle, &out)
                                  : ReadProcessList<nvmlProcessInfo_v1_t>(v16, gpu.handle, &out);
  if (Check(gpu, CallSite::kProcesses, r, reading)) reading->processes = std::move(out);
}

}  // namespace gw::nvml
