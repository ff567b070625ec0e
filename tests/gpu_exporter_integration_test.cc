// The real exporter binary on the simulated driver: every scraped value is compared with the
// scenario file, and every scrape is linted by Debian's promtool.
#include <gtest/gtest.h>
#include <signal.h>

#include <crypt.h>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "common/clock.h"
#include "http/client.h"
#include "http/test_util.h"
#include "nvml-sim/scenario.h"
#include "tests/exporter_harness.h"

namespace gw::testing {
namespace {

namespace fs = std::filesystem;
using metrics::ParsedExposition;
using nvmlsim::Curve;

std::string ScenarioPath(const std::string& name) {
  return std::string(GW_SCENARIO_DIR) + "/" + name;
}

// promtool's complaints, less those that dcgm-exporter's own names cause: its upper-case
// counters lack "_total" (and one is named ..._COUNTER), and its "modelName" label is camelCase
// (it is on every per-GPU series, ours included). GPU Watchdog keeps those names so existing
// dashboards work (docs/decisions.md). Anything else is a failure, and so is any camelCase label
// other than modelName.
std::vector<std::string> UnexpectedLintProblems(const std::string& text) {
  auto parsed = metrics::ParseText(text);
  EXPECT_TRUE(parsed.ok());
  for (const auto& s : parsed.ok() ? parsed->samples : std::vector<metrics::ParsedSample>{}) {
    for (const auto& l : s.labels) {
      bool camel = false;
      for (size_t i = 1; i < l.name.size(); ++i) {
        camel = camel || (std::islower(l.name[i - 1]) && std::isupper(l.name[i]));
      }
      EXPECT_TRUE(!camel || l.name == "modelName") << s.name << " has label " << l.name;
    }
  }
  auto out = PromtoolCheck(text);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  std::vector<std::string> problems;
  std::istringstream lines(out.ok() ? *out : "");
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    bool dcgm = line.rfind("DCGM_FI_", 0) == 0;
    bool dcgm_naming =
        dcgm && (line.find("counter metrics should have \"_total\" suffix") != std::string::npos ||
                 line.find("metric name should not include type 'counter'") != std::string::npos);
    bool model_name =
        line.find("label names should be written in 'snake_case'") != std::string::npos;
    if (!dcgm_naming && !model_name) problems.push_back(line);
  }
  return problems;
}

struct CurveMetric {
  Curve nvmlsim::SimGpu::*curve;
  const char* metric;
  double scale;          // metric value = curve value * scale
  const char* function;  // the NVML call behind it, for the scenario's `unsupported` lists
};

// The scenario's curves and the dcgm-exporter metric each one feeds.
const std::vector<CurveMetric>& CurveMetrics() {
  static const std::vector<CurveMetric> kMap = {
      {&nvmlsim::SimGpu::utilization, "DCGM_FI_DEV_GPU_UTIL", 1, "nvmlDeviceGetUtilizationRates"},
      {&nvmlsim::SimGpu::memory_utilization, "DCGM_FI_DEV_MEM_COPY_UTIL", 1,
       "nvmlDeviceGetUtilizationRates"},
      {&nvmlsim::SimGpu::encoder_utilization, "DCGM_FI_DEV_ENC_UTIL", 1,
       "nvmlDeviceGetEncoderUtilization"},
      {&nvmlsim::SimGpu::decoder_utilization, "DCGM_FI_DEV_DEC_UTIL", 1,
       "nvmlDeviceGetDecoderUtilization"},
      {&nvmlsim::SimGpu::sm_clock_mhz, "DCGM_FI_DEV_SM_CLOCK", 1, "nvmlDeviceGetClockInfo"},
      {&nvmlsim::SimGpu::mem_clock_mhz, "DCGM_FI_DEV_MEM_CLOCK", 1, "nvmlDeviceGetClockInfo"},
      {&nvmlsim::SimGpu::temperature_c, "DCGM_FI_DEV_GPU_TEMP", 1, "nvmlDeviceGetTemperature"},
      {&nvmlsim::SimGpu::memory_temperature_c, "DCGM_FI_DEV_MEMORY_TEMP", 1,
       "nvmlDeviceGetFieldValues"},
      {&nvmlsim::SimGpu::power_w, "DCGM_FI_DEV_POWER_USAGE", 1, "nvmlDeviceGetPowerUsage"},
      {&nvmlsim::SimGpu::memory_used_mib, "DCGM_FI_DEV_FB_USED", 1, "nvmlDeviceGetMemoryInfo"},
      {&nvmlsim::SimGpu::throttle_reasons, "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", 1,
       "nvmlDeviceGetCurrentClocksEventReasons"},
      {&nvmlsim::SimGpu::pcie_replay_count, "DCGM_FI_DEV_PCIE_REPLAY_COUNTER", 1,
       "nvmlDeviceGetPcieReplayCounter"},
      {&nvmlsim::SimGpu::ecc_corrected_volatile, "DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", 1,
       "nvmlDeviceGetTotalEccErrors"},
      {&nvmlsim::SimGpu::ecc_uncorrected_volatile, "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", 1,
       "nvmlDeviceGetTotalEccErrors"},
      {&nvmlsim::SimGpu::ecc_corrected_aggregate, "DCGM_FI_DEV_ECC_SBE_AGG_TOTAL", 1,
       "nvmlDeviceGetTotalEccErrors"},
      {&nvmlsim::SimGpu::ecc_uncorrected_aggregate, "DCGM_FI_DEV_ECC_DBE_AGG_TOTAL", 1,
       "nvmlDeviceGetTotalEccErrors"},
      {&nvmlsim::SimGpu::remapped_correctable, "DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS", 1,
       "nvmlDeviceGetFieldValues"},
      {&nvmlsim::SimGpu::remapped_uncorrectable, "DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS", 1,
       "nvmlDeviceGetFieldValues"},
      {&nvmlsim::SimGpu::remapped_pending, "DCGM_FI_DEV_ROW_REMAP_PENDING", 1,
       "nvmlDeviceGetFieldValues"},
      {&nvmlsim::SimGpu::remapped_failure, "DCGM_FI_DEV_ROW_REMAP_FAILURE", 1,
       "nvmlDeviceGetFieldValues"},
  };
  return kMap;
}

// GPU `i`'s identifying labels, on its utilization series.
void ExpectGpuLabels(const ParsedExposition& p, const nvmlsim::Scenario& sc,
                     const nvmlsim::SimGpu& g, unsigned i) {
  auto util = Find(p, "DCGM_FI_DEV_GPU_UTIL", "gpu", std::to_string(i));
  if (util.empty()) return;
  EXPECT_EQ(util[0].Label("UUID"), g.uuid);
  EXPECT_EQ(util[0].Label("pci_bus_id"), g.pci_bus_id);
  EXPECT_EQ(util[0].Label("modelName"), g.name);
  EXPECT_EQ(util[0].Label("device"), "nvidia" + std::to_string(g.minor_number));
  EXPECT_EQ(util[0].Label("Hostname"), "testnode");
  EXPECT_EQ(util[0].Label("DCGM_FI_DRIVER_VERSION"), sc.driver_version);
}

// Constant curves exactly (after NVML's integer rounding), every absent curve as an absent
// series.
void ExpectCurves(const ParsedExposition& p, const nvmlsim::Scenario& sc, const nvmlsim::SimGpu& g,
                  unsigned i) {
  for (const CurveMetric& m : CurveMetrics()) {
    const Curve& c = g.*m.curve;
    std::optional<double> got = GpuValue(p, m.metric, i);
    auto listed = [&](const std::set<std::string>& names) {
      return names.count(m.function) != 0 || names.count(std::string(m.function) + "_v2") != 0;
    };
    bool unsupported = listed(g.unsupported) || listed(sc.unsupported);
    if (!c.present() || unsupported) {
      EXPECT_EQ(got, std::nullopt) << m.metric << " must be absent, not zero";
      continue;
    }
    ASSERT_TRUE(got.has_value()) << m.metric;
    if (c.kind() != Curve::Kind::kConstant) continue;
    double want = c.At(0) * m.scale;
    if (std::string(m.metric) != "DCGM_FI_DEV_POWER_USAGE") want = std::round(want);
    EXPECT_NEAR(*got, want, 1e-3) << m.metric;
  }
}

// The fixed properties: memory sizes, power limit, clock and temperature limits.
void ExpectFixedProperties(const ParsedExposition& p, const nvmlsim::SimGpu& g, unsigned i) {
  double total_mib = static_cast<double>(g.memory_total_bytes) / 1048576.0;
  EXPECT_EQ(GpuValue(p, "DCGM_FI_DEV_FB_TOTAL", i), total_mib);
  if (g.memory_used_mib.kind() == Curve::Kind::kConstant) {
    double reserved = static_cast<double>(g.memory_reserved_bytes) / 1048576.0;
    EXPECT_EQ(GpuValue(p, "DCGM_FI_DEV_FB_RESERVED", i), reserved);
    EXPECT_EQ(GpuValue(p, "DCGM_FI_DEV_FB_FREE", i),
              total_mib - reserved - std::round(g.memory_used_mib.At(0)));
  }
  if (g.power_limit_w) {
    EXPECT_EQ(GpuValue(p, "DCGM_FI_DEV_ENFORCED_POWER_LIMIT", i), *g.power_limit_w);
  }
  if (g.max_sm_clock_mhz) {
    EXPECT_EQ(GpuValue(p, "DCGM_FI_DEV_MAX_SM_CLOCK", i), *g.max_sm_clock_mhz);
  }
  if (g.slowdown_temp_c) {
    EXPECT_EQ(GpuValue(p, "DCGM_FI_DEV_SLOWDOWN_TEMP", i), *g.slowdown_temp_c);
  }
}

// The processes that run for the whole timeline, and their count when no other ones exist.
void ExpectProcesses(const ParsedExposition& p, const nvmlsim::SimGpu& g, unsigned i) {
  size_t always_running = 0;
  for (const auto& proc : g.processes) {
    if (proc.from_ms > 0 || proc.to_ms != std::numeric_limits<int64_t>::max()) continue;
    ++always_running;
    auto mem = Find(p, "gpuwatchdog_gpu_process_memory_bytes", "pid", std::to_string(proc.pid));
    ASSERT_EQ(mem.size(), 1u) << "pid " << proc.pid;
    EXPECT_EQ(mem[0].value, static_cast<double>(proc.used_memory_bytes));
  }
  if (always_running == g.processes.size()) {
    EXPECT_EQ(GpuValue(p, "gpuwatchdog_gpu_processes", i), static_cast<double>(g.processes.size()));
  }
}

// Compares one scrape with the scenario: constant curves exactly (after NVML's integer
// rounding), every absent curve as an absent series, the fixed properties and processes.
void ExpectMatchesScenario(const ParsedExposition& p, const nvmlsim::Scenario& sc,
                           const std::set<unsigned>& down = {}) {
  for (unsigned i = 0; i < sc.gpus.size(); ++i) {
    const nvmlsim::SimGpu& g = sc.gpus[i];
    SCOPED_TRACE("gpu " + std::to_string(i));
    if (down.count(i) != 0) {
      EXPECT_EQ(GpuValue(p, "gpuwatchdog_gpu_up", i), 0);
      EXPECT_EQ(GpuValue(p, "DCGM_FI_DEV_GPU_UTIL", i), std::nullopt);
      continue;
    }
    EXPECT_EQ(GpuValue(p, "gpuwatchdog_gpu_up", i), 1);
    ExpectGpuLabels(p, sc, g, i);
    ASSERT_NO_FATAL_FAILURE(ExpectCurves(p, sc, g, i));
    ExpectFixedProperties(p, g, i);
    ASSERT_NO_FATAL_FAILURE(ExpectProcesses(p, g, i));
  }
}

class GpuExporterIntegrationTest : public ::testing::Test {
 protected:
  std::unique_ptr<ExporterProcess> Start(const std::string& scenario, int64_t offset_ms = 0,
                                         std::vector<std::string> flags = {},
                                         const std::string& library = GW_NVML_SIM_PATH) {
    ExporterConfig config;
    config.scenario = scenario;
    config.library = library;
    config.timeline_offset_ms = offset_ms;
    config.extra_flags = std::move(flags);
    config.log_path = (dir_.path() / "exporter.log").string();
    auto e = ExporterProcess::Start(config);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() ? std::move(e).value() : nullptr;
  }
  nvmlsim::Scenario Load(const std::string& path) {
    auto sc = nvmlsim::LoadScenarioFile(path);
    EXPECT_TRUE(sc.ok()) << sc.status().ToString();
    return sc.ok() ? *sc : nvmlsim::Scenario{};
  }
  TempDir dir_;
};

TEST_F(GpuExporterIntegrationTest, HealthyNodeMatchesTheScenario) {
  std::string path = ScenarioPath("healthy-4gpu.yaml");
  nvmlsim::Scenario sc = Load(path);
  ASSERT_EQ(sc.gpus.size(), 4u);
  auto e = Start(path);
  ASSERT_NE(e, nullptr);
  auto text = e->ScrapeText();
  ASSERT_TRUE(text.ok());
  auto p = metrics::ParseText(*text);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(Find(*p, "gpuwatchdog_exporter_nvml_up")[0].value, 1);
  EXPECT_EQ(Find(*p, "gpuwatchdog_exporter_gpus")[0].value, 4);
  ExpectMatchesScenario(*p, sc);
  EXPECT_EQ(UnexpectedLintProblems(*text), std::vector<std::string>{});
}

TEST_F(GpuExporterIntegrationTest, ServesOpenMetricsAndGzipWhenAsked) {
  auto e = Start(ScenarioPath("healthy-4gpu.yaml"));
  ASSERT_NE(e, nullptr);
  auto om = http::HttpGet(e->url(), {{"Accept", "application/openmetrics-text;version=1.0.0"}},
                          std::chrono::seconds(2));
  ASSERT_TRUE(om.ok());
  EXPECT_EQ(om->headers["content-type"],
            "application/openmetrics-text; version=1.0.0; charset=utf-8");
  EXPECT_TRUE(om->body.ends_with("# EOF\n"));
  auto gz = http::HttpGet(e->url(), {{"Accept-Encoding", "gzip"}}, std::chrono::seconds(2));
  ASSERT_TRUE(gz.ok());
  EXPECT_EQ(gz->headers["content-encoding"], "gzip");
  EXPECT_EQ(static_cast<unsigned char>(gz->body[0]), 0x1f);
  auto health = http::HttpGet(
      "http://127.0.0.1:" + e->url().substr(17, e->url().find("/metrics") - 17) + "/healthz", {},
      std::chrono::seconds(2));
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->status, 200);
}

