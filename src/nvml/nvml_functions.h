// The list of NVML entry points GPU Watchdog calls, as an X-macro, so that the loader's function
// table and the simulator's exports are written from one list and cannot drift apart.
//
//   GW_NVML_FN(name, return type, (parameter list))
//
// The order within a group matters only for readability; the loader tries a versioned name
// first and falls back to the unversioned one (see nvml_library.cc).
#ifndef GW_NVML_NVML_FUNCTIONS_H_
#define GW_NVML_NVML_FUNCTIONS_H_

#include "nvml/nvml_types.h"

// Functions that exist in versioned and unversioned form with the same signature.
#define GW_NVML_VERSIONED_FUNCTIONS(X)                                              \
  X(nvmlInit_v2, nvmlInit, nvmlReturn_t, (void))                                    \
  X(nvmlDeviceGetCount_v2, nvmlDeviceGetCount, nvmlReturn_t, (unsigned int* count)) \
  X(nvmlDeviceGetHandleByIndex_v2, nvmlDeviceGetHandleByIndex, nvmlReturn_t,        \
    (unsigned int index, nvmlDevice_t* device))                                     \
  X(nvmlDeviceGetPciInfo_v3, nvmlDeviceGetPciInfo, nvmlReturn_t,                    \
    (nvmlDevice_t device, nvmlPciInfo_t * pci))                                     \
  X(nvmlEventSetWait_v2, nvmlEventSetWait, nvmlReturn_t,                            \
    (nvmlEventSet_t set, nvmlEventData_t * data, unsigned int timeout_ms))

// Functions with one name only.
#define GW_NVML_PLAIN_FUNCTIONS(X)                                                                 \
  X(nvmlShutdown, nvmlReturn_t, (void))                                                            \
  X(nvmlErrorString, const char*, (nvmlReturn_t result))                                           \
  X(nvmlSystemGetDriverVersion, nvmlReturn_t, (char* version, unsigned int length))                \
  X(nvmlSystemGetNVMLVersion, nvmlReturn_t, (char* version, unsigned int length))                  \
  X(nvmlDeviceGetName, nvmlReturn_t, (nvmlDevice_t device, char* name, unsigned int length))       \
  X(nvmlDeviceGetUUID, nvmlReturn_t, (nvmlDevice_t device, char* uuid, unsigned int length))       \
  X(nvmlDeviceGetIndex, nvmlReturn_t, (nvmlDevice_t device, unsigned int* index))                  \
  X(nvmlDeviceGetMinorNumber, nvmlReturn_t, (nvmlDevice_t device, unsigned int* minor))            \
  X(nvmlDeviceGetUtilizationRates, nvmlReturn_t,                                                   \
    (nvmlDevice_t device, nvmlUtilization_t * utilization))                                        \
  X(nvmlDeviceGetMemoryInfo, nvmlReturn_t, (nvmlDevice_t device, nvmlMemory_t * memory))           \
  X(nvmlDeviceGetMemoryInfo_v2, nvmlReturn_t, (nvmlDevice_t device, nvmlMemory_v2_t * memory))     \
  X(nvmlDeviceGetTemperature, nvmlReturn_t, (nvmlDevice_t device, int sensor, unsigned int* temp)) \
  X(nvmlDeviceGetTemperatureThreshold, nvmlReturn_t,                                               \
    (nvmlDevice_t device, int threshold, unsigned int* temp))                                      \
  X(nvmlDeviceGetPowerUsage, nvmlReturn_t, (nvmlDevice_t device, unsigned int* power_mw))          \
  X(nvmlDeviceGetEnforcedPowerLimit, nvmlReturn_t, (nvmlDevice_t device, unsigned int* limit_mw))  \
  X(nvmlDeviceGetTotalEnergyConsumption, nvmlReturn_t,                                             \
    (nvmlDevice_t device, unsigned long long* energy_mj))                                          \
  X(nvmlDeviceGetClockInfo, nvmlReturn_t, (nvmlDevice_t device, int type, unsigned int* mhz))      \
  X(nvmlDeviceGetMaxClockInfo, nvmlReturn_t, (nvmlDevice_t device, int type, unsigned int* mhz))   \
  X(nvmlDeviceGetCurrentClocksEventReasons, nvmlReturn_t,                                          \
    (nvmlDevice_t device, unsigned long long* reasons))                                            \
  X(nvmlDeviceGetCurrentClocksThrottleReasons, nvmlReturn_t,                                       \
    (nvmlDevice_t device, unsigned long long* reasons))                                            \
  X(nvmlDeviceGetEncoderUtilization, nvmlReturn_t,                                                 \
    (nvmlDevice_t device, unsigned int* util, unsigned int* period_us))                            \
  X(nvmlDeviceGetDecoderUtilization, nvmlReturn_t,                                                 \
    (nvmlDevice_t device, unsigned int* util, unsigned int* period_us))                            \
  X(nvmlDeviceGetPcieReplayCounter, nvmlReturn_t, (nvmlDevice_t device, unsigned int* value))      \
  X(nvmlDeviceGetTotalEccErrors, nvmlReturn_t,                                                     \
    (nvmlDevice_t device, int error_type, int counter_type, unsigned long long* count))            \
  X(nvmlDeviceGetFieldValues, nvmlReturn_t,                                                        \
    (nvmlDevice_t device, int count, nvmlFieldValue_t* values))                                    \
  X(nvmlDeviceGetComputeRunningProcesses_v3, nvmlReturn_t,                                         \
    (nvmlDevice_t device, unsigned int* count, nvmlProcessInfo_t* infos))                          \
  X(nvmlDeviceGetComputeRunningProcesses_v2, nvmlReturn_t,                                         \
    (nvmlDevice_t device, unsigned int* count, nvmlProcessInfo_t* infos))                          \
  X(nvmlDeviceGetComputeRunningProcesses, nvmlReturn_t,                                            \
    (nvmlDevice_t device, unsigned int* count, nvmlProcessInfo_v1_t* infos))                       \
  X(nvmlEventSetCreate, nvmlReturn_t, (nvmlEventSet_t * set))                                      \
  X(nvmlDeviceRegisterEvents, nvmlReturn_t,                                                        \
    (nvmlDevice_t device, unsigned long long event_types, nvmlEventSet_t set))                     \
  X(nvmlEventSetFree, nvmlReturn_t, (nvmlEventSet_t set))

#endif  // GW_NVML_NVML_FUNCTIONS_H_
