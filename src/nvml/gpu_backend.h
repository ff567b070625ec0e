// The interface between the GPU exporter and a GPU driver. NvmlBackend implements it over a
// dlopen'ed NVML; tests substitute fakes.
#ifndef GW_NVML_GPU_BACKEND_H_
#define GW_NVML_GPU_BACKEND_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace gw::nvml {

// Values read every collection. Units are those of the dcgm-exporter metrics they feed.
enum class GpuField : int {
  kGpuUtilPercent,
  kMemCopyUtilPercent,
  kEncUtilPercent,
  kDecUtilPercent,
  kSmClockMhz,
  kMemClockMhz,
  kGpuTempC,
  kMemTempC,
  kPowerW,
  kPowerLimitW,
  kEnergyMj,
  kPcieReplays,
  kFbTotalMib,
  kFbFreeMib,
  kFbUsedMib,
  kFbReservedMib,
  kEccSbeVolatile,
  kEccDbeVolatile,
  kEccSbeAggregate,
  kEccDbeAggregate,
  kRemappedCorrectable,
  kRemappedUncorrectable,
  kRemappedPending,
  kRemappedFailure,
  kThrottleReasons,  // the clock-event reason bitmask
  kCount,
};
inline constexpr size_t kGpuFieldCount = static_cast<size_t>(GpuField::kCount);

struct GpuProcess {
  uint32_t pid = 0;
  std::optional<uint64_t> used_memory_bytes;  // absent when the driver cannot tell
};

// A failed driver call: which function, and the driver's name for the code.
struct CallError {
  std::string function;
  std::string code;
};

struct GpuReading {
  std::array<std::optional<double>, kGpuFieldCount> values;
  std::optional<std::vector<GpuProcess>> processes;  // absent when unsupported or failed
  std::vector<CallError> errors;                     // NOT_SUPPORTED is not an error
  std::vector<std::string> unsupported;              // functions that answered NOT_SUPPORTED
  bool lost = false;         // the GPU fell off the bus or is otherwise gone
  bool driver_gone = false;  // the driver stopped answering; the session must be rebuilt

  const std::optional<double>& Get(GpuField f) const { return values[static_cast<size_t>(f)]; }
  void Set(GpuField f, double v) { values[static_cast<size_t>(f)] = v; }
};

// What does not change while a GPU stays attached.
struct GpuStatic {
  unsigned index = 0;
  unsigned minor_number = 0;
  std::string uuid;
  std::string name;
  std::string pci_bus_id;
  std::optional<double> max_sm_clock_mhz;
  std::optional<double> max_mem_clock_mhz;
  std::optional<double> slowdown_temp_c;
  std::optional<double> shutdown_temp_c;
};

struct XidRecord {
  unsigned index = 0;  // GPU index
  std::string uuid;
  uint64_t xid = 0;
};

// A session with a GPU driver. Thread-compatible: one instance is used by one thread; two
// instances may be used from two threads at once (the collector and the Xid watcher do).
class GpuBackend {
 public:
  virtual ~GpuBackend() = default;

  // Starts a session. Errors: kUnavailable when there is no usable driver, with the reason.
  virtual Status Init() = 0;
  // Ends the session; handles become invalid. Safe to call when not initialised.
  virtual void Shutdown() = 0;
  virtual std::string DriverVersion() = 0;  // "" when unknown
  // True when the driver is a simulator (nvml-sim, docs/nvml-sim.md), so the GPUs are not real
  // hardware; false for a real driver and while no driver library is loaded.
  virtual bool Simulated() const = 0;
  virtual StatusOr<unsigned> DeviceCount() = 0;
  // Opens the GPU at `index` and reads its fixed properties. Errors: kUnavailable when the GPU
  // is lost or the driver is gone, kPermissionDenied, kInternal for other driver errors.
  virtual StatusOr<GpuStatic> Open(unsigned index) = 0;
  // Reads the live values. REQUIRES: Open(index) succeeded in this session.
  virtual GpuReading Read(unsigned index) = 0;

  // Registers for Xid events on every opened GPU. Errors: kUnimplemented when the driver has no
  // event support.
  virtual Status WatchXid() = 0;
  // Waits up to timeout_ms for the next Xid; nullopt on timeout. Errors: kUnavailable when the
  // event set broke and must be rebuilt (Shutdown, Init, Open, WatchXid).
  virtual StatusOr<std::optional<XidRecord>> WaitXid(unsigned timeout_ms) = 0;
};

}  // namespace gw::nvml

#endif  // GW_NVML_GPU_BACKEND_H_
