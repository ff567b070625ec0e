#include "gpu_exporter/metrics_doc.h"

#include "gpu_exporter/gpu_metrics.h"

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

std::string Cell(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else
      out.push_back(c);
  }
  return out;
}

}  // namespace

std::string MetricsReferenceMarkdown() {
  std::string out =
      "# Metric reference: gpuwatchdog-gpu-exporter\n\n"
      "Generated from the exporter's code (`make docs`); a unit test fails when this file and "
      "the code disagree.\n\n"
      "Every per-GPU series carries `gpu` (NVML index), `UUID`, `pci_bus_id`, `device` "
      "(`nvidia<minor>`), `modelName`, `Hostname` and `DCGM_FI_DRIVER_VERSION`, as dcgm-exporter's "
      "do, and `hpc_job` when a Slurm job holds the GPU (one copy of the series per job). A value "
      "the GPU cannot report is absent, never zero; `gpuwatchdog_gpu_unsupported` says why.\n\n"
      "| metric | type | extra labels | meaning |\n|---|---|---|---|\n";
  const std::string kGpuLabels[] = {
      "gpu",    "UUID", "pci_bus_id", "device", "modelName", "Hostname", "DCGM_FI_DRIVER_VERSION",
      "hpc_job"};
  for (const metrics::MetricFamily& f : BuildFamilies(EverythingState())) {
    std::string extra;
    bool per_gpu = false;
    if (!f.samples.empty()) {
      for (const metrics::Label& l : f.samples.front().labels) {
        bool common = false;
        for (const std::string& g : kGpuLabels) common = common || l.name == g;
        per_gpu = per_gpu || l.name == "gpu";
        if (!common) extra += (extra.empty() ? "`" : ", `") + l.name + "`";
      }
    }
    if (!per_gpu) extra = extra.empty() ? "(exporter-wide)" : extra + " (exporter-wide)";
    out += "| `" + f.name + "` | " + std::string(metrics::MetricTypeName(f.type)) + " | " + extra +
           " | " + Cell(f.help) + " |\n";
  }
  return out;
}

}  // namespace gw::gpu_exporter
