// A scripted GpuBackend for collector tests.
#ifndef GW_GPU_EXPORTER_FAKE_BACKEND_H_
#define GW_GPU_EXPORTER_FAKE_BACKEND_H_

#include <map>
#include <vector>

#include "nvml/gpu_backend.h"

namespace gw::gpu_exporter {

class FakeBackend final : public nvml::GpuBackend {
 public:
  // Scripted behaviour; tests change these between collections.
  Status init_status;
  std::vector<nvml::GpuStatic> gpus;
  std::map<unsigned, Status> open_status;         // per index; OK when absent
  std::map<unsigned, nvml::GpuReading> readings;  // per index
  bool simulated = false;
  int init_calls = 0;
  int open_calls = 0;

  Status Init() override {
    ++init_calls;
    return init_status;
  }
  void Shutdown() override {}
  std::string DriverVersion() override { return "550.54.15"; }
  bool Simulated() const override { return simulated; }
  StatusOr<unsigned> DeviceCount() override { return static_cast<unsigned>(gpus.size()); }
  StatusOr<nvml::GpuStatic> Open(unsigned index) override {
    ++open_calls;
    auto it = open_status.find(index);
    if (it != open_status.end() && !it->second.ok()) return it->second;
    return gpus.at(index);
  }
  nvml::GpuReading Read(unsigned index) override { return readings[index]; }
  Status WatchXid() override { return UnimplementedError("fake"); }
  StatusOr<std::optional<nvml::XidRecord>> WaitXid(unsigned) override {
    return UnimplementedError("fake");
  }
};

}  // namespace gw::gpu_exporter

#endif  // GW_GPU_EXPORTER_FAKE_BACKEND_H_
