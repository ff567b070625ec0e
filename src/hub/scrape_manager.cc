#include "hub/scrape_manager.h"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <tuple>

#include "common/logging.h"
#include "common/periodic.h"
#include "hub/scrape_fetch.h"
#include "hub/slurm_discovery.h"

namespace gw::hub {
namespace {

// Everything of a job's settings that changes what a loop writes; equal strings mean a loop
// may be kept.
std::string Fingerprint(const ScrapeSettings& s) {
  std::string f = std::to_string(s.interval_ms) + "|" + std::to_string(s.timeout_ms) + "|" +
                  (s.honor_labels ? "1" : "0") + "|" + std::to_string(s.sample_limit) + "|" +
                  std::to_string(s.label_limit) + "|" + std::to_string(s.body_size_limit_bytes);
  if (s.basic_auth) {
    f += "|auth\xff" + s.basic_auth->username + "\xff" + s.basic_auth->password + "\xff" +
         s.basic_auth->password_file;
  }
  for (const RelabelConfig& r : s.metric_relabel_configs) {
    f += "|rule";
    for (const std::string& l : r.source_labels) f += "\xff" + l;
    f += "\xfe" + r.separator + "\xfe" + r.regex + "\xfe" + r.target_label + "\xfe" +
         r.replacement + "\xfe" + std::to_string(r.modulus) + "\xfe" +
         std::string(RelabelActionName(r.action));
  }
  return f;
}

std::string DiscoveryKey(const SlurmSdConfig& c) {
  return c.exporter_url + "\xff" + std::to_string(c.port) + "\xff" +
         std::to_string(c.refresh_interval_ms);
}

// The first slot of a loop strictly after now_ms.
int64_t NextSlot(const ScrapeLoop& loop, int64_t now_ms) {
  int64_t interval = loop.settings().interval_ms;
  return SlotAtOrBefore(now_ms, interval, loop.offset_ms()) + interval;
}

constexpr std::string_view kFailureReasons[] = {
    kFailTimeout, kFailConnection, kFailHttpStatus,  kFailBodySize, kFailAuth,
    kFailParse,   kFailSampleLimit, kFailLabelLimit, kFailStorage};

}  // namespace

struct ScrapeManager::Discovery {
  std::unique_ptr<SlurmDiscovery> sd;
  std::unique_ptr<PeriodicThread> thread;  // declared last: stopped before sd goes
};

struct ScrapeManager::Job {
  ScrapeConfig config;
  std::shared_ptr<const ScrapeSettings> settings;
  std::string fingerprint;
  std::map<std::string, std::unique_ptr<Discovery>> discoveries;  // by DiscoveryKey
};

ScrapeManager::ScrapeManager(tsdb::Storage* storage, const Clock& clock,
                             ScrapeManagerOptions options)
    : storage_(storage), clock_(clock), options_(options) {
  if (!options_.background) return;
  threads_.emplace_back([this] { SchedulerLoop(); });
  for (int i = 0; i < std::max(1, options_.scrape_threads); ++i) {
    threads_.emplace_back([this] { WorkerLoop(); });
  }
}

ScrapeManager::~ScrapeManager() { Stop(); }

std::unique_ptr<ScrapeManager::Discovery> ScrapeManager::StartDiscovery(
    const SlurmSdConfig& config, const std::string& job_name) {
  auto d = std::make_unique<Discovery>();
  d->sd = std::make_unique<SlurmDiscovery>(config);
  if (!options_.background) return d;
  d->thread = std::make_unique<PeriodicThread>();
  SlurmDiscovery* sd = d->sd.get();
  d->thread->Start("slurm-sd", std::chrono::milliseconds(config.refresh_interval_ms),
                   [this, sd, job_name] {
                     auto changed = sd->Refresh();
                     if (!changed.ok()) {
                       std::lock_guard lock(mu_);
                       ++counters_.sd_refresh_failures;
                     } else if (*changed) {
                       SyncDiscoveredJob(job_name);
                     }
                   });
  return d;
}

Status ScrapeManager::ApplyConfig(const HubConfig& config) {
  std::vector<std::unique_ptr<Discovery>> dropped_discoveries;
  Retired retired;
  {
    std::lock_guard config_lock(config_mu_);
    if (stopped_) return FailedPreconditionError("the scrape manager is stopped");
    std::map<std::string, std::unique_ptr<Job>> old_jobs = std::move(jobs_);
    jobs_.clear();
    for (const ScrapeConfig& sc : config.scrape_configs) {
      auto job = std::make_unique<Job>();
      job->config = sc;
      job->settings = std::make_shared<const ScrapeSettings>(SettingsOf(sc, config.global));
      job->fingerprint = Fingerprint(*job->settings);
      auto old = old_jobs.find(sc.job_name);
      for (const SlurmSdConfig& sd : sc.slurm_sd_configs) {
        std::string key = DiscoveryKey(sd);
        if (old != old_jobs.end()) {
          auto kept = old->second->discoveries.find(key);
          if (kept != old->second->discoveries.end() && kept->second != nullptr) {
            job->discoveries[key] = std::move(kept->second);
            continue;
          }
        }
        job->discoveries[key] = StartDiscovery(sd, sc.job_name);
      }
      bool replace_all = old != old_jobs.end() && old->second->fingerprint != job->fingerprint;
      if (old != old_jobs.end() && !replace_all) job->settings = old->second->settings;
      jobs_[sc.job_name] = std::move(job);
      Retired r = SyncJob(*jobs_[sc.job_name], replace_all);
      retired.removed.insert(retired.removed.end(), r.removed.begin(), r.removed.end());
      retired.replaced.insert(retired.replaced.end(), r.replaced.begin(), r.replaced.end());
    }
    // Jobs that are gone: their loops stop, their discoveries end.
    std::lock_guard lock(mu_);
    for (auto it = slots_.begin(); it != slots_.end();) {
      if (jobs_.contains(it->second.loop->target().job_name)) {
        ++it;
        continue;
      }
      retired.removed.push_back(it->second.loop);
      it = slots_.erase(it);
    }
    for (auto& [name, job] : old_jobs) {
      for (auto& [key, d] : job->discoveries) {
        if (d) dropped_discoveries.push_back(std::move(d));
      }
    }
  }
  // Outside config_mu_: a discovery thread may be waiting for it in SyncDiscoveredJob.
  dropped_discoveries.clear();
  Retire(retired);
  schedule_cv_.notify_all();
  return Status::Ok();
}

ScrapeManager::Retired ScrapeManager::SyncJob(const Job& job, bool replace_all) {
  std::vector<LabelSet> groups = StaticTargetGroups(job.config);
  for (const auto& [key, d] : job.discoveries) {
    std::vector<LabelSet> found = d->sd->targets();
    groups.insert(groups.end(), found.begin(), found.end());
  }
  std::map<std::string, Target> desired;
  for (const LabelSet& group : groups) {
    auto target = PopulateTarget(job.config, group);
    if (!target.ok()) {
      GW_LOG_WARN("{} (target skipped)", target.status().message());
    } else if (target->has_value()) {
      std::string key = (*target)->Key();
      desired.emplace(std::move(key), std::move(**target));
    }
  }
  Retired retired;
  int64_t now_ms = clock_.NowMs();
  std::lock_guard lock(mu_);
  for (auto it = slots_.begin(); it != slots_.end();) {
    const Target& target = it->second.loop->target();
    if (target.job_name != job.config.job_name) {
      ++it;
    } else if (!desired.contains(it->first)) {
      retired.removed.push_back(it->second.loop);
      it = slots_.erase(it);
    } else {
      if (replace_all) {
        auto fresh = std::make_shared<ScrapeLoop>(target, job.settings, storage_, clock_);
        retired.replaced.emplace_back(it->second.loop, fresh);
        PutSlot(it->first, Slot{fresh, NextSlot(*fresh, now_ms), false});
      }
      desired.erase(it->first);
      ++it;
    }
  }
  for (auto& [key, target] : desired) {
    auto loop = std::make_shared<ScrapeLoop>(std::move(target), job.settings, storage_, clock_);
    int64_t next_ms = NextSlot(*loop, now_ms);
    PutSlot(key, Slot{std::move(loop), next_ms, false});
  }
  return retired;
}

void ScrapeManager::Retire(const Retired& retired) {
  for (const auto& [old_loop, new_loop] : retired.replaced) {
    old_loop->Stop(clock_.NowMs(), /*write_stale_markers=*/false);
    new_loop->InheritSeries(old_loop->TakeLiveSeries());
  }
  for (const auto& loop : retired.removed) loop->Stop(clock_.NowMs());
}

void ScrapeManager::SyncDiscoveredJob(const std::string& job_name) {
  Retired retired;
  {
    std::lock_guard config_lock(config_mu_);
    auto job = jobs_.find(job_name);
    if (stopped_ || job == jobs_.end()) return;
    retired = SyncJob(*job->second, /*replace_all=*/false);
  }
  Retire(retired);
  schedule_cv_.notify_all();
}

void ScrapeManager::RefreshDiscovery() {
  std::vector<std::string> changed_jobs;
  {
    std::lock_guard config_lock(config_mu_);
    for (const auto& [name, job] : jobs_) {
      bool changed = false;
      for (const auto& [key, d] : job->discoveries) {
        auto result = d->sd->Refresh();
        if (!result.ok()) {
          std::lock_guard lock(mu_);
          ++counters_.sd_refresh_failures;
        }
        changed = changed || (result.ok() && *result);
      }
      if (changed) changed_jobs.push_back(name);
    }
  }
  for (const std::string& name : changed_jobs) SyncDiscoveredJob(name);
}

void ScrapeManager::PutSlot(const std::string& key, Slot slot) {
  due_.push({slot.next_ms, key});
  slots_[key] = std::move(slot);
}

std::vector<ScrapeManager::Work> ScrapeManager::TakeDue(int64_t now_ms) {
  std::vector<Work> due;
  while (!due_.empty() && due_.top().next_ms <= now_ms) {
    Due next = due_.top();
    due_.pop();
    auto it = slots_.find(next.key);
    if (it == slots_.end()) continue;  // removed
    Slot& slot = it->second;
    if (slot.running || slot.next_ms != next.next_ms) continue;  // an outdated entry
    slot.running = true;
    // The latest due slot: a loop that fell behind skips the slots it missed.
    int64_t scheduled = SlotAtOrBefore(now_ms, slot.loop->settings().interval_ms,
                                       slot.loop->offset_ms());
    due.push_back({next.key, slot.loop, scheduled});
  }
  return due;
}

void ScrapeManager::Finish(const Work& work, const ScrapeResult& result) {
  std::lock_guard lock(mu_);
  if (result.ok || !result.failure_reason.empty()) {
    ++counters_.scrapes;
    if (!result.ok) ++counters_.failures[std::string(result.failure_reason)];
    counters_.samples_appended += result.commit.appended;
    counters_.out_of_order += result.commit.out_of_order;
    counters_.duplicate += result.commit.duplicate;
    counters_.out_of_bounds += result.commit.out_of_bounds;
    counters_.stale_markers += result.stale_markers;
  }
  auto it = slots_.find(work.key);
  if (it == slots_.end() || it->second.loop != work.loop) return;  // removed or replaced
  it->second.running = false;
  it->second.next_ms = NextSlot(*work.loop, std::max(work.scheduled_ms, clock_.NowMs()));
  due_.push({it->second.next_ms, work.key});
  // The next slot is usually an interval away, after the scheduler's next wake-up anyway.
  if (it->second.next_ms < scheduler_wake_ms_) schedule_cv_.notify_one();
}

size_t ScrapeManager::RunDueScrapes() {
  std::vector<Work> due;
  {
    std::lock_guard lock(mu_);
    due = TakeDue(clock_.NowMs());
  }
  for (const Work& work : due) Finish(work, work.loop->ScrapeOnce(work.scheduled_ms));
  return due.size();
}

void ScrapeManager::SchedulerLoop() {
  pthread_setname_np(pthread_self(), "gw-scrape-sched");
  std::unique_lock lock(mu_);
  while (!stopping_) {
    int64_t now_ms = clock_.NowMs();
    for (Work& work : TakeDue(now_ms)) {
      queue_.push_back(std::move(work));
      work_cv_.notify_one();
    }
    int64_t next_ms = now_ms + 1000;  // also bounds the wait when the wall clock jumps
    if (!due_.empty()) next_ms = std::min(next_ms, due_.top().next_ms);
    scheduler_wake_ms_ = std::max(next_ms, now_ms + 1);
    schedule_cv_.wait_for(lock, std::chrono::milliseconds(scheduler_wake_ms_ - now_ms));
  }
}

void ScrapeManager::WorkerLoop() {
  pthread_setname_np(pthread_self(), "gw-scrape");
  for (;;) {
    Work work;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      work = std::move(queue_.front());
      queue_.pop_front();
    }
    ScrapeResult result;
    try {
      result = work.loop->ScrapeOnce(work.scheduled_ms);
    } catch (const std::exception& e) {
      // A bug in one scrape must not end scraping for good.
      GW_LOG_ERROR("scrape of {} failed: {}", work.loop->target().url, e.what());
    }
    Finish(work, result);
  }
}

