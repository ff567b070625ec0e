// Refreshes one snapshot per Slurm command per interval on a background thread, and publishes
// the rendered page. Scrapes read the page and never fork, however many there are.
#ifndef GW_SLURM_EXPORTER_REFRESHER_H_
#define GW_SLURM_EXPORTER_REFRESHER_H_

#include <string>

#include "common/clock.h"
#include "common/periodic.h"
#include "metrics/exposition_cache.h"
#include "slurm/command_runner.h"
#include "slurm_exporter/slurm_metrics.h"
#include "slurm_exporter/snapshot.h"

namespace gw::slurm_exporter {

struct RefresherOptions {
  std::string sinfo = "sinfo";
  std::string squeue = "squeue";
  std::string scontrol = "scontrol";
  std::string sdiag = "sdiag";
  int64_t interval_ms = 15'000;
  int64_t timeout_ms = 10'000;  // per command
};

// Start/Stop are thread-safe; RefreshOnce and the accessors belong to the refresh thread (or to
// a test calling RefreshOnce directly). `runner`, `cache` and `clock` must outlive it.
class Refresher {
 public:
  Refresher(slurm::CommandRunner* runner, metrics::ExpositionCache* cache, const Clock* clock,
            RefresherOptions options);
  ~Refresher() { Stop(); }

  // Runs each command once (sequentially: slurmctld sees one request at a time from us), parses,
  // updates the counters and publishes the page.
  void RefreshOnce();
  const Snapshot& snapshot() const { return snapshot_; }
  const RefreshCounters& counters() const { return counters_; }

  void Start() {
    thread_.Start("refresh", std::chrono::milliseconds(options_.interval_ms),
                  [this] { RefreshOnce(); });
  }
  void Stop() { thread_.Stop(); }

 private:
  template <typename T, typename Parse>
  std::optional<T> Fetch(const std::string& source, const std::vector<std::string>& argv,
                         Parse parse, Snapshot* snapshot);

  slurm::CommandRunner* runner_;
  metrics::ExpositionCache* cache_;
  const Clock* clock_;
  RefresherOptions options_;
  Snapshot snapshot_;
  RefreshCounters counters_;
  FinishedJobs finished_;
  std::map<std::string, std::string> last_error_;  // per source, to log changes only

  PeriodicThread thread_;
};

}  // namespace gw::slurm_exporter

#endif  // GW_SLURM_EXPORTER_REFRESHER_H_
