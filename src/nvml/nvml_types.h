// Our own declarations of the part of the NVML C ABI that GPU Watchdog uses. We never include
// nvml.h: the loader binds these names with dlsym, and tools/nvml-sim implements them.
// Layouts follow the NVML 13.3 header on LP64 (see docs/nvml-sim.md for the checked sizes).
#ifndef GW_NVML_NVML_TYPES_H_
#define GW_NVML_NVML_TYPES_H_

#ifdef __cplusplus
extern "C" {
#endif

typedef int nvmlReturn_t;  // a C enum: 4 bytes, passed as int
typedef struct nvmlDevice_st* nvmlDevice_t;
typedef struct nvmlEventSet_st* nvmlEventSet_t;

enum {
  NVML_SUCCESS = 0,
  NVML_ERROR_UNINITIALIZED = 1,
  NVML_ERROR_INVALID_ARGUMENT = 2,
  NVML_ERROR_NOT_SUPPORTED = 3,
  NVML_ERROR_NO_PERMISSION = 4,
  NVML_ERROR_NOT_FOUND = 6,
  NVML_ERROR_INSUFFICIENT_SIZE = 7,
  NVML_ERROR_DRIVER_NOT_LOADED = 9,
  NVML_ERROR_TIMEOUT = 10,
  NVML_ERROR_LIBRARY_NOT_FOUND = 12,
  NVML_ERROR_FUNCTION_NOT_FOUND = 13,
  NVML_ERROR_GPU_IS_LOST = 15,
  NVML_ERROR_RESET_REQUIRED = 16,
  NVML_ERROR_ARGUMENT_VERSION_MISMATCH = 25,
  NVML_ERROR_UNKNOWN = 999,
};

enum { NVML_CLOCK_GRAPHICS = 0, NVML_CLOCK_SM = 1, NVML_CLOCK_MEM = 2, NVML_CLOCK_VIDEO = 3 };
enum { NVML_TEMPERATURE_GPU = 0 };
enum {
  NVML_TEMPERATURE_THRESHOLD_SHUTDOWN = 0,
  NVML_TEMPERATURE_THRESHOLD_SLOWDOWN = 1,
  NVML_TEMPERATURE_THRESHOLD_MEM_MAX = 2,
  NVML_TEMPERATURE_THRESHOLD_GPU_MAX = 3,
};
enum { NVML_MEMORY_ERROR_TYPE_CORRECTED = 0, NVML_MEMORY_ERROR_TYPE_UNCORRECTED = 1 };
enum { NVML_VOLATILE_ECC = 0, NVML_AGGREGATE_ECC = 1 };

#define NVML_INIT_FLAG_NO_GPUS 1u
#define NVML_EVENT_TYPE_XID_CRITICAL_ERROR 0x0000000000000008ULL

// Clock event ("throttle") reason bits.
#define NVML_CLOCKS_EVENT_REASON_GPU_IDLE 0x0000000000000001ULL
#define NVML_CLOCKS_EVENT_REASON_APPLICATIONS_CLOCKS_SETTING 0x0000000000000002ULL
#define NVML_CLOCKS_EVENT_REASON_SW_POWER_CAP 0x0000000000000004ULL
#define NVML_CLOCKS_EVENT_REASON_HW_SLOWDOWN 0x0000000000000008ULL
#define NVML_CLOCKS_EVENT_REASON_SYNC_BOOST 0x0000000000000010ULL
#define NVML_CLOCKS_EVENT_REASON_SW_THERMAL_SLOWDOWN 0x0000000000000020ULL
#define NVML_CLOCKS_EVENT_REASON_HW_THERMAL_SLOWDOWN 0x0000000000000040ULL
#define NVML_CLOCKS_EVENT_REASON_HW_POWER_BRAKE_SLOWDOWN 0x0000000000000080ULL
#define NVML_CLOCKS_EVENT_REASON_DISPLAY_CLOCK_SETTING 0x0000000000000100ULL

// Field ids for nvmlDeviceGetFieldValues.
#define NVML_FI_DEV_MEMORY_TEMP 82
#define NVML_FI_DEV_PCIE_REPLAY_COUNTER 94
#define NVML_FI_DEV_REMAPPED_COR 142
#define NVML_FI_DEV_REMAPPED_UNC 143
#define NVML_FI_DEV_REMAPPED_PENDING 144
#define NVML_FI_DEV_REMAPPED_FAILURE 145

#define NVML_DEVICE_NAME_V2_BUFFER_SIZE 96
#define NVML_DEVICE_UUID_V2_BUFFER_SIZE 96
#define NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE 80
#define NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE 32
#define NVML_DEVICE_PCI_BUS_ID_BUFFER_V2_SIZE 16

typedef struct {
  unsigned int gpu;
  unsigned int memory;
} nvmlUtilization_t;  // 8 bytes

typedef struct {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;  // includes reserved memory in this (v1) struct
} nvmlMemory_t;             // 24 bytes

typedef struct {
  unsigned int version;  // must be nvmlMemory_v2 below
  unsigned long long total;
  unsigned long long reserved;
  unsigned long long free;
  unsigned long long used;
} nvmlMemory_v2_t;                                                            // 40 bytes
// NVML's own name for the version tag, kept so code reads like NVIDIA's documentation.
// NOLINTNEXTLINE(readability-identifier-naming,google-readability-casting): NVML's spelling
#define nvmlMemory_v2 ((unsigned int)(sizeof(nvmlMemory_v2_t) | (2u << 24)))  // 0x02000028

typedef struct {
  char busIdLegacy[NVML_DEVICE_PCI_BUS_ID_BUFFER_V2_SIZE];
  unsigned int domain;
  unsigned int bus;
  unsigned int device;
  unsigned int pciDeviceId;  // device id << 16 | vendor id
  unsigned int pciSubSystemId;
  char busId[NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE];  // "%08X:%02X:%02X.0"
} nvmlPciInfo_t;                                   // 68 bytes

typedef struct {
  unsigned int pid;
  unsigned long long usedGpuMemory;  // bytes; (unsigned long long)-1 when not available
} nvmlProcessInfo_v1_t;              // 16 bytes

typedef struct {
  unsigned int pid;
  unsigned long long usedGpuMemory;
  unsigned int gpuInstanceId;      // 0xFFFFFFFF when not MIG
  unsigned int computeInstanceId;  // 0xFFFFFFFF when not MIG
} nvmlProcessInfo_t;               // 24 bytes; used by both _v2 and _v3 in the 13.x header

typedef struct {
  nvmlDevice_t device;
  unsigned long long eventType;
  unsigned long long eventData;  // the Xid for XID_CRITICAL_ERROR
  unsigned int gpuInstanceId;
  unsigned int computeInstanceId;
} nvmlEventData_t;  // 32 bytes

typedef union {
  double dVal;
  unsigned int uiVal;
  unsigned long ulVal;
  unsigned long long ullVal;
  signed long long sllVal;
  signed int siVal;
} nvmlValue_t;

enum {
  NVML_VALUE_TYPE_DOUBLE = 0,
  NVML_VALUE_TYPE_UNSIGNED_INT = 1,
  NVML_VALUE_TYPE_UNSIGNED_LONG = 2,
  NVML_VALUE_TYPE_UNSIGNED_LONG_LONG = 3,
  NVML_VALUE_TYPE_SIGNED_LONG_LONG = 4,
  NVML_VALUE_TYPE_SIGNED_INT = 5,
};

typedef struct {
  unsigned int fieldId;
  unsigned int scopeId;
  long long timestamp;  // microseconds since the epoch
  long long latencyUsec;
  int valueType;
  nvmlReturn_t nvmlReturn;
  nvmlValue_t value;
} nvmlFieldValue_t;  // 40 bytes

#ifdef __cplusplus
}  // extern "C"

static_assert(sizeof(nvmlUtilization_t) == 8);
static_assert(sizeof(nvmlMemory_t) == 24);
static_assert(sizeof(nvmlMemory_v2_t) == 40);
static_assert(nvmlMemory_v2 == 0x02000028);
static_assert(sizeof(nvmlPciInfo_t) == 68);
static_assert(sizeof(nvmlProcessInfo_v1_t) == 16);
static_assert(sizeof(nvmlProcessInfo_t) == 24);
static_assert(sizeof(nvmlEventData_t) == 32);
static_assert(sizeof(nvmlFieldValue_t) == 40);
#endif

#endif  // GW_NVML_NVML_TYPES_H_