TEST_F(GpuExporterIntegrationTest, LostGpuMidRunLeavesTheOthers) {
  std::string path = ScenarioPath("gpu-lost.yaml");
  nvmlsim::Scenario sc = Load(path);
  ASSERT_TRUE(sc.gpus.size() > 2 && sc.gpus[2].lost_at_ms.has_value());
  int64_t lost_at = *sc.gpus[2].lost_at_ms;
  // Start 2 s before the loss: first healthy, then GPU 2 goes down alone.
  auto e = Start(path, lost_at - 2000);
  ASSERT_NE(e, nullptr);
  auto before = e->Scrape();
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(GpuValue(*before, "gpuwatchdog_gpu_up", 2), 1);
  auto after = e->WaitFor(
      [](const ParsedExposition& p) { return GpuValue(p, "gpuwatchdog_gpu_up", 2) == 0; },
      std::chrono::seconds(10));
  ASSERT_TRUE(after.ok());
  ExpectMatchesScenario(*after, sc, {2});
  auto up = Find(*after, "gpuwatchdog_gpu_up", "gpu", "2");
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].Label("UUID"), sc.gpus[2].uuid) << "a lost GPU keeps its identity labels";
  EXPECT_FALSE(
      Find(*after, "gpuwatchdog_exporter_nvml_errors_total", "code", "NVML_ERROR_GPU_IS_LOST")
          .empty());
  auto text = e->ScrapeText();
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(UnexpectedLintProblems(*text), std::vector<std::string>{});
}

