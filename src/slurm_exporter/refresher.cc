#include "slurm_exporter/refresher.h"

#include "common/logging.h"
#include "slurm/commands.h"

namespace gw::slurm_exporter {

Refresher::Refresher(slurm::CommandRunner* runner, metrics::ExpositionCache* cache,
                     const Clock* clock, RefresherOptions options)
    : runner_(runner), cache_(cache), clock_(clock), options_(std::move(options)) {}

template <typename T, typename Parse>
std::optional<T> Refresher::Fetch(const std::string& source, const std::vector<std::string>& argv,
                                  Parse parse, Snapshot* snapshot) {
  int64_t start_ns = clock_->MonotonicNs();
  StatusOr<std::string> out =
      slurm::RunForOutput(*runner_, argv, std::chrono::milliseconds(options_.timeout_ms));
  StatusOr<T> parsed = out.ok() ? parse(*out) : StatusOr<T>(out.status());
  SourceStatus& st = snapshot->sources[source];
  st.duration_s = static_cast<double>(clock_->MonotonicNs() - start_ns) / 1e9;
  st.ok = parsed.ok();
  if (st.ok) st.data_ms = clock_->NowMs();
  std::string& last = last_error_[source];
  if (!parsed.ok()) {
    st.error = parsed.status().message();
    ++counters_.command_errors[source];
    if (st.error != last) GW_LOG_WARN("{} failed: {}", source, st.error);
    last = st.error;
    return std::nullopt;
  }
  if (!last.empty()) GW_LOG_INFO("{} works again", source);
  last.clear();
  return std::move(parsed).value();
}

// Keeps the previous data of a source whose command failed this time (served as stale).
template <typename T>
void KeepIfFailed(std::optional<T>& fresh, std::optional<T>& previous, SourceStatus& now,
                  const SourceStatus* before) {
  if (now.ok) return;
  if (previous && before != nullptr) {
    fresh = std::move(previous);
    now.data_ms = before->data_ms;
  }
}

void Refresher::RefreshOnce() {
  Snapshot s;
  s.nodes = Fetch<std::vector<slurm::Node>>("sinfo", slurm::SinfoArgs(options_.sinfo),
                                            slurm::ParseSinfo, &s);
  s.jobs = Fetch<std::vector<slurm::Job>>("squeue", slurm::SqueueArgs(options_.squeue),
                                          slurm::ParseSqueue, &s);
  s.job_gpus = Fetch<std::vector<slurm::JobGpus>>(
      "scontrol", slurm::ScontrolJobsArgs(options_.scontrol), slurm::ParseScontrolJobs, &s);
  s.sdiag = Fetch<slurm::Sdiag>("sdiag", slurm::SdiagArgs(options_.sdiag), slurm::ParseSdiag, &s);
  s.taken_ms = clock_->NowMs();
  if (s.jobs) {  // fresh only: stale data must not count a job twice or late
    finished_.Observe(*s.jobs);
    counters_.finished_jobs = finished_.counts();
  }
  auto before = [&](const char* source) -> const SourceStatus* {
    auto it = snapshot_.sources.find(source);
    return it == snapshot_.sources.end() ? nullptr : &it->second;
  };
  KeepIfFailed(s.nodes, snapshot_.nodes, s.sources["sinfo"], before("sinfo"));
  KeepIfFailed(s.jobs, snapshot_.jobs, s.sources["squeue"], before("squeue"));
  KeepIfFailed(s.job_gpus, snapshot_.job_gpus, s.sources["scontrol"], before("scontrol"));
  KeepIfFailed(s.sdiag, snapshot_.sdiag, s.sources["sdiag"], before("sdiag"));
  ++counters_.refreshes;
  counters_.last_refresh_s = static_cast<double>(clock_->NowMs()) / 1000.0;
  snapshot_ = std::move(s);
  cache_->Publish(BuildSlurmFamilies(snapshot_, counters_));
}

}  // namespace gw::slurm_exporter
