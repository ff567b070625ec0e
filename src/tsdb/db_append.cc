// The store's write path: stage, log to the WAL, add to the head, tell the observer.
#include <algorithm>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "tsdb/db.h"
#include "tsdb/wal_record.h"

namespace gw::tsdb {

class Db::DbAppender : public Appender {
 public:
  explicit DbAppender(Db* db) : db_(db) {}

  StatusOr<SeriesRef> Append(SeriesRef ref_hint, const Labels& labels, int64_t t_ms,
                             double v) override {
    if (t_ms < db_->min_valid_t_.load(std::memory_order_relaxed)) {
      ++out_of_bounds_;
      return ref_hint;
    }
    SeriesRef ref = ref_hint;
    // Hints are trusted: checking each against the head would cost a second lookup per sample.
    if (ref != 0 && db_->has_stale_hints_.load(std::memory_order_relaxed) && db_->IsStaleHint(ref)) {
      ref = 0;
    }
    if (ref == 0) {
      if (ref_hint != 0 && labels.empty()) {
        return NotFoundError("series ref " + std::to_string(ref_hint) +
                             " is no longer in the head: append again with its labels");
      }
      bool created = false;
      GW_ASSIGN_OR_RETURN(ref, db_->head_.GetOrCreate(labels, &created));
      if (created) new_series_.push_back({ref, labels});
    }
    samples_.push_back({ref, t_ms, v});
    return ref;
  }

  StatusOr<CommitResult> Commit() override;

  void Rollback() override {
    // Series created by this appender stay in the head without samples; truncation drops them.
    new_series_.clear();
    samples_.clear();
    out_of_bounds_ = 0;
  }

 private:
  struct NewSeries {
    SeriesRef ref;
    Labels labels;
  };

  Status Log();
  void ApplyToHead(CommitResult* result);