TEST_F(GpuExporterIntegrationTest, OldDriverWithoutVersionedSymbols) {
  std::string path = ScenarioPath("healthy-4gpu.yaml");
  nvmlsim::Scenario sc = Load(path);
  auto e = Start(path, 0, {}, GW_NVML_SIM_OLD_PATH);
  ASSERT_NE(e, nullptr);
  auto p = e->Scrape();
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(Find(*p, "gpuwatchdog_exporter_nvml_up")[0].value, 1);
  for (unsigned i = 0; i < sc.gpus.size(); ++i) {
    const auto& g = sc.gpus[i];
    if (g.utilization.kind() == Curve::Kind::kConstant) {
      EXPECT_EQ(GpuValue(*p, "DCGM_FI_DEV_GPU_UTIL", i), std::round(g.utilization.At(0)));
    }
    // The v1 memory struct has no "reserved", and its "used" includes it.
    EXPECT_EQ(GpuValue(*p, "DCGM_FI_DEV_FB_RESERVED", i), std::nullopt);
    if (g.memory_used_mib.kind() == Curve::Kind::kConstant) {
      EXPECT_EQ(GpuValue(*p, "DCGM_FI_DEV_FB_USED", i),
                std::round(g.memory_used_mib.At(0)) +
                    static_cast<double>(g.memory_reserved_bytes) / 1048576.0);
    }
    if (g.throttle_reasons.kind() == Curve::Kind::kConstant) {
      EXPECT_EQ(GpuValue(*p, "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", i), g.throttle_reasons.At(0));
    }
  }
}

