// Runs the scrapes of every job of the hub's config: one ScrapeLoop per target, driven by one
// scheduler thread and a small pool of scrape threads (a few hundred targets need no more), and
// one refresh thread per slurm_sd_config.
#ifndef GW_HUB_SCRAPE_MANAGER_H_
#define GW_HUB_SCRAPE_MANAGER_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <queue>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "hub/hub_config.h"
#include "hub/scrape_loop.h"
#include "metrics/metric_family.h"
#include "tsdb/storage.h"

namespace gw::hub {

struct ScrapeManagerOptions {
  int scrape_threads = 8;  // scrapes in flight at once
  // False: no threads at all; scrapes happen only in RunDueScrapes and discovery refreshes
  // only in RefreshDiscovery (tests drive time with a FakeClock).
  bool background = true;
};

// Thread-safety: every method may be called from any thread.
class ScrapeManager {
 public:
  // `storage` and `clock` must outlive the manager.
  ScrapeManager(tsdb::Storage* storage, const Clock& clock, ScrapeManagerOptions options = {});
  ScrapeManager(const ScrapeManager&) = delete;
  ScrapeManager& operator=(const ScrapeManager&) = delete;
  // Calls Stop().
  ~ScrapeManager();

  // Makes the running scrapes those of `config`. A target whose job settings and labels are
  // unchanged keeps its loop (schedule and cache); a target of a job whose settings changed
  // gets a new loop that takes over its series; a target that is gone is stopped and its
  // series marked stale. Discovery of unchanged slurm_sd_configs keeps its last target list.
  // A target that relabeling leaves without a usable address is logged and skipped.
  // REQUIRES: `config` passed validation (ParseHubConfig). Errors: kFailedPrecondition after
  // Stop.
  Status ApplyConfig(const HubConfig& config);

  // Stops discovery and scraping, waits for scrapes in flight, and marks every series stale.
  // Idempotent.
  void Stop();

  // Every target, by job then scrape URL.
  std::vector<TargetStatus> Targets() const;
  // The metadata of every metric family the targets expose: per family name, its distinct
  // {type, help, unit} across targets, sorted (the /api/v1/metadata answer).
  MetadataByMetric Metadata() const;

  // The hub's own scrape counters, for its /metrics page.
  void AppendMetrics(std::vector<metrics::MetricFamily>* out) const;

  // Scrapes, in the calling thread, every target whose next slot is at or before the clock's
  // now, with that slot as timestamp. Returns how many scraped. For tests (background=false).
  size_t RunDueScrapes();
  // Refreshes every discovery now and updates the targets. For tests (background=false).
  void RefreshDiscovery();

 private:
  struct Job;
  struct Discovery;
  struct Slot {
    std::shared_ptr<ScrapeLoop> loop;
    int64_t next_ms = 0;
    bool running = false;
  };
  struct Work {
    std::string key;
    std::shared_ptr<ScrapeLoop> loop;
    int64_t scheduled_ms = 0;
  };
  // A slot's next scrape, in the heap the scheduler takes due slots from. Entries are not
  // removed with their slot: one whose slot is gone, running or rescheduled is skipped.
  struct Due {
    int64_t next_ms = 0;
    std::string key;
    bool operator>(const Due& other) const { return next_ms > other.next_ms; }
  };
  struct Counters {
    uint64_t scrapes = 0;
    std::map<std::string, uint64_t, std::less<>> failures;  // by reason
    uint64_t samples_appended = 0;
    uint64_t out_of_order = 0;
    uint64_t duplicate = 0;
    uint64_t out_of_bounds = 0;
    uint64_t stale_markers = 0;
    uint64_t sd_refresh_failures = 0;
  };

  // Brings the loops of one job in line with its static and discovered targets. Returns the
  // loops to stop (the caller stops them without holding mu_). REQUIRES: config_mu_ held.
  struct Retired {
    std::vector<std::shared_ptr<ScrapeLoop>> removed;  // stop with stale markers
    std::vector<std::pair<std::shared_ptr<ScrapeLoop>, std::shared_ptr<ScrapeLoop>>> replaced;
  };
  // Brings the loops of one job in line with its static and discovered targets; with
  // replace_all (the job's settings changed) every kept target gets a new loop. The caller
  // retires the old loops without holding mu_. REQUIRES: config_mu_ held.
  Retired SyncJob(const Job& job, bool replace_all);
  void Retire(const Retired& retired);
  // A discovery, refreshing on its own thread in background mode.
  std::unique_ptr<Discovery> StartDiscovery(const SlurmSdConfig& config,
                                            const std::string& job_name);
  void SyncDiscoveredJob(const std::string& job_name);
  // Sets a slot and queues its next scrape. REQUIRES: mu_ held.
  void PutSlot(const std::string& key, Slot slot);
  // Marks the due slots running. REQUIRES: mu_ held.
  std::vector<Work> TakeDue(int64_t now_ms);
  void Finish(const Work& work, const ScrapeResult& result);
  void SchedulerLoop();
  void WorkerLoop();

  tsdb::Storage* const storage_;
  const Clock& clock_;
  const ScrapeManagerOptions options_;

  std::mutex config_mu_;  // serializes ApplyConfig, discovery updates and Stop; before mu_
  std::map<std::string, std::unique_ptr<Job>> jobs_;
  bool stopped_ = false;

  mutable std::mutex mu_;  // guards what follows
  std::map<std::string, Slot> slots_;  // by target key
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due_;
  int64_t scheduler_wake_ms_ = 0;  // when the scheduler wakes next, unless notified
  std::deque<Work> queue_;
  Counters counters_;
  bool stopping_ = false;
  std::condition_variable schedule_cv_;
  std::condition_variable work_cv_;

  std::vector<std::thread> threads_;
};

}  // namespace gw::hub

#endif  // GW_HUB_SCRAPE_MANAGER_H_
