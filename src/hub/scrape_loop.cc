#include "hub/scrape_loop.h"

#include <algorithm>
#include <unordered_set>

#include "hub/scrape_fetch.h"
#include "tsdb/sample.h"

namespace gw::hub {
namespace {

constexpr std::array<std::string_view, 5> kReportNames = {
    "up", "scrape_duration_seconds", "scrape_samples_scraped",
    "scrape_samples_post_metric_relabeling", "scrape_series_added"};

// Entries unseen for this many scrapes leave the cache at the next eviction pass (one every
// this many scrapes): a series that flaps keeps its entry, one that is gone for good does not
// hold memory.
constexpr uint64_t kCacheKeepIterations = 10;

tsdb::Labels ToTsdbLabels(const LabelSet& labels) {
  std::vector<tsdb::Label> out;
  out.reserve(labels.size());
  for (const auto& [name, value] : labels) {
    if (!value.empty()) out.push_back({name, value});
  }
  return tsdb::Labels::FromSortedUnchecked(std::move(out));
}

// Attaches the target's labels to a scraped label set. On a clash honor_labels keeps the
// scraped value; otherwise the scraped one moves to exported_<name> (exported_exported_<name>
// when that is taken too), as Prometheus' mutateSampleLabels.
void AttachTargetLabels(const LabelSet& target_labels, bool honor_labels, LabelSet* scraped) {
  for (const auto& [name, value] : target_labels) {
    std::string existing(GetLabel(*scraped, name));
    if (!existing.empty()) {
      if (honor_labels) continue;
      std::string exported = "exported_";
      exported += name;
      while (!GetLabel(*scraped, exported).empty()) exported.insert(0, "exported_");
      SetLabel(scraped, exported, existing);
    }
    SetLabel(scraped, name, value);
  }
}

}  // namespace

ScrapeSettings SettingsOf(const ScrapeConfig& config, const GlobalConfig& global) {
  ScrapeSettings s;
  s.interval_ms = config.scrape_interval_ms > 0 ? config.scrape_interval_ms
                                                : global.scrape_interval_ms;
  s.timeout_ms = config.scrape_timeout_ms > 0
                     ? config.scrape_timeout_ms
                     : std::min(global.scrape_timeout_ms, s.interval_ms);
  s.honor_labels = config.honor_labels;
  s.basic_auth = config.basic_auth;
  s.metric_relabel_configs = config.metric_relabel_configs;
  s.sample_limit = config.sample_limit;
  s.label_limit = config.label_limit;
  s.body_size_limit_bytes = config.body_size_limit_bytes;
  return s;
}

std::string_view TargetHealthName(TargetHealth health) {
  switch (health) {
    case TargetHealth::kUp:
      return "up";
    case TargetHealth::kDown:
      return "down";
    case TargetHealth::kUnknown:
      break;
  }
  return "unknown";
}

ScrapeLoop::ScrapeLoop(Target target, std::shared_ptr<const ScrapeSettings> settings,
                       tsdb::Storage* storage, const Clock& clock)
    : target_(std::move(target)),
      settings_(std::move(settings)),
      storage_(storage),
      clock_(clock),
      offset_ms_(ScrapeOffsetMs(target_.Key(), settings_->interval_ms)),
      public_labels_(target_.PublicLabels()) {
  for (size_t i = 0; i < kReportSeries; ++i) {
    LabelSet labels = public_labels_;
    SetLabel(&labels, tsdb::kMetricNameLabel, kReportNames[i]);
    report_labels_[i] = ToTsdbLabels(labels);
  }
  status_.job_name = target_.job_name;
  status_.labels = public_labels_;
  status_.discovered_labels = target_.discovered_labels;
  status_.scrape_url = target_.url;
  status_.interval_ms = settings_->interval_ms;
  status_.timeout_ms = settings_->timeout_ms;
}

ScrapeResult ScrapeLoop::ScrapeOnce(int64_t scheduled_ms) {
  std::lock_guard lock(scrape_mu_);
  ScrapeResult result;
  if (stopped_) return result;
  ++iteration_;
  int64_t start_ns = clock_.MonotonicNs();
  FetchOptions fetch{settings_->timeout_ms, settings_->body_size_limit_bytes,
                     settings_->basic_auth};
  FetchError fetch_error;
  auto page = FetchPage(target_.url, fetch, &connection_, &fetch_error);
  std::unique_ptr<tsdb::Appender> app = storage_->NewAppender();
  PageStats stats;
  if (!page.ok()) {
    result.error = fetch_error.status;
    result.failure_reason = fetch_error.reason;
  } else {
    result.error = AppendPage(page->body, FormatOfContentType(page->content_type), scheduled_ms,
                              app.get(), &stats, &result.failure_reason);
  }
  result.ok = result.error.ok();
  if (!result.ok) {
    // Nothing of a page that breaks a limit or does not parse is kept (Prometheus rolls back).
    app->Rollback();
    app = storage_->NewAppender();
    stats.appended = 0;
    stats.added = 0;
  }
  result.stale_markers = MarkStale(app.get(), scheduled_ms, result.ok);
  double duration_s = static_cast<double>(clock_.MonotonicNs() - start_ns) / 1e9;
  AppendReport(app.get(), scheduled_ms, result.ok, duration_s, stats);
  result.samples_scraped = stats.scraped;
  result.samples_post_relabeling = stats.appended;
  result.series_added = stats.added;
  auto commit = app->Commit();
  if (commit.ok()) {
    result.commit = *commit;
  } else {
    // The refs learned in this scrape may name series the store never created.
    for (auto& [text, entry] : cache_) entry.ref = 0;
    report_refs_ = {};
    result.ok = false;
    result.failure_reason = kFailStorage;
    result.error = commit.status().WithContext("storing the scrape of " + target_.url);
  }
  last_timestamp_ms_ = std::max(last_timestamp_ms_, scheduled_ms);
  Evict();
  Record(result, scheduled_ms, duration_s);
  return result;
}

Status ScrapeLoop::AppendPage(const std::string& page, PageFormat format, int64_t scheduled_ms,
                              tsdb::Appender* app, PageStats* stats, std::string_view* reason) {
  PageScanner scanner(page, format);
  // Metadata changes rarely: read it at the first scrape and every tenth after.
  std::map<std::string, MetricMetadata, std::less<>> metadata;
  const bool read_metadata = !metadata_read_ || iteration_ % 10 == 0;
  if (read_metadata) scanner.set_metadata(&metadata);
  PageSample sample;
  const uint64_t sample_limit = settings_->sample_limit;
  const uint64_t label_limit = settings_->label_limit;
  next_page_order_.clear();
  while (scanner.Next(&sample)) {
    const size_t position = stats->scraped++;
    tsdb::Labels built_labels;  // of a line seen for the first time
    StatusOr<Cache::value_type*> found = Lookup(sample.series, position, &built_labels, stats);
    if (!found.ok()) {
      *reason = kFailParse;
      return found.status().WithContext("line " + std::to_string(stats->scraped) +
                                        " of the page from " + target_.url);
    }
    Cache::value_type* item = *found;
    next_page_order_.push_back(item);
    CacheEntry& entry = item->second;
    entry.last_seen = iteration_;
    entry.explicit_timestamp = sample.timestamp_ms.has_value();
    if (entry.dropped()) continue;  // by metric_relabel_configs
    if (label_limit != 0 && entry.label_count > label_limit) {
      *reason = kFailLabelLimit;
      return ResourceExhaustedError("label_limit " + std::to_string(label_limit) +
                                    " exceeded by " + LabelsOf(item->first).ToString() +
                                    " from " + target_.url);
    }
    if (sample_limit != 0 && ++stats->appended > sample_limit) {
      *reason = kFailSampleLimit;
      return ResourceExhaustedError("sample_limit " + std::to_string(sample_limit) +
                                    " exceeded by " + target_.url);
    }
    if (sample_limit == 0) ++stats->appended;
    AppendSample(app, item->first, entry, built_labels.empty() ? nullptr : &built_labels,
                 sample.timestamp_ms.value_or(scheduled_ms), sample.value);
  }
  if (!scanner.status().ok()) {
    *reason = kFailParse;
    return scanner.status().WithContext("page from " + target_.url);
  }
  page_order_.swap(next_page_order_);
  if (read_metadata) {
    metadata_read_ = true;
    std::lock_guard lock(status_mu_);
    metadata_ = std::move(metadata);
  }
  return Status::Ok();
}

StatusOr<ScrapeLoop::Cache::value_type*> ScrapeLoop::Lookup(std::string_view series,
                                                            size_t position,
                                                            tsdb::Labels* built_labels,
                                                            PageStats* stats) {
  if (position < page_order_.size() && page_order_[position]->first == series) {
    return page_order_[position];
  }
  auto it = cache_.find(series);
  if (it == cache_.end()) {
    GW_ASSIGN_OR_RETURN(BuiltEntry built, BuildEntry(series));
    *built_labels = std::move(built.labels);
    it = cache_.emplace(std::string(series), built.entry).first;
    if (!it->second.dropped()) ++stats->added;
  }
  return &*it;
}

StatusOr<ScrapeLoop::BuiltEntry> ScrapeLoop::BuildEntry(std::string_view series) const {
  GW_ASSIGN_OR_RETURN(LabelSet labels, ParseSeries(series));
  AttachTargetLabels(public_labels_, settings_->honor_labels, &labels);
  BuiltEntry built;
  std::optional<LabelSet> relabeled = Relabel(labels, settings_->metric_relabel_configs);
  if (relabeled) built.labels = ToTsdbLabels(*relabeled);
  if (relabeled && built.labels.Get(tsdb::kMetricNameLabel).empty()) {
    return InvalidArgumentError("series " + std::string(series) +
                                " has no metric name after metric relabeling");
  }
  built.entry.label_count = static_cast<uint32_t>(built.labels.size());
  return built;
}

tsdb::Labels ScrapeLoop::LabelsOf(std::string_view series) const {
  StatusOr<BuiltEntry> built = BuildEntry(series);
  return built.ok() ? std::move(built->labels) : tsdb::Labels();
}

void ScrapeLoop::AppendSample(tsdb::Appender* app, std::string_view series, CacheEntry& entry,
                              const tsdb::Labels* labels, int64_t t_ms, double v) const {
  if (entry.ref != 0 && labels == nullptr) {
    StatusOr<tsdb::SeriesRef> ref = app->Append(entry.ref, tsdb::Labels(), t_ms, v);
    if (ref.ok()) {
      entry.ref = *ref;
      return;
    }
    if (ref.status().code() != StatusCode::kNotFound) return;
  }
  // No ref yet, or the store dropped the series: it needs the labels.
  tsdb::Labels rebuilt;
  if (labels == nullptr) {
    rebuilt = LabelsOf(series);
    labels = &rebuilt;
  }
  StatusOr<tsdb::SeriesRef> ref = app->Append(0, *labels, t_ms, v);
  if (ref.ok()) entry.ref = *ref;
}

uint64_t ScrapeLoop::MarkStale(tsdb::Appender* app, int64_t t_ms, bool scrape_ok) {
  auto seen_now = [&](const CacheEntry& entry) {
    return scrape_ok && entry.last_seen == iteration_ && !entry.dropped();
  };
  std::vector<Cache::value_type*> vanished;
  for (auto& item : cache_) {
    CacheEntry& entry = item.second;
    const bool seen = seen_now(entry);
    if (entry.live && !seen) vanished.push_back(&item);
    // Series with their own timestamps are never marked stale (Prometheus without
    // track_timestamps_staleness): they would land between the exporter's samples.
    entry.live = seen && !entry.explicit_timestamp;
  }
  if (vanished.empty() && inherited_.empty()) return 0;  // every scrape of a steady target
  std::unordered_set<tsdb::SeriesRef> written;
  for (const auto& [text, entry] : cache_) {
    if (seen_now(entry)) written.insert(entry.ref);
  }
  uint64_t markers = 0;
  // Another line of this page may map to the same series (metric relabeling can merge series):
  // then it is not stale.
  for (Cache::value_type* item : vanished) {
    if (written.contains(item->second.ref)) continue;
    AppendSample(app, item->first, item->second, nullptr, t_ms, tsdb::StaleMarker());
    ++markers;
  }
  for (const LiveSeries& s : inherited_) {
    if (written.contains(s.ref)) continue;
    app->Append(s.ref, s.labels, t_ms, tsdb::StaleMarker()).IgnoreError();
    ++markers;
  }
  inherited_.clear();
  return markers;
}

void ScrapeLoop::AppendReport(tsdb::Appender* app, int64_t t_ms, bool up, double duration_s,
                              const PageStats& stats) {
  const double values[kReportSeries] = {up ? 1.0 : 0.0, duration_s,
                                        static_cast<double>(stats.scraped),
                                        static_cast<double>(stats.appended),
                                        static_cast<double>(stats.added)};
  for (size_t i = 0; i < kReportSeries; ++i) {
    auto ref = app->Append(report_refs_[i], report_labels_[i], t_ms, values[i]);
    if (ref.ok()) report_refs_[i] = *ref;
  }
  report_written_ = true;
}

void ScrapeLoop::Evict() {
  // A pass over the whole cache; once every kCacheKeepIterations scrapes is enough, as an entry
  // waits that long anyway.
  if (iteration_ <= kCacheKeepIterations || iteration_ % kCacheKeepIterations != 0) return;
  const size_t erased = std::erase_if(cache_, [this](const auto& item) {
    return !item.second.live && item.second.last_seen + kCacheKeepIterations < iteration_;
  });
  if (erased > 0) page_order_.clear();  // it may point at erased entries
}

void ScrapeLoop::Record(const ScrapeResult& result, int64_t scheduled_ms, double duration_s) {
  std::lock_guard lock(status_mu_);
  status_.health = result.ok ? TargetHealth::kUp : TargetHealth::kDown;
  status_.last_error = result.ok ? "" : result.error.message();
  status_.last_scrape_ms = scheduled_ms;
  status_.last_duration_s = duration_s;
}

void ScrapeLoop::Stop(int64_t now_ms, bool write_stale_markers) {
  std::lock_guard lock(scrape_mu_);
  if (stopped_) return;
  stopped_ = true;
  connection_.Close();
  if (!write_stale_markers) return;
  int64_t t_ms = std::max(now_ms, last_timestamp_ms_ + 1);
  std::unique_ptr<tsdb::Appender> app = storage_->NewAppender();
  ++iteration_;  // nothing is seen in this "scrape"
  MarkStale(app.get(), t_ms, /*scrape_ok=*/false);
  if (report_written_) {
    for (size_t i = 0; i < kReportSeries; ++i) {
      app->Append(report_refs_[i], report_labels_[i], t_ms, tsdb::StaleMarker()).IgnoreError();
    }
  }
  auto commit = app->Commit();
  if (!commit.ok()) commit.status().IgnoreError();  // the store refuses writes; nothing to do
}

std::vector<LiveSeries> ScrapeLoop::TakeLiveSeries() {
  std::lock_guard lock(scrape_mu_);
  std::vector<LiveSeries> out = std::move(inherited_);
  inherited_.clear();
  for (auto& [text, entry] : cache_) {
    if (entry.live) out.push_back({entry.ref, LabelsOf(text)});
    entry.live = false;
  }
  return out;
}

void ScrapeLoop::InheritSeries(std::vector<LiveSeries> series) {
  std::lock_guard lock(scrape_mu_);
  for (LiveSeries& s : series) inherited_.push_back(std::move(s));
}

std::map<std::string, MetricMetadata, std::less<>> ScrapeLoop::metadata() const {
  std::lock_guard lock(status_mu_);
  return metadata_;
}

TargetStatus ScrapeLoop::status() const {
  std::lock_guard lock(status_mu_);
  return status_;
}

}  // namespace gw::hub
