#include "gpu_exporter/gpu_metrics.h"

#include <cstdint>

namespace gw::gpu_exporter {
namespace {

using metrics::Labels;
using metrics::MetricFamily;
using metrics::MetricType;
using nvml::GpuField;

constexpr MetricType kGauge = MetricType::kGauge;
constexpr MetricType kCounter = MetricType::kCounter;

// The label sets of one GPU: one per job holding it (dcgm-exporter copies every series per
// job), or a single set without hpc_job.
std::vector<Labels> GpuLabelSets(const ExporterState& state, const GpuState& gpu) {
  Labels base = {{"gpu", std::to_string(gpu.index)}};
  if (gpu.info) {
    base.push_back({"UUID", gpu.info->uuid});
    base.push_back({"pci_bus_id", gpu.info->pci_bus_id});
    base.push_back({"device", "nvidia" + std::to_string(gpu.info->minor_number)});
    base.push_back({"modelName", gpu.info->name});
  }
  base.push_back({"Hostname", state.hostname});
  if (!state.driver_version.empty()) {
    base.push_back({"DCGM_FI_DRIVER_VERSION", state.driver_version});
  }
  auto it = state.jobs.find(std::to_string(gpu.index));
  if (it == state.jobs.end() || it->second.empty()) return {base};
  std::vector<Labels> sets;
  for (const std::string& job : it->second) {
    Labels l = base;
    l.push_back({"hpc_job", job});
    sets.push_back(std::move(l));
  }
  return sets;
}

void Add(MetricFamily* f, const std::vector<Labels>& sets, double value, Labels extra = {}) {
  for (const Labels& set : sets) {
    Labels l = set;
    l.insert(l.end(), extra.begin(), extra.end());
    f->samples.push_back({std::move(l), value});
  }
}

MetricFamily Family(const char* name, const char* help, MetricType type) {
  return MetricFamily{name, help, type, {}};
}

void AppendStaticFamilies(const ExporterState& state, const std::vector<std::vector<Labels>>& sets,
                          std::vector<MetricFamily>* out) {
  struct StaticMetric {
    std::optional<double> nvml::GpuStatic::*member;
    const char* name;
    const char* help;
  };
  static const StaticMetric kStatic[] = {
      {&nvml::GpuStatic::max_sm_clock_mhz, "DCGM_FI_DEV_MAX_SM_CLOCK",
       "Maximum SM clock frequency (in MHz)."},
      {&nvml::GpuStatic::max_mem_clock_mhz, "DCGM_FI_DEV_MAX_MEM_CLOCK",
       "Maximum memory clock frequency (in MHz)."},
      {&nvml::GpuStatic::slowdown_temp_c, "DCGM_FI_DEV_SLOWDOWN_TEMP",
       "Temperature at which the GPU starts to slow down (in C)."},
      {&nvml::GpuStatic::shutdown_temp_c, "DCGM_FI_DEV_SHUTDOWN_TEMP",
       "Temperature at which the GPU shuts down (in C)."},
  };
  for (const StaticMetric& m : kStatic) {
    MetricFamily f = Family(m.name, m.help, kGauge);
    for (size_t i = 0; i < state.gpus.size(); ++i) {
      const GpuState& g = state.gpus[i];
      if (g.reading && g.info && (*g.info).*m.member) Add(&f, sets[i], *((*g.info).*m.member));
    }
    out->push_back(std::move(f));
  }
}

void AppendGpuExtras(const ExporterState& state, const std::vector<std::vector<Labels>>& sets,
                     std::vector<MetricFamily>* out) {
  MetricFamily up = Family("gpuwatchdog_gpu_up",
                           "1 when the GPU answered the last collection, 0 when it is lost or "
                           "unreadable.",
                           kGauge);
  MetricFamily reasons =
      Family("gpuwatchdog_gpu_throttle_reason",
             "1 while the clocks are held down for this reason, else 0.", kGauge);
  MetricFamily procs = Family("gpuwatchdog_gpu_processes", "Compute processes on the GPU.", kGauge);
  MetricFamily proc_mem = Family("gpuwatchdog_gpu_process_memory_bytes",
                                 "GPU memory used by one process (in bytes).", kGauge);
  MetricFamily unsupported = Family(
      "gpuwatchdog_gpu_unsupported",
      "1 for each driver call this GPU answers NOT_SUPPORTED: its metrics are absent, not zero.",
      kGauge);
  for (size_t i = 0; i < state.gpus.size(); ++i) {
    const GpuState& g = state.gpus[i];
    Add(&up, sets[i], g.reading ? 1 : 0);
    if (!g.reading) continue;
    const nvml::GpuReading& r = *g.reading;
    if (auto mask = r.Get(GpuField::kThrottleReasons)) {
      auto bits = static_cast<uint64_t>(*mask);
      for (const ThrottleReason& t : ThrottleReasons()) {
        Add(&reasons, sets[i], (bits & t.bit) != 0 ? 1 : 0, {{"reason", t.name}});
      }
    }
    if (r.processes) {
      Add(&procs, sets[i], static_cast<double>(r.processes->size()));
      for (const nvml::GpuProcess& p : *r.processes) {
        if (!p.used_memory_bytes) continue;
        Add(&proc_mem, sets[i], static_cast<double>(*p.used_memory_bytes),
            {{"pid", std::to_string(p.pid)}});
      }
    }
    for (const std::string& fn : r.unsupported) Add(&unsupported, sets[i], 1, {{"function", fn}});
  }
  for (MetricFamily* f : {&up, &reasons, &procs, &proc_mem, &unsupported}) {
    out->push_back(std::move(*f));
  }
}

void AppendXidFamilies(const ExporterState& state, const std::vector<std::vector<Labels>>& sets,
                       std::vector<MetricFamily>* out) {
  MetricFamily total = Family("gpuwatchdog_gpu_xid_errors_total",
                              "Xid errors reported by the driver since the exporter started, by "
                              "Xid.",
                              kCounter);
  MetricFamily last_ts =
      Family("gpuwatchdog_gpu_xid_last_timestamp_seconds",
             "When the last Xid error of this kind arrived (Unix seconds).", kGauge);
  MetricFamily last = Family("DCGM_FI_DEV_XID_ERRORS",
                             "Value of the last XID error encountered (kept for dcgm-exporter "
                             "dashboards; use gpuwatchdog_gpu_xid_errors_total).",
                             kGauge);
  std::map<unsigned, std::pair<int64_t, uint64_t>> latest;  // gpu -> (time, xid)
  for (const XidCount& x : state.xids) {
    if (x.gpu_index >= sets.size()) continue;
    Labels xid = {{"xid", std::to_string(x.xid)}};
    Add(&total, sets[x.gpu_index], static_cast<double>(x.count), xid);
    Add(&last_ts, sets[x.gpu_index], static_cast<double>(x.last_ms) / 1000.0, xid);
    auto& l = latest[x.gpu_index];
    if (x.last_ms >= l.first) l = {x.last_ms, x.xid};
  }
  for (const auto& [gpu, l] : latest) Add(&last, sets[gpu], static_cast<double>(l.second));
  out->push_back(std::move(total));
  out->push_back(std::move(last_ts));
  out->push_back(std::move(last));
}

void AppendExporterFamilies(const ExporterState& state, std::vector<MetricFamily>* out) {
  auto single = [&](const char* name, const char* help, MetricType type, double v,
                    Labels labels = {}) {
    MetricFamily f = Family(name, help, type);
    f.samples.push_back({std::move(labels), v});
    out->push_back(std::move(f));
  };
  single("gpuwatchdog_exporter_nvml_up",
         "1 when the NVIDIA driver library is loaded and initialised, else 0.", kGauge,
         state.nvml_up ? 1 : 0);
  single("gpuwatchdog_exporter_nvml_simulated",
         "1 when the loaded driver library is nvml-sim, GPU Watchdog's simulated NVIDIA driver: "
         "the GPUs are not real hardware. 0 for a real driver, or when none is loaded.",
         kGauge, state.nvml_simulated ? 1 : 0);
  single("gpuwatchdog_exporter_gpus", "GPUs the driver reports on this node.", kGauge,
         static_cast<double>(state.gpus.size()));
  single("gpuwatchdog_exporter_xid_watch_up",
         "1 when Xid events are being watched, 0 when they cannot be seen.", kGauge,
         state.xid_watching ? 1 : 0);
  single("gpuwatchdog_exporter_collection_duration_seconds", "How long the last collection took.",
         kGauge, state.collection_duration_s);
  single("gpuwatchdog_exporter_collections_total", "Collections since start.", kCounter,
         static_cast<double>(state.collections));
  single("gpuwatchdog_exporter_last_collection_timestamp_seconds",
         "When the last collection finished (Unix seconds).", kGauge, state.last_collection_s);
  if (state.job_mapping_up) {
    single("gpuwatchdog_exporter_job_mapping_up",
           "1 when the job mapping directory could be read, else 0.", kGauge,
           *state.job_mapping_up ? 1 : 0);
  }
  MetricFamily errors = Family("gpuwatchdog_exporter_nvml_errors_total",
                               "Failed driver calls by function and NVML return code.", kCounter);
  for (const auto& [key, n] : state.nvml_errors) {
    errors.samples.push_back(
        {{{"function", key.first}, {"code", key.second}}, static_cast<double>(n)});
  }
  out->push_back(std::move(errors));
}

}  // namespace

const std::vector<FieldMetric>& FieldMetrics() {
  static const std::vector<FieldMetric> kFields = {
      {GpuField::kSmClockMhz, "DCGM_FI_DEV_SM_CLOCK", "SM clock frequency (in MHz).", kGauge},
      {GpuField::kMemClockMhz, "DCGM_FI_DEV_MEM_CLOCK", "Memory clock frequency (in MHz).", kGauge},
      {GpuField::kMemTempC, "DCGM_FI_DEV_MEMORY_TEMP", "Memory temperature (in C).", kGauge},
      {GpuField::kGpuTempC, "DCGM_FI_DEV_GPU_TEMP", "GPU temperature (in C).", kGauge},
      {GpuField::kPowerW, "DCGM_FI_DEV_POWER_USAGE", "Power draw (in W).", kGauge},
      {GpuField::kPowerLimitW, "DCGM_FI_DEV_ENFORCED_POWER_LIMIT",
       "Power limit the driver enforces (in W).", kGauge},
      {GpuField::kEnergyMj, "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION",
       "Total energy consumption since boot (in mJ).", kCounter},
      {GpuField::kPcieReplays, "DCGM_FI_DEV_PCIE_REPLAY_COUNTER", "Total number of PCIe retries.",
       kCounter},
      {GpuField::kGpuUtilPercent, "DCGM_FI_DEV_GPU_UTIL", "GPU utilization (in %).", kGauge},
      {GpuField::kMemCopyUtilPercent, "DCGM_FI_DEV_MEM_COPY_UTIL", "Memory utilization (in %).",
       kGauge},
      {GpuField::kEncUtilPercent, "DCGM_FI_DEV_ENC_UTIL", "Encoder utilization (in %).", kGauge},
      {GpuField::kDecUtilPercent, "DCGM_FI_DEV_DEC_UTIL", "Decoder utilization (in %).", kGauge},
      {GpuField::kFbTotalMib, "DCGM_FI_DEV_FB_TOTAL", "Framebuffer memory total (in MiB).", kGauge},
      {GpuField::kFbFreeMib, "DCGM_FI_DEV_FB_FREE", "Framebuffer memory free (in MiB).", kGauge},
      {GpuField::kFbUsedMib, "DCGM_FI_DEV_FB_USED", "Framebuffer memory used (in MiB).", kGauge},
      {GpuField::kFbReservedMib, "DCGM_FI_DEV_FB_RESERVED", "Framebuffer memory reserved (in MiB).",
       kGauge},
      {GpuField::kEccSbeVolatile, "DCGM_FI_DEV_ECC_SBE_VOL_TOTAL",
       "Single-bit (corrected) ECC errors since the driver loaded.", kCounter},
      {GpuField::kEccDbeVolatile, "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL",
       "Double-bit (uncorrected) ECC errors since the driver loaded.", kCounter},
      {GpuField::kEccSbeAggregate, "DCGM_FI_DEV_ECC_SBE_AGG_TOTAL",
       "Single-bit (corrected) ECC errors over the GPU's lifetime.", kCounter},
      {GpuField::kEccDbeAggregate, "DCGM_FI_DEV_ECC_DBE_AGG_TOTAL",
       "Double-bit (uncorrected) ECC errors over the GPU's lifetime.", kCounter},
      {GpuField::kRemappedCorrectable, "DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS",
       "Number of remapped rows for correctable errors.", kCounter},
      {GpuField::kRemappedUncorrectable, "DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS",
       "Number of remapped rows for uncorrectable errors.", kCounter},
      {GpuField::kRemappedPending, "DCGM_FI_DEV_ROW_REMAP_PENDING",
       "1 when a row remapping is pending (reset the GPU), else 0.", kGauge},
      {GpuField::kRemappedFailure, "DCGM_FI_DEV_ROW_REMAP_FAILURE",
       "1 when a row remapping has failed, else 0.", kGauge},
      {GpuField::kThrottleReasons, "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS",
       "Current clock throttle reasons (bitmask of NVML clock event reasons).", kGauge},
  };
  return kFields;
}

const std::vector<ThrottleReason>& ThrottleReasons() {
  static const std::vector<ThrottleReason> kReasons = {
      {0x1, "gpu_idle"},
      {0x2, "applications_clocks_setting"},
      {0x4, "sw_power_cap"},
      {0x8, "hw_slowdown"},
      {0x10, "sync_boost"},
      {0x20, "sw_thermal_slowdown"},
      {0x40, "hw_thermal_slowdown"},
      {0x80, "hw_power_brake_slowdown"},
      {0x100, "display_clock_setting"},
  };
  return kReasons;
}

std::vector<MetricFamily> BuildFamilies(const ExporterState& state) {
  std::vector<std::vector<Labels>> sets;
  sets.reserve(state.gpus.size());
  for (const GpuState& g : state.gpus) sets.push_back(GpuLabelSets(state, g));

  std::vector<MetricFamily> out;
  out.reserve(FieldMetrics().size() + 20);
  for (const FieldMetric& m : FieldMetrics()) {
    MetricFamily f = Family(m.name, m.help, m.type);
    for (size_t i = 0; i < state.gpus.size(); ++i) {
      const GpuState& g = state.gpus[i];
      if (!g.reading) continue;
      if (const auto& v = g.reading->Get(m.field)) Add(&f, sets[i], *v);
    }
    out.push_back(std::move(f));
  }
  AppendStaticFamilies(state, sets, &out);
  AppendGpuExtras(state, sets, &out);
  AppendXidFamilies(state, sets, &out);
  AppendExporterFamilies(state, &out);
  return out;
}

ExporterState ExampleState(unsigned gpus) {
  ExporterState s;
  s.hostname = "gpu-node-001";
  s.driver_version = "550.54.15";
  s.nvml_up = true;
  for (unsigned i = 0; i < gpus; ++i) {
    GpuState g;
    g.index = i;
    g.info = nvml::GpuStatic{i,
                             i,
                             "GPU-1a2b3c4d-0000-1111-2222-33334444555" + std::to_string(i),
                             "NVIDIA H100 80GB HBM3",
                             "00000000:1" + std::to_string(i) + ":00.0",
                             1980,
                             2619,
                             87,
                             92};
    nvml::GpuReading r;
    for (size_t f = 0; f < nvml::kGpuFieldCount; ++f) r.values[f] = 1234.5 + static_cast<double>(f);
    r.Set(GpuField::kThrottleReasons, 4);
    r.processes = std::vector<nvml::GpuProcess>{{1000 + i, uint64_t{1} << 30}};
    r.unsupported = {"nvmlDeviceGetEncoderUtilization"};
    g.reading = r;
    s.gpus.push_back(g);
  }
  s.xids = {{0, "GPU-1a2b3c4d-0000-1111-2222-333344445550", 79, 1, 1'700'000'000'000}};
  s.jobs["0"] = {"12345"};
  s.job_mapping_up = true;
  s.nvml_errors[{"nvmlDeviceGetPowerUsage", "NVML_ERROR_UNKNOWN"}] = 1;
  return s;
}

}  // namespace gw::gpu_exporter
