// The scrape of one target: fetch, parse through a per-target cache, relabel, append, and the
// bookkeeping Prometheus does around it (report series, stale markers, limits).
#ifndef GW_HUB_SCRAPE_LOOP_H_
#define GW_HUB_SCRAPE_LOOP_H_

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "http/connection.h"
#include "hub/hub_config.h"
#include "hub/scrape_page.h"
#include "hub/target.h"
#include "tsdb/storage.h"

namespace gw::hub {

// What a job's loops share: its config with the global defaults filled in. Immutable.
struct ScrapeSettings {
  int64_t interval_ms = 15'000;
  int64_t timeout_ms = 10'000;
  bool honor_labels = false;
  std::optional<BasicAuth> basic_auth;
  std::vector<RelabelConfig> metric_relabel_configs;
  uint64_t sample_limit = 0;
  uint64_t label_limit = 0;
  uint64_t body_size_limit_bytes = 0;
};

// The job's settings: interval and timeout default to the global ones, the timeout capped at
// the interval.
ScrapeSettings SettingsOf(const ScrapeConfig& config, const GlobalConfig& global);

enum class TargetHealth { kUnknown, kUp, kDown };
std::string_view TargetHealthName(TargetHealth health);  // "unknown", "up", "down"

// A target as the API shows it.
struct TargetStatus {
  std::string job_name;
  LabelSet labels;             // attached to its samples (no "__" labels)
  LabelSet discovered_labels;  // before relabeling
  std::string scrape_url;
  TargetHealth health = TargetHealth::kUnknown;
  std::string last_error;          // "" after a good scrape
  int64_t last_scrape_ms = 0;      // the last scrape's (scheduled) timestamp; 0: none yet
  double last_duration_s = 0;      // of the last scrape
  int64_t interval_ms = 0;
  int64_t timeout_ms = 0;
};

// What one scrape did, for the manager's counters.
struct ScrapeResult {
  bool ok = false;
  std::string_view failure_reason;  // a kFail* of scrape_fetch.h when !ok
  Status error;
  uint64_t samples_scraped = 0;
  uint64_t samples_post_relabeling = 0;
  uint64_t series_added = 0;
  uint64_t stale_markers = 0;
  tsdb::CommitResult commit;
};

// A series the loop has written and may have to mark stale.
struct LiveSeries {
  tsdb::SeriesRef ref = 0;
  tsdb::Labels labels;
};

// Thread-safety: ScrapeOnce and Stop serialize on an internal lock (one scrape at a time);
// status() and the accessors may be called from any thread.
class ScrapeLoop {
 public:
  // `storage` and `clock` must outlive the loop.
  ScrapeLoop(Target target, std::shared_ptr<const ScrapeSettings> settings,
             tsdb::Storage* storage, const Clock& clock);
  ScrapeLoop(const ScrapeLoop&) = delete;
  ScrapeLoop& operator=(const ScrapeLoop&) = delete;

  // Scrapes the target once and writes what it found with timestamp scheduled_ms (samples
  // without their own timestamp), in one appender committed at the end. A failed scrape writes
  // up=0, stale markers for every series of the last good one, and nothing of the page. Does
  // nothing (and returns a result with ok=false and no reason) after Stop.
  ScrapeResult ScrapeOnce(int64_t scheduled_ms);

  // Ends the loop: writes stale markers for everything it wrote last (page and report series)
  // at max(now_ms, last scrape + 1ms), unless `write_stale_markers` is false (a replacement
  // loop took the series over with TakeLiveSeries). Closes the connection to the target.
  // Idempotent.
  void Stop(int64_t now_ms, bool write_stale_markers = true);

  // Hands the series of the last good scrape to a replacement loop (same target, new
  // settings), which marks stale those its first scrape does not write again.
  std::vector<LiveSeries> TakeLiveSeries();
  void InheritSeries(std::vector<LiveSeries> series);

  TargetStatus status() const;
  // The HELP/TYPE/UNIT of the metric families on the target's page (read at every scrape until
  // one succeeds, then every tenth), by family name.
  std::map<std::string, MetricMetadata, std::less<>> metadata() const;
  const Target& target() const { return target_; }
  const ScrapeSettings& settings() const { return *settings_; }
  int64_t offset_ms() const { return offset_ms_; }

