#include "gpu_exporter/metrics_doc.h"

#include "gpu_exporter/gpu_metrics.h"
#include "metrics/markdown_table.h"

namespace gw::gpu_exporter {
namespace {

// A state in which every family has at least one sample.
ExporterState EverythingState() {
  ExporterState s;
  s.hostname = "node";
  s.driver_version = "550.54.15";
  s.nvml_up = true;
  GpuState g;
  g.info = nvml::GpuStatic{0, 0, "GPU-x", "model", "00000000:00:00.0", 1, 1, 1, 1};
  nvml::GpuReading r;
  for (size_t f = 0; f < nvml::kGpuFieldCount; ++f) r.values[f] = 1;
  r.processes = std::vector<nvml::GpuProcess>{{1, 1}};
  r.unsupported = {"nvmlDeviceGetEncoderUtilization"};
  g.reading = r;
  s.gpus.push_back(g);
  s.xids = {{0, "GPU-x", 79, 1, 1}};
  s.jobs["0"] = {"1"};
  s.job_mapping_up = true;
  s.nvml_errors[{"f", "c"}] = 1;
  return s;
}

}  // namespace

std::string MetricsReferenceMarkdown() {
  return "## gpuwatchdog-gpu-exporter (:9400)\n\n"
         "Every per-GPU series carries `gpu` (NVML index), `UUID`, `pci_bus_id`, `device` "
         "(`nvidia<minor>`), `modelName`, `Hostname` and `DCGM_FI_DRIVER_VERSION`, as "
         "dcgm-exporter's do, and `hpc_job` when a Slurm job holds the GPU (one copy of the series "
         "per job). A value the GPU cannot report is absent, never zero; "
         "`gpuwatchdog_gpu_unsupported` says why. Other labels:\n\n" +
         metrics::MarkdownTable(BuildFamilies(EverythingState()),
                                {"gpu", "UUID", "pci_bus_id", "device", "modelName", "Hostname",
                                 "DCGM_FI_DRIVER_VERSION", "hpc_job"});
}

}  // namespace gw::gpu_exporter
