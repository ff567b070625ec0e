#include "gpu_exporter/metrics_doc.h"

#include "gpu_exporter/gpu_metrics.h"
#include "metrics/markdown_table.h"

namespace gw::gpu_exporter {

std::string MetricsReferenceMarkdown() {
  return "## gpuwatchdog-gpu-exporter (:9400)\n\n"
         "Every per-GPU series carries `gpu` (NVML index), `UUID`, `pci_bus_id`, `device` "
         "(`nvidia<minor>`), `modelName`, `Hostname` and `DCGM_FI_DRIVER_VERSION`, as "
         "dcgm-exporter's do, and `hpc_job` when a Slurm job holds the GPU (one copy of the series "
         "per job). A value the GPU cannot report is absent, never zero; "
         "`gpuwatchdog_gpu_unsupported` says why. Other labels:\n\n" +
         metrics::MarkdownTable(BuildFamilies(ExampleState(1)),
                                {"gpu", "UUID", "pci_bus_id", "device", "modelName", "Hostname",
                                 "DCGM_FI_DRIVER_VERSION", "hpc_job"});
}

}  // namespace gw::gpu_exporter