 private:
  // What the loop knows of one line of the page. The labels are not kept: they are most of a
  // series' memory in the hub, and with a ref the store does not need them. They are rebuilt
  // from the line (LabelsOf) in the rare cases that do (no ref yet, or a stale one).
  struct CacheEntry {
    tsdb::SeriesRef ref = 0;
    uint32_t label_count = 0;         // 0 when metric relabeling drops the series
    uint64_t last_seen = 0;           // the iteration that last had the series on the page
    bool live = false;                // written by the last good scrape, not yet marked stale
    bool explicit_timestamp = false;  // its last sample carried its own timestamp
    bool dropped() const { return label_count == 0; }
  };
  struct BuiltEntry {
    CacheEntry entry;
    tsdb::Labels labels;  // empty when dropped
  };
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  using Cache = std::unordered_map<std::string, CacheEntry, StringHash, std::equal_to<>>;
  struct PageStats {
    uint64_t scraped = 0;
    uint64_t appended = 0;
    uint64_t added = 0;
  };
  static constexpr size_t kReportSeries = 5;

  // Appends the page's samples; on error returns the reason in *reason.
  Status AppendPage(const std::string& page, PageFormat format, int64_t scheduled_ms,
                    tsdb::Appender* app, PageStats* stats, std::string_view* reason);
  // The cache entry of the page's line at `position`: the last page's entry there when it is
  // the same line, else found by hash, else built and added (its labels into *built_labels,
  // counted in stats->added). Errors: the line does not parse or relabels to no name.
  StatusOr<Cache::value_type*> Lookup(std::string_view series, size_t position,
                                      tsdb::Labels* built_labels, PageStats* stats);
  // Cache miss: parses and relabels `series`. Not cached when it fails.
  StatusOr<BuiltEntry> BuildEntry(std::string_view series) const;
  // The labels of a cached line (empty if it cannot be built, which a cached line can).
  tsdb::Labels LabelsOf(std::string_view series) const;
  // Appends through the entry's ref, or with the line's labels when there is no usable ref;
  // keeps the ref the store returns. `labels` (may be null) are the line's, when at hand.
  void AppendSample(tsdb::Appender* app, std::string_view series, CacheEntry& entry,
                    const tsdb::Labels* labels, int64_t t_ms, double v) const;
  // Stale markers for the live series not seen in this scrape (all of them when it failed),
  // and for inherited series; updates which series are live.
  uint64_t MarkStale(tsdb::Appender* app, int64_t t_ms, bool scrape_ok);
  void AppendReport(tsdb::Appender* app, int64_t t_ms, bool up, double duration_s,
                    const PageStats& stats);
  void Evict();
  void Record(const ScrapeResult& result, int64_t scheduled_ms, double duration_s);

  const Target target_;
  const std::shared_ptr<const ScrapeSettings> settings_;
  tsdb::Storage* const storage_;
  const Clock& clock_;
  const int64_t offset_ms_;
  const LabelSet public_labels_;
  std::array<tsdb::Labels, kReportSeries> report_labels_;

  std::mutex scrape_mu_;  // held for a whole scrape; guards everything below up to status_mu_
  http::HttpConnection connection_;  // to the target, kept open between scrapes
  Cache cache_;
  // The cache entries of the last good page in page order: a target writes its series in the
  // same order every time, so the entry at the same position is tried before hashing the line.
  // Cleared whenever entries leave the cache.
  std::vector<Cache::value_type*> page_order_;
  std::vector<Cache::value_type*> next_page_order_;
  uint64_t iteration_ = 0;
  std::vector<LiveSeries> inherited_;
  std::array<tsdb::SeriesRef, kReportSeries> report_refs_{};
  bool report_written_ = false;  // report series are live (not yet marked stale)
  int64_t last_timestamp_ms_ = 0;
  bool stopped_ = false;
  bool metadata_read_ = false;  // a good scrape has read the page's metadata

  mutable std::mutex status_mu_;
  TargetStatus status_;
  std::map<std::string, MetricMetadata, std::less<>> metadata_;  // guarded by status_mu_
};

}  // namespace gw::hub

#endif  // GW_HUB_SCRAPE_LOOP_H_
