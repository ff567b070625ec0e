// GpuBackend over a dlopen'ed NVML.
#ifndef GW_NVML_NVML_BACKEND_H_
#define GW_NVML_NVML_BACKEND_H_

#include <bitset>
#include <map>
#include <memory>

#include "nvml/gpu_backend.h"
#include "nvml/nvml_library.h"

namespace gw::nvml {

// The driver calls a collection makes, so that NOT_SUPPORTED is remembered per GPU and the
// call is not repeated for the rest of the session (it is probed again after a re-init).
enum class CallSite : int {
  kUtilization,
  kEncoder,
  kDecoder,
  kSmClock,
  kMemClock,
  kTemperature,
  kFieldValues,
  kPower,
  kPowerLimit,
  kEnergy,
  kPcieReplay,
  kMemoryInfo,
  kEccSbeVolatile,
  kEccDbeVolatile,
  kEccSbeAggregate,
  kEccDbeAggregate,
  kThrottleReasons,
  kProcesses,
  kCount,
};

// Thread-compatible (see GpuBackend). The library is loaded by the first Init() and kept; a
// failed load is retried by the next Init(), so an exporter started before the driver was
// installed recovers by itself.
class NvmlBackend final : public GpuBackend {
 public:
  // `library_path`: as NvmlLibrary::Load (empty: the normal library search).
  explicit NvmlBackend(std::string library_path) : library_path_(std::move(library_path)) {}
  ~NvmlBackend() override { Shutdown(); }

  // The loaded library, or null before the first successful Init().
  const NvmlLibrary* library() const { return lib_.get(); }

  Status Init() override;
  void Shutdown() override;
  std::string DriverVersion() override;
  bool Simulated() const override { return lib_ != nullptr && lib_->simulated(); }
  StatusOr<unsigned> DeviceCount() override;
  StatusOr<GpuStatic> Open(unsigned index) override;
  GpuReading Read(unsigned index) override;
  Status WatchXid() override;
  StatusOr<std::optional<XidRecord>> WaitXid(unsigned timeout_ms) override;

 private:
  struct Gpu {
    nvmlDevice_t handle = nullptr;
    std::string uuid;
    std::bitset<static_cast<size_t>(CallSite::kCount)> unsupported;
  };
  // Records the outcome of a call; returns true on success.
  bool Check(Gpu& gpu, CallSite site, nvmlReturn_t r, GpuReading* reading) const;
  // True when the call must not be made: unsupported (or not exported: `available` false), or
  // the GPU is already known lost this collection.
  bool Skip(Gpu& gpu, CallSite site, bool available, GpuReading* reading) const;
  void ReadUtilization(Gpu& gpu, GpuReading* reading) const;
  void ReadClocksAndThermals(Gpu& gpu, GpuReading* reading) const;
  void ReadFieldValues(Gpu& gpu, GpuReading* reading) const;
  void ReadPower(Gpu& gpu, GpuReading* reading) const;
  void ReadMemory(Gpu& gpu, GpuReading* reading) const;
  void ReadEcc(Gpu& gpu, GpuReading* reading) const;
  void ReadProcesses(Gpu& gpu, GpuReading* reading) const;

  std::string library_path_;
  std::unique_ptr<NvmlLibrary> lib_;
  NvmlFunctions fn_;  // a copy of lib_->fn(), all null until loaded
  bool initialized_ = false;
  std::map<unsigned, Gpu> gpus_;
  nvmlEventSet_t events_ = nullptr;
};

// Maps a failed NVML return code to a Status code (GPU_IS_LOST -> kUnavailable, ...).
Status NvmlError(std::string_view function, nvmlReturn_t code);

}  // namespace gw::nvml

#endif  // GW_NVML_NVML_BACKEND_H_
