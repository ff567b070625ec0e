// Turns what the collector knows into metric families: dcgm-exporter's names, units and labels,
// plus GPU Watchdog's additions. A pure function, so that every series can be unit-tested.
#ifndef GW_GPU_EXPORTER_GPU_METRICS_H_
#define GW_GPU_EXPORTER_GPU_METRICS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gpu_exporter/xid_counts.h"
#include "metrics/metric_family.h"
#include "nvml/gpu_backend.h"

namespace gw::gpu_exporter {

struct GpuState {
  unsigned index = 0;
  std::optional<nvml::GpuStatic> info;      // absent when the GPU was never readable
  std::optional<nvml::GpuReading> reading;  // absent when the GPU is down
};

struct ExporterState {
  std::string hostname;
  std::string driver_version;
  bool nvml_up = false;
  bool nvml_simulated = false;  // the driver library is nvml-sim: the GPUs are not real
  std::vector<GpuState> gpus;
  std::vector<XidCount> xids;
  bool xid_watching = false;
  std::map<std::string, std::vector<std::string>> jobs;  // GPU key -> job ids
  std::optional<bool> job_mapping_up;                    // absent when not configured
  // Self-metrics.
  double collection_duration_s = 0;
  uint64_t collections = 0;
  double last_collection_s = 0;
  std::map<std::pair<std::string, std::string>, uint64_t> nvml_errors;  // (function, code)
};

// One definition per per-GPU value, in output order.
struct FieldMetric {
  nvml::GpuField field;
  const char* name;
  const char* help;
  metrics::MetricType type;
};
const std::vector<FieldMetric>& FieldMetrics();

// Names of the clock-event (throttle) reason bits, as exposed in the `reason` label.
struct ThrottleReason {
  uint64_t bit;
  const char* name;
};
const std::vector<ThrottleReason>& ThrottleReasons();

std::vector<metrics::MetricFamily> BuildFamilies(const ExporterState& state);

// A state in which every family has samples: `gpus` H100s with every value set, a process on
// each, an unsupported call, an Xid on GPU 0, job 12345 on GPU 0, one NVML error. For the metric
// reference and the benchmarks.
ExporterState ExampleState(unsigned gpus);

}  // namespace gw::gpu_exporter

#endif  // GW_GPU_EXPORTER_GPU_METRICS_H_