TEST_F(GpuExporterIntegrationTest, XidBurstIsCountedPerXid) {
  std::string path = ScenarioPath("xid-burst.yaml");
  nvmlsim::Scenario sc = Load(path);
  std::map<std::pair<unsigned, uint64_t>, double> want;
  int64_t last_at = 0;
  for (unsigned i = 0; i < sc.gpus.size(); ++i) {
    for (const auto& x : sc.gpus[i].xid_events) {
      ++want[{i, x.xid}];
      last_at = std::max(last_at, x.at_ms);
    }
  }
  ASSERT_FALSE(want.empty());
  auto e = Start(path);
  ASSERT_NE(e, nullptr);
  auto counted = [&](const ParsedExposition& p) {
    std::map<std::pair<unsigned, uint64_t>, double> got;
    for (const auto& s : Find(p, "gpuwatchdog_gpu_xid_errors_total")) {
      got[{static_cast<unsigned>(std::stoul(*s.Label("gpu"))), std::stoull(*s.Label("xid"))}] =
          s.value;
    }
    return got;
  };
  auto p = e->WaitFor([&](const ParsedExposition& p) { return counted(p) == want; },
                      std::chrono::milliseconds(last_at + 8000));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(counted(*p), want);
  EXPECT_EQ(Find(*p, "gpuwatchdog_exporter_xid_watch_up")[0].value, 1);
  // The dcgm-compatible gauge holds the last Xid of each GPU.
  const auto& g0 = sc.gpus[0].xid_events;
  EXPECT_EQ(GpuValue(*p, "DCGM_FI_DEV_XID_ERRORS", 0), static_cast<double>(g0.back().xid));
  // They stay counted: a later scrape shows the same totals, not a reset.
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  auto later = e->Scrape();
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(counted(*later), want);
}

