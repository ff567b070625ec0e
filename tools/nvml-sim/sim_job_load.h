// Job-load mode of the simulated driver (docs/nvml-sim.md, "Job load"): processes declare the
// load they put on a simulated GPU by writing a load file, and the GPU's utilisation, memory,
// processes, power, temperatures, SM clock and energy follow the live ones.
//
// The reading side (file names, file contents, the directory scan) is here and in
// sim_job_load.cc; deriving what a GPU reports is in sim_job_load_state.cc.
#ifndef GW_TOOLS_NVML_SIM_SIM_JOB_LOAD_H_
#define GW_TOOLS_NVML_SIM_SIM_JOB_LOAD_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "scenario.h"

namespace gw::nvmlsim {

// What one process's load file says.
struct ProcessLoad {
  uint32_t pid = 0;
  double utilization = 0;  // % of the GPU it keeps busy, 0 to 100
  double memory_mib = 0;
  std::optional<double> memory_utilization;  // %, 0 to 100
};

// The GPU index and pid of a load file name "<index>.<pid>" (both decimal, pid > 0); nullopt
// for any other name.
std::optional<std::pair<unsigned, uint32_t>> ParseLoadFileName(std::string_view name);

// The contents of a load file: whitespace-separated key=value tokens, `utilization` and
// `memory_mib` required, `memory_utilization` optional, each at most once. The pid is left 0.
// Errors: kInvalidArgument naming the offending token.
[[nodiscard]] StatusOr<ProcessLoad> ParseLoadFile(std::string_view text);

// Whether a process exists (kill(pid, 0) succeeds or fails with EPERM).
bool ProcessAlive(uint32_t pid);

// The load files in dir of live processes, per GPU index below gpu_count, sorted by pid. A
// missing or unreadable dir is no load. A malformed file is skipped with one line to stderr
// the first time its name is seen (`warned` remembers the names).
std::vector<std::vector<ProcessLoad>> ScanLoadDir(const std::string& dir, size_t gpu_count,
                                                  std::set<std::string>& warned);

// The GPU as job-load mode shows it at t_ms: base with the load-driven curves replaced by
// constants and its processes replaced by `load`'s. Curves absent in base stay absent.
SimGpu ApplyLoad(const SimGpu& base, unsigned index, const std::vector<ProcessLoad>& load,
                 int64_t t_ms);

// The energy counter of one GPU in job-load mode: the integral of the power it reported.
struct EnergyMeter {
  bool started = false;
  int64_t last_ms = 0;        // timeline time accounted up to
  double accumulated_mj = 0;  // since the meter started; never decreases
};

// What job-load mode keeps between calls, in SimState.
struct JobLoadState {
  bool scanned = false;       // false: scan at the next device call
  int64_t scanned_at_ms = 0;  // wall-clock ms since the epoch of the last scan
  std::vector<SimGpu> gpus;   // per index: what device calls report, from the last scan
  // Per index, for the life of the library: a re-init does not reset the counters, as a
  // driver's energy counters survive an nvmlShutdown.
  std::vector<EnergyMeter> meters;
  std::set<std::string> warned;  // load file names already reported as malformed
};

}  // namespace gw::nvmlsim

#endif  // GW_TOOLS_NVML_SIM_SIM_JOB_LOAD_H_
