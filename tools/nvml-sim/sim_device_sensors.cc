// Sensor and counter queries of the simulated driver: utilisation, temperature, power, energy,
// clocks, throttle reasons, ECC and field values.
#include <string_view>

#include "sim_exports.h"
#include "sim_state.h"

namespace gw::nvmlsim {
namespace {

constexpr unsigned kCodecPeriodUs = 1000000;
constexpr long long kFieldLatencyUs = 5;

// The common shape "one curve, rounded to unsigned int".
nvmlReturn_t ReadCurve(std::string_view function, nvmlDevice_t device, Curve SimGpu::*curve,
                       unsigned int* out) {
  return WithDevice(function, device, [&](const DeviceView& view) -> nvmlReturn_t {
    if (out == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    const Curve& value = view.gpu.*curve;
    if (!value.present()) return NVML_ERROR_NOT_SUPPORTED;
    *out = RoundToUnsigned(value.At(view.t_ms));
    return NVML_SUCCESS;
  });
}

nvmlReturn_t ReadPowerMw(std::string_view function, nvmlDevice_t device, unsigned int* out) {
  return WithDevice(function, device, [&](const DeviceView& view) -> nvmlReturn_t {
    if (out == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    if (!view.gpu.power_w.present()) return NVML_ERROR_NOT_SUPPORTED;
    *out = RoundToUnsigned(view.gpu.power_w.At(view.t_ms) * 1000);
    return NVML_SUCCESS;
  });
}

nvmlReturn_t ReadCodec(std::string_view function, nvmlDevice_t device, Curve SimGpu::*curve,
                       unsigned int* util, unsigned int* period_us) {
  return WithDevice(function, device, [&](const DeviceView& view) -> nvmlReturn_t {
    if (util == nullptr || period_us == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    const Curve& value = view.gpu.*curve;
    if (!value.present()) return NVML_ERROR_NOT_SUPPORTED;
    *util = RoundToUnsigned(value.At(view.t_ms));
    *period_us = kCodecPeriodUs;
    return NVML_SUCCESS;
  });
}

// Clock curves and limits by nvmlClockType_t; null when the type is not simulated.
const Curve* ClockCurve(const SimGpu& gpu, int type) {
  if (type == NVML_CLOCK_GRAPHICS || type == NVML_CLOCK_SM) return &gpu.sm_clock_mhz;
  if (type == NVML_CLOCK_MEM) return &gpu.mem_clock_mhz;
  return nullptr;
}

const std::optional<unsigned>* MaxClock(const SimGpu& gpu, int type) {
  if (type == NVML_CLOCK_GRAPHICS || type == NVML_CLOCK_SM) return &gpu.max_sm_clock_mhz;
  if (type == NVML_CLOCK_MEM) return &gpu.max_mem_clock_mhz;
  return nullptr;
}

bool KnownClockType(int type) { return type >= NVML_CLOCK_GRAPHICS && type <= NVML_CLOCK_VIDEO; }

nvmlReturn_t ReadThrottleReasons(std::string_view function, nvmlDevice_t device,
                                 unsigned long long* reasons) {
  return WithDevice(function, device, [&](const DeviceView& view) -> nvmlReturn_t {
    if (reasons == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    if (!view.gpu.throttle_reasons.present()) return NVML_ERROR_NOT_SUPPORTED;
    *reasons = RoundToU64(view.gpu.throttle_reasons.At(view.t_ms));
    return NVML_SUCCESS;
  });
}

const Curve* EccCurve(const SimGpu& gpu, int error_type, int counter_type) {
  bool volatile_counter = counter_type == NVML_VOLATILE_ECC;
  if (error_type == NVML_MEMORY_ERROR_TYPE_CORRECTED) {
    return volatile_counter ? &gpu.ecc_corrected_volatile : &gpu.ecc_corrected_aggregate;
  }
  return volatile_counter ? &gpu.ecc_uncorrected_volatile : &gpu.ecc_uncorrected_aggregate;
}

void ReadField(const DeviceView& view, int64_t now_us, nvmlFieldValue_t& field) {
  const Curve* curve = nullptr;
  switch (field.fieldId) {
    case NVML_FI_DEV_MEMORY_TEMP: curve = &view.gpu.memory_temperature_c; break;
    case NVML_FI_DEV_PCIE_REPLAY_COUNTER: curve = &view.gpu.pcie_replay_count; break;
    case NVML_FI_DEV_REMAPPED_COR: curve = &view.gpu.remapped_correctable; break;
    case NVML_FI_DEV_REMAPPED_UNC: curve = &view.gpu.remapped_uncorrectable; break;
    case NVML_FI_DEV_REMAPPED_PENDING: curve = &view.gpu.remapped_pending; break;
    case NVML_FI_DEV_REMAPPED_FAILURE: curve = &view.gpu.remapped_failure; break;
    default: break;
  }
  field.timestamp = now_us;
  field.latencyUsec = kFieldLatencyUs;
  field.value.ullVal = 0;
  if (curve == nullptr || !curve->present()) {
    field.nvmlReturn = NVML_ERROR_NOT_SUPPORTED;
    return;
  }
  field.nvmlReturn = NVML_SUCCESS;
  if (field.fieldId == NVML_FI_DEV_MEMORY_TEMP) {
    field.valueType = NVML_VALUE_TYPE_UNSIGNED_INT;
    field.value.uiVal = RoundToUnsigned(curve->At(view.t_ms));
  } else {
    field.valueType = NVML_VALUE_TYPE_UNSIGNED_LONG_LONG;
    field.value.ullVal = RoundToU64(curve->At(view.t_ms));
  }
}

}  // namespace
}  // namespace gw::nvmlsim

namespace sim = gw::nvmlsim;

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device,
                                                          nvmlUtilization_t* utilization) {
  return sim::WithDevice(__func__, device, [&](const sim::DeviceView& view) -> nvmlReturn_t {
    if (utilization == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    if (!view.gpu.utilization.present() || !view.gpu.memory_utilization.present()) {
      return NVML_ERROR_NOT_SUPPORTED;
    }
    utilization->gpu = sim::RoundToUnsigned(view.gpu.utilization.At(view.t_ms));
    utilization->memory = sim::RoundToUnsigned(view.gpu.memory_utilization.At(view.t_ms));
    return NVML_SUCCESS;
  });
}

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, int sensor,
                                                     unsigned int* temp) {
  if (sensor != NVML_TEMPERATURE_GPU) {
    return sim::WithDevice(__func__, device, [](const sim::DeviceView&) -> nvmlReturn_t {
      return NVML_ERROR_INVALID_ARGUMENT;
    });
  }
  return sim::ReadCurve(__func__, device, &sim::SimGpu::temperature_c, temp);
}

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetTemperatureThreshold(nvmlDevice_t device, int threshold,
                                                              unsigned int* temp) {
  return sim::WithDevice(__func__, device, [&](const sim::DeviceView& view) -> nvmlReturn_t {
    if (temp == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    std::optional<unsigned> value;
    if (threshold == NVML_TEMPERATURE_THRESHOLD_SHUTDOWN) value = view.gpu.shutdown_temp_c;
    if (threshold == NVML_TEMPERATURE_THRESHOLD_SLOWDOWN ||
        threshold == NVML_TEMPERATURE_THRESHOLD_GPU_MAX) {
      value = view.gpu.slowdown_temp_c;
    }
    if (!value) return NVML_ERROR_NOT_SUPPORTED;
    *temp = *value;
    return NVML_SUCCESS;
  });
}

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int* power_mw) {
  return sim::ReadPowerMw(__func__, device, power_mw);
}

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device,
                                                            unsigned int* limit_mw) {
  return sim::WithDevice(__func__, device, [&](const sim::DeviceView& view) -> nvmlReturn_t {
    if (limit_mw == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    if (!view.gpu.power_limit_w) return NVML_ERROR_NOT_SUPPORTED;
    *limit_mw = sim::RoundToUnsigned(*view.gpu.power_limit_w * 1000);
    return NVML_SUCCESS;
  });
}

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device,
                                                                unsigned long long* energy_mj) {
  return sim::WithDevice(__func__, device, [&](const sim::DeviceView& view) -> nvmlReturn_t {
    if (energy_mj == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
    if (!view.gpu.energy_start_mj) return NVML_ERROR_NOT_SUPPORTED;
    // mu is held by WithDevice.
    std::optional<double> load_mj =
        sim::JobLoadEnergyMj(sim::State(), view.gpu, view.index, view.t_ms);
    if (load_mj) {
      *energy_mj = sim::RoundToU64(*load_mj);
      return NVML_SUCCESS;
    }
    *energy_mj = static_cast<unsigned long long>(
        std::max<int64_t>(0, sim::IntegrateEnergyMj(view.gpu, view.t_ms)));
    return NVML_SUCCESS;
  });
}

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t device, int type,
                                                   unsigned int* mhz) {
  return sim::WithDevice(__func__, device, [&](const sim::DeviceView& view) -> nvmlReturn_t {
    if (mhz == nullptr || !sim::KnownClockType(type)) return NVML_ERROR_INVALID_ARGUMENT;
    const sim::Curve* curve = sim::ClockCurve(view.gpu, type);
    if (curve == nullptr || !curve->present()) return NVML_ERROR_NOT_SUPPORTED;
    *mhz = sim::RoundToUnsigned(curve->At(view.t_ms));
    return NVML_SUCCESS;
  });
}

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetMaxClockInfo(nvmlDevice_t device, int type,
                                                      unsigned int* mhz) {
  return sim::WithDevice(__func__, device, [&](const sim::DeviceView& view) -> nvmlReturn_t {
    if (mhz == nullptr || !sim::KnownClockType(type)) return NVML_ERROR_INVALID_ARGUMENT;
    const std::optional<unsigned>* limit = sim::MaxClock(view.gpu, type);
    if (limit == nullptr || !*limit) return NVML_ERROR_NOT_SUPPORTED;
    *mhz = **limit;
    return NVML_SUCCESS;
  });
}

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetCurrentClocksThrottleReasons(
    nvmlDevice_t device, unsigned long long* reasons) {
  return sim::ReadThrottleReasons(__func__, device, reasons);
}

#ifndef NVML_SIM_OLD_DRIVER
GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t device,
                                                                   unsigned long long* reasons) {
  return sim::ReadThrottleReasons(__func__, device, reasons);
}
#endif  // NVML_SIM_OLD_DRIVER

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetEncoderUtilization(nvmlDevice_t device,
                                                            unsigned int* util,
                                                            unsigned int* period_us) {
  return sim::ReadCodec(__func__, device, &sim::SimGpu::encoder_utilization, util, period_us);
}

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetDecoderUtilization(nvmlDevice_t device,
                                                            unsigned int* util,
                                                            unsigned int* period_us) {
  return sim::ReadCodec(__func__, device, &sim::SimGpu::decoder_utilization, util, period_us);
}

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetPcieReplayCounter(nvmlDevice_t device,
                                                           unsigned int* value) {
  return sim::ReadCurve(__func__, device, &sim::SimGpu::pcie_replay_count, value);
}

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetTotalEccErrors(nvmlDevice_t device, int error_type,
                                                        int counter_type,
                                                        unsigned long long* count) {
  return sim::WithDevice(__func__, device, [&](const sim::DeviceView& view) -> nvmlReturn_t {
    if (count == nullptr || error_type < 0 || error_type > 1 || counter_type < 0 ||
        counter_type > 1) {
      return NVML_ERROR_INVALID_ARGUMENT;
    }
    const sim::Curve* curve = sim::EccCurve(view.gpu, error_type, counter_type);
    if (!curve->present()) return NVML_ERROR_NOT_SUPPORTED;
    *count = sim::RoundToU64(curve->At(view.t_ms));
    return NVML_SUCCESS;
  });
}

GW_NVMLSIM_API nvmlReturn_t nvmlDeviceGetFieldValues(nvmlDevice_t device, int count,
                                                     nvmlFieldValue_t* values) {
  return sim::WithDevice(__func__, device, [&](const sim::DeviceView& view) -> nvmlReturn_t {
    if (count < 0 || (values == nullptr && count > 0)) return NVML_ERROR_INVALID_ARGUMENT;
    int64_t now_us = sim::NowMs() * 1000;
    for (int i = 0; i < count; ++i) sim::ReadField(view, now_us, values[i]);
    return NVML_SUCCESS;
  });
}