TEST_F(GpuExporterIntegrationTest, JobMappingFilesAppearAndVanish) {
  fs::path jobs = dir_.path() / "jobs";
  fs::create_directories(jobs);
  auto e = Start(ScenarioPath("healthy-4gpu.yaml"), 0, {"--hpc-job-mapping-dir=" + jobs.string()});
  ASSERT_NE(e, nullptr);
  auto job_of = [](const ParsedExposition& p, unsigned gpu) {
    std::vector<std::string> out;
    for (const auto& s : Find(p, "DCGM_FI_DEV_GPU_UTIL", "gpu", std::to_string(gpu))) {
      out.push_back(s.Label("hpc_job").value_or(""));
    }
    return out;
  };
  std::ofstream(jobs / "1") << "4242\n";
  std::ofstream(jobs / "3") << "77\n78\n";
  auto p = e->WaitFor([&](const ParsedExposition& p) { return job_of(p, 3).size() == 2; },
                      std::chrono::seconds(5));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(job_of(*p, 0), std::vector<std::string>{""});
  EXPECT_EQ(job_of(*p, 1), std::vector<std::string>{"4242"});
  EXPECT_EQ(job_of(*p, 3), (std::vector<std::string>{"77", "78"}));
  EXPECT_EQ(Find(*p, "gpuwatchdog_exporter_job_mapping_up")[0].value, 1);
  fs::remove(jobs / "1");
  p = e->WaitFor([&](const ParsedExposition& p) { return job_of(p, 1)[0].empty(); },
                 std::chrono::seconds(5));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(job_of(*p, 1), std::vector<std::string>{""});
  fs::remove_all(jobs);
  p = e->WaitFor(
      [&](const ParsedExposition& p) {
        auto up = Find(p, "gpuwatchdog_exporter_job_mapping_up");
        return !up.empty() && up[0].value == 0;
      },
      std::chrono::seconds(5));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(job_of(*p, 3), std::vector<std::string>{""}) << "no stale job labels";
}