void ScrapeManager::Stop() {
  std::vector<std::unique_ptr<Discovery>> discoveries;
  {
    std::lock_guard config_lock(config_mu_);
    if (stopped_) return;
    stopped_ = true;
    for (auto& [name, job] : jobs_) {
      for (auto& [key, d] : job->discoveries) discoveries.push_back(std::move(d));
    }
    jobs_.clear();
  }
  discoveries.clear();  // joins the refresh threads
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  schedule_cv_.notify_all();
  work_cv_.notify_all();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
  Retired retired;
  {
    std::lock_guard lock(mu_);
    for (auto& [key, slot] : slots_) retired.removed.push_back(slot.loop);
    slots_.clear();
    queue_.clear();
  }
  Retire(retired);
}

MetadataByMetric ScrapeManager::Metadata() const {
  std::vector<std::map<std::string, MetricMetadata, std::less<>>> per_target;
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, slot] : slots_) per_target.push_back(slot.loop->metadata());
  }
  MetadataByMetric out;
  for (const auto& target : per_target) {
    for (const auto& [name, m] : target) {
      std::vector<MetricMetadata>& known = out[name];
      if (std::find(known.begin(), known.end(), m) == known.end()) known.push_back(m);
    }
  }
  for (auto& [name, list] : out) std::sort(list.begin(), list.end());
  return out;
}