  Db* const db_;
  std::vector<NewSeries> new_series_;
  std::vector<IngestObserver::RefSample> samples_;
  uint64_t out_of_bounds_ = 0;
  std::string record_;
  std::vector<WalSeries> wal_series_;
  std::vector<WalSample> wal_samples_;
  std::vector<IngestObserver::RefSample> accepted_;
  std::vector<IngestObserver::RefSample> in_bounds_;  // ApplyToHead's scratch
  std::vector<AppendOutcome> outcomes_;               // ApplyToHead's scratch
};

// REQUIRES: db_->commit_mu_ held.
Status Db::DbAppender::Log() {
  WalWriter& wal = *db_->wal_;
  if (!new_series_.empty()) {
    wal_series_.clear();
    for (const NewSeries& s : new_series_) {
      WalSeries& w = wal_series_.emplace_back();
      w.ref = s.ref;
      for (const Label& l : s.labels) w.labels.push_back({l.name, l.value});
    }
    record_.clear();
    EncodeSeries(wal_series_, &record_);
    GW_RETURN_IF_ERROR(wal.Log(record_));
  }
  if (!samples_.empty()) {
    wal_samples_.clear();
    wal_samples_.reserve(samples_.size());
    for (const IngestObserver::RefSample& s : samples_) wal_samples_.push_back({s.ref, s.t_ms, s.v});
    record_.clear();
    EncodeSamples(wal_samples_, &record_);
    GW_RETURN_IF_ERROR(wal.Log(record_));
  }
  return Status::Ok();
}

// Adds the logged samples to the head, counting what it refuses, and keeps the accepted ones
// for the observer. REQUIRES: db_->commit_mu_ held, the batch logged.
void Db::DbAppender::ApplyToHead(CommitResult* result) {
  accepted_.clear();
  int64_t min_t = db_->head_min_t_.load(std::memory_order_relaxed);
  int64_t max_t = db_->head_max_t_.load(std::memory_order_relaxed);
  const int64_t min_valid = db_->min_valid_t_.load(std::memory_order_relaxed);
  // A block cut since Append took samples before min_valid: they are too late for the head.
  std::span<const IngestObserver::RefSample> batch = samples_;
  if (std::any_of(samples_.begin(), samples_.end(),
                  [&](const IngestObserver::RefSample& s) { return s.t_ms < min_valid; })) {
    in_bounds_.clear();
    for (const IngestObserver::RefSample& s : samples_) {
      if (s.t_ms >= min_valid) in_bounds_.push_back(s);
    }
    result->out_of_bounds += samples_.size() - in_bounds_.size();
    db_->out_of_bounds_.fetch_add(samples_.size() - in_bounds_.size(), std::memory_order_relaxed);
    batch = in_bounds_;
  }
  outcomes_.resize(batch.size());
  db_->head_.TryAppendBatch(batch, outcomes_);
  for (size_t i = 0; i < batch.size(); ++i) {
    const IngestObserver::RefSample& s = batch[i];
    switch (outcomes_[i]) {
      case AppendOutcome::kAppended:
        ++result->appended;
        accepted_.push_back(s);
        min_t = std::min(min_t, s.t_ms);
        max_t = std::max(max_t, s.t_ms);
        break;
      case AppendOutcome::kRepeat:
        break;
      case AppendOutcome::kOutOfOrder:
        ++result->out_of_order;
        break;
      case AppendOutcome::kDuplicate:
        ++result->duplicate;
        break;
      case AppendOutcome::kNotFound:  // a stale hint: the head dropped the series
        ++result->stale_ref;
        db_->stale_refs_.fetch_add(1, std::memory_order_relaxed);
        db_->AddStaleHint(s.ref);
        break;
    }
  }
  db_->head_min_t_.store(min_t, std::memory_order_relaxed);
  db_->head_max_t_.store(max_t, std::memory_order_relaxed);
  if (!accepted_.empty()) {
    int64_t& segment_max = db_->segment_max_t_.try_emplace(db_->wal_->segment(), max_t).first->second;
    for (const IngestObserver::RefSample& s : accepted_) segment_max = std::max(segment_max, s.t_ms);
  }
}

StatusOr<CommitResult> Db::DbAppender::Commit() {
  CommitResult result;
  result.out_of_bounds = out_of_bounds_;
  db_->out_of_bounds_.fetch_add(out_of_bounds_, std::memory_order_relaxed);
  out_of_bounds_ = 0;

  std::lock_guard lock(db_->commit_mu_);
  if (!db_->write_error_.ok()) {
    Rollback();
    db_->commits_failed_.fetch_add(1, std::memory_order_relaxed);
    return db_->write_error_;
  }
  if (Status s = Log(); !s.ok()) {
    // What the disk holds of this batch is unknown; refuse everything until a restart replays
    // the log, rather than acknowledge samples that may not survive.
    db_->write_error_ = s.WithContext("the store refuses new samples: writing its WAL failed");
    Rollback();
    db_->commits_failed_.fetch_add(1, std::memory_order_relaxed);
    return db_->write_error_;
  }

  ApplyToHead(&result);
  result.series_created = new_series_.size();
  if (db_->observer_ != nullptr) {
    for (const NewSeries& s : new_series_) db_->observer_->OnSeries(s.ref, s.labels);
    if (!accepted_.empty()) db_->observer_->OnSamples(accepted_);
  }
  new_series_.clear();
  samples_.clear();
  return result;
}

bool Db::IsStaleHint(SeriesRef ref) const {
  std::lock_guard lock(stale_mu_);
  return stale_hints_.contains(ref);
}

void Db::AddStaleHint(SeriesRef ref) {
  std::lock_guard lock(stale_mu_);
  // Refs are never reused, so a stale ref stays stale; the bound only keeps memory in check.
  if (stale_hints_.size() >= 100'000) stale_hints_.clear();
  stale_hints_.insert(ref);
  has_stale_hints_.store(true, std::memory_order_relaxed);
}

std::unique_ptr<Appender> Db::NewAppender() { return std::make_unique<DbAppender>(this); }

}  // namespace gw::tsdb