TEST_F(GpuExporterIntegrationTest, NoDriverKeepsServingAndSaysSo) {
  auto e = Start(ScenarioPath("healthy-4gpu.yaml"), 0, {}, "/nonexistent/libnvidia-ml.so.1");
  ASSERT_NE(e, nullptr);
  auto text = e->ScrapeText();
  ASSERT_TRUE(text.ok());
  auto p = metrics::ParseText(*text);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(Find(*p, "gpuwatchdog_exporter_nvml_up")[0].value, 0);
  EXPECT_TRUE(Find(*p, "DCGM_FI_DEV_GPU_UTIL").empty());
  EXPECT_EQ(UnexpectedLintProblems(*text), std::vector<std::string>{});
}

TEST_F(GpuExporterIntegrationTest, DriverReloadIsSurvived) {
  std::string path = ScenarioPath("driver-reload.yaml");
  nvmlsim::Scenario sc = Load(path);
  ASSERT_FALSE(sc.driver_unavailable.empty());
  auto [from, to] = sc.driver_unavailable[0];
  auto e = Start(path, from - 1500);
  ASSERT_NE(e, nullptr);
  auto nvml_up = [](const ParsedExposition& p) {
    return Find(p, "gpuwatchdog_exporter_nvml_up")[0].value;
  };
  auto down = e->WaitFor([&](const ParsedExposition& p) { return nvml_up(p) == 0; },
                         std::chrono::seconds(6));
  ASSERT_TRUE(down.ok());
  EXPECT_EQ(nvml_up(*down), 0);
  EXPECT_TRUE(Find(*down, "DCGM_FI_DEV_GPU_UTIL").empty());
  auto back = e->WaitFor([&](const ParsedExposition& p) { return nvml_up(p) == 1; },
                         std::chrono::milliseconds(to - from + 20'000));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(nvml_up(*back), 1);
  EXPECT_EQ(Find(*back, "DCGM_FI_DEV_GPU_UTIL").size(), sc.gpus.size());
}

TEST_F(GpuExporterIntegrationTest, TerminatesCleanlyOnSigterm) {
  auto e = Start(ScenarioPath("healthy-4gpu.yaml"));
  ASSERT_NE(e, nullptr);
  EXPECT_TRUE(e->process().Signal(SIGHUP));  // reload with no web config: keeps running
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_TRUE(e->process().Running());
  EXPECT_EQ(e->process().Stop(std::chrono::seconds(5)), 0);
}

// Whether process `pid` maps a file whose name starts with `prefix`, e.g. "libssl.so".
bool MapsLibrary(pid_t pid, const std::string& prefix) {
  std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
  std::string line;
  while (std::getline(maps, line)) {
    size_t slash = line.rfind('/');
    if (slash != std::string::npos && line.compare(slash + 1, prefix.size(), prefix) == 0) {
      return true;
    }
  }
  return false;
}

std::string BcryptHash(const std::string& password) {
  crypt_data data{};
  const char* hash = crypt_r(password.c_str(), "$2b$05$abcdefghijklmnopqrstuu", &data);
  return hash != nullptr ? hash : "";
}

TEST_F(GpuExporterIntegrationTest, BasicAuthFromWebConfigAndReloadOnSighup) {
  fs::path web = dir_.path() / "web.yml";
  std::string hash = BcryptHash("s3cret");
  ASSERT_TRUE(hash.rfind("$2b$", 0) == 0) << "libcrypt lacks bcrypt";
  std::ofstream(web) << "basic_auth_users:\n  prometheus: " << hash << "\n";
  ExporterConfig config;
  config.scenario = ScenarioPath("healthy-4gpu.yaml");
  config.library = GW_NVML_SIM_PATH;
  config.extra_flags = {"--web.config.file=" + web.string()};
  config.log_path = (dir_.path() / "exporter.log").string();
  config.scrape_headers = {{"Authorization", "Basic cHJvbWV0aGV1czpzM2NyZXQ="}};  // prometheus:s3cret
  auto e = ExporterProcess::Start(config);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  auto status_without = [&] {
    auto r = http::HttpGet((*e)->url(), {}, std::chrono::seconds(2));
    return r.ok() ? r->status : -1;
  };
  EXPECT_EQ(status_without(), 401);
  EXPECT_TRUE((*e)->ScrapeText().ok());
  EXPECT_TRUE(MapsLibrary((*e)->process().pid(), "libcrypto.so"));  // loaded on demand
  // A broken config on SIGHUP is reported and the old one kept.
  std::ofstream(web, std::ios::trunc) << "basic_auth_users: [unclosed\n";
  ASSERT_TRUE((*e)->process().Signal(SIGHUP));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(status_without(), 401);
  EXPECT_TRUE((*e)->ScrapeText().ok());
  // A valid config without users opens the endpoint.
  std::ofstream(web, std::ios::trunc) << "http_server_config:\n  headers:\n    X-Frame-Options: deny\n";
  ASSERT_TRUE((*e)->process().Signal(SIGHUP));
  bool open = false;
  for (int i = 0; i < 20 && !open; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    open = status_without() == 200;
  }
  EXPECT_TRUE(open);
  std::ifstream log(config.log_path);
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("reload failed, keeping the previous configuration"), std::string::npos) << text;
}

// OpenSSL costs 1.7 MiB of resident memory, so the exporter loads it only for a web config that
// asks for TLS or basic auth (http/openssl_runtime.h); then TLS works as if it were linked.
TEST_F(GpuExporterIntegrationTest, OpenSslIsLoadedOnlyWhenTheWebConfigNeedsIt) {
  auto plain = Start(ScenarioPath("healthy-4gpu.yaml"));
  ASSERT_NE(plain, nullptr);
  ASSERT_TRUE(plain->ScrapeText().ok());
  EXPECT_FALSE(MapsLibrary(plain->process().pid(), "libssl.so"));
  EXPECT_FALSE(MapsLibrary(plain->process().pid(), "libcrypto.so"));

  ASSERT_TRUE(http::testing::MakeCertificates(dir_.path().string()));
  fs::path web = dir_.path() / "web.yml";
  std::ofstream(web) << "tls_server_config:\n  cert_file: " << (dir_.path() / "server.crt").string()
                     << "\n  key_file: " << (dir_.path() / "server.key").string() << "\n";
  ExporterConfig config;
  config.scenario = ScenarioPath("healthy-4gpu.yaml");
  config.library = GW_NVML_SIM_PATH;
  config.extra_flags = {"--web.config.file=" + web.string()};
  config.ca_file = (dir_.path() / "ca.crt").string();
  auto tls = ExporterProcess::Start(config);
  ASSERT_TRUE(tls.ok()) << tls.status().ToString();
  ASSERT_EQ((*tls)->url().rfind("https://", 0), 0U);
  auto scraped = (*tls)->Scrape();
  ASSERT_TRUE(scraped.ok()) << scraped.status().ToString();
  EXPECT_EQ(Find(*scraped, "DCGM_FI_DEV_GPU_UTIL").size(), 4U);
  EXPECT_TRUE(MapsLibrary((*tls)->process().pid(), "libssl.so"));
  EXPECT_TRUE(MapsLibrary((*tls)->process().pid(), "libcrypto.so"));
  // The same port refuses plain HTTP.
  std::string plain_url = (*tls)->url().replace(0, 5, "http");
  auto refused = http::HttpGet(plain_url, {}, std::chrono::seconds(2));
  EXPECT_TRUE(!refused.ok() || refused->status != 200);
}

TEST(GpuExporterFlagsIntegrationTest, BadFlagsExitTwoWithOneLine) {
  auto r = RunCommand({GW_EXPORTER_PATH, "--collect.interval=fast"}, std::chrono::seconds(10));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 2);
  EXPECT_EQ(std::count(r->stderr_text.begin(), r->stderr_text.end(), '\n'), 1) << r->stderr_text;
  EXPECT_NE(r->stderr_text.find("duration \"fast\""), std::string::npos) << r->stderr_text;
  auto v = RunCommand({GW_EXPORTER_PATH, "--version"}, std::chrono::seconds(10));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->exit_code, 0);
}

}  // namespace
}  // namespace gw::testing