std::vector<TargetStatus> ScrapeManager::Targets() const {
  std::vector<TargetStatus> out;
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, slot] : slots_) out.push_back(slot.loop->status());
  }
  std::sort(out.begin(), out.end(), [](const TargetStatus& a, const TargetStatus& b) {
    return std::tie(a.job_name, a.scrape_url, a.labels) <
           std::tie(b.job_name, b.scrape_url, b.labels);
  });
  return out;
}

void ScrapeManager::AppendMetrics(std::vector<metrics::MetricFamily>* out) const {
  Counters c;
  std::map<TargetHealth, int> health = {
      {TargetHealth::kUp, 0}, {TargetHealth::kDown, 0}, {TargetHealth::kUnknown, 0}};
  {
    std::lock_guard lock(mu_);
    c = counters_;
    for (const auto& [key, slot] : slots_) ++health[slot.loop->status().health];
  }
  auto add = [out](std::string name, std::string help, metrics::MetricType type) {
    out->push_back({std::move(name), std::move(help), type, {}, {}});
    return &out->back().samples;
  };
  using metrics::MetricType;
  auto as_double = [](uint64_t v) { return static_cast<double>(v); };
  add("gpuwatchdog_hub_scrapes_total", "Scrapes done (good and failed).", MetricType::kCounter)
      ->push_back({{}, as_double(c.scrapes)});
  auto* failures = add("gpuwatchdog_hub_scrape_failures_total",
                       "Failed scrapes by reason (up was 0).", MetricType::kCounter);
  for (std::string_view reason : kFailureReasons) {
    auto it = c.failures.find(reason);
    failures->push_back({{{"reason", std::string(reason)}},
                         as_double(it == c.failures.end() ? 0 : it->second)});
  }
  add("gpuwatchdog_hub_scrape_samples_appended_total",
      "Samples scrapes stored (page, report series and stale markers).", MetricType::kCounter)
      ->push_back({{}, as_double(c.samples_appended)});
  auto* rejected = add("gpuwatchdog_hub_scrape_samples_rejected_total",
                       "Scraped samples the store refused, by reason.", MetricType::kCounter);
  rejected->push_back({{{"reason", "out_of_order"}}, as_double(c.out_of_order)});
  rejected->push_back({{{"reason", "duplicate"}}, as_double(c.duplicate)});
  rejected->push_back({{{"reason", "out_of_bounds"}}, as_double(c.out_of_bounds)});
  add("gpuwatchdog_hub_scrape_stale_markers_total",
      "Stale markers written for series that vanished, failed or lost their target.",
      MetricType::kCounter)
      ->push_back({{}, as_double(c.stale_markers)});
  add("gpuwatchdog_hub_sd_refresh_failures_total",
      "Failed refreshes of slurm_sd_configs (the last good target list was kept).",
      MetricType::kCounter)
      ->push_back({{}, as_double(c.sd_refresh_failures)});
  auto* targets = add("gpuwatchdog_hub_scrape_targets", "Scrape targets by health.",
                      MetricType::kGauge);
  for (const auto& [h, n] : health) {
    targets->push_back({{{"health", std::string(TargetHealthName(h))}}, static_cast<double>(n)});
  }
}

}  // namespace gw::hub
