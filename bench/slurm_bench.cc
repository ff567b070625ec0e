// One Slurm exporter refresh on a synthetic large cluster: 10,000 nodes (in two partitions each
// for a tenth of them) and 100,000 jobs (30% running, with GPU details), answered from memory
// by a fake command runner. Measures the time to parse and render one refresh on one core, the
// commands run per refresh, and the peak RSS of this process.
//
//   slurm_bench [NODES] [JOBS] [REPEATS]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "slurm_exporter/refresher.h"

namespace {

using gw::CommandResult;
using gw::StatusOr;

std::string Sinfo(int nodes) {
  std::string out;
  for (int i = 0; i < nodes; ++i) {
    std::string name = "gpu-node-" + std::to_string(100000 + i);
    bool busy = i % 3 != 0;
    std::string line = name + "|gpu*|" + (busy ? "mixed" : "idle") + "|" + (busy ? "32/32/0/64" : "0/64/0/64") +
                       "|512000|" + (busy ? "256000" : "0") + "|gpu:h100:8|gpu:h100:" +
                       (busy ? "4(IDX:0-3)" : "0(IDX:N/A)") + "|none|\n";
    out += line;
    if (i % 10 == 0) {
      line.replace(line.find("|gpu*|"), 6, "|debug|");
      out += line;
    }
  }
  return out;
}

std::string Squeue(int jobs, int nodes) {
  std::string out;
  for (int j = 0; j < jobs; ++j) {
    bool running = j % 10 < 3;
    std::string id = std::to_string(1000000 + j);
    out += id + "|" + (running ? "RUNNING" : "PENDING") + "|" + (j % 7 == 0 ? "gpu,debug" : "gpu") +
           "|user" + std::to_string(j % 500) + "|acct" + std::to_string(j % 50) + "|8|1|gres:gpu:2|N/A|" +
           (running ? "None" : "Priority") + "|" +
           (running ? "gpu-node-" + std::to_string(100000 + j % nodes) : "") + "|1795974512|" +
           (running ? "1795974600" : "0") + "|\n";
  }
  return out;
}

std::string Scontrol(int jobs, int nodes) {
  std::string out;
  for (int j = 0; j < jobs; ++j) {
    if (j % 10 >= 3) continue;
    std::string node = "gpu-node-" + std::to_string(100000 + j % nodes);
    out += "JobId=" + std::to_string(1000000 + j) + " JobName=train UserId=u(1) JobState=RUNNING NodeList=" +
           node + " NumNodes=1 JOB_GRES=gpu:h100:2   Nodes=" + node +
           " CPU_IDs=0-7 Mem=1000 GRES=gpu:h100:2(IDX:0-1) MinCPUsNode=1 TresPerNode=gres:gpu:2\n";
  }
  return out;
}

const char kSdiag[] =
    "*******************************************************\n"
    "sdiag output at Sun Nov 29 17:49:21 2026 (1795974561)\n"
    "Data since      Sun Nov 29 17:48:26 2026 (1795974506)\n"
    "*******************************************************\n"
    "Server thread count:  3\nAgent queue size:     0\nDBD Agent queue size: 0\n\n"
    "Jobs submitted: 100000\nJobs started:   30000\nJobs completed: 10\nJobs canceled:  0\n"
    "Jobs failed:    0\n\nMain schedule statistics (microseconds):\n\tLast cycle:   25000\n"
    "\tMax cycle:    90000\n\tTotal cycles: 20\n\tMean cycle:   30000\n\tMean depth cycle:  100\n"
    "\tLast queue length: 70000\n";

class MemoryRunner final : public gw::slurm::CommandRunner {
 public:
  std::string sinfo, squeue, scontrol;
  int calls = 0;
  StatusOr<CommandResult> Run(const std::vector<std::string>& argv, std::chrono::milliseconds) override {
    ++calls;
    const std::string& cmd = argv[0];
    if (cmd == "sinfo") return CommandResult{0, sinfo, ""};
    if (cmd == "squeue") return CommandResult{0, squeue, ""};
    if (cmd == "scontrol") return CommandResult{0, scontrol, ""};
    return CommandResult{0, kSdiag, ""};
  }
};

}  // namespace

int main(int argc, char** argv) {
  int nodes = argc > 1 ? std::atoi(argv[1]) : 10'000;
  int jobs = argc > 2 ? std::atoi(argv[2]) : 100'000;
  int repeats = argc > 3 ? std::atoi(argv[3]) : 5;
  MemoryRunner runner;
  runner.sinfo = Sinfo(nodes);
  runner.squeue = Squeue(jobs, nodes);
  runner.scontrol = Scontrol(jobs, nodes);
  gw::metrics::ExpositionCache cache([](std::string_view d) { return std::string(d); });
  gw::slurm_exporter::Refresher refresher(&runner, &cache, &gw::SystemClock::Get(), {});
  // CPU time of this thread, not wall time: the machines these run on are shared.
  auto thread_cpu_ms = [] {
    rusage ru{};
    getrusage(RUSAGE_THREAD, &ru);
    return (static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
            static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3);
  };
  std::vector<double> ms;
  for (int i = 0; i < repeats; ++i) {
    int before = runner.calls;
    double start = thread_cpu_ms();
    refresher.RefreshOnce();
    ms.push_back(thread_cpu_ms() - start);
    if (runner.calls - before != 4) std::fprintf(stderr, "unexpected command count\n");
  }
  for (const auto& [source, st] : refresher.snapshot().sources) {
    if (!st.ok) std::fprintf(stderr, "%s failed: %s\n", source.c_str(), st.error.c_str());
  }
  std::sort(ms.begin(), ms.end());
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  size_t page = cache.Get(gw::metrics::ExpositionFormat::kPrometheusText, false)->size();
  std::printf("nodes=%d jobs=%d input_bytes=%zu refresh_cpu_median_ms=%.1f refresh_cpu_min_ms=%.1f "
              "commands_per_refresh=%d page_bytes=%zu peak_rss_kib=%ld\n",
              nodes, jobs, runner.sinfo.size() + runner.squeue.size() + runner.scontrol.size(),
              ms[ms.size() / 2], ms.front(), runner.calls / repeats, page, ru.ru_maxrss);
  return 0;
}
