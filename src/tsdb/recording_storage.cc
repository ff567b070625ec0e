#include "tsdb/recording_storage.h"

#include <bit>
#include <utility>

namespace gw::tsdb {
namespace {

class NoQuerier : public Querier {
 public:
  StatusOr<std::vector<SeriesChunks>> Select(const std::vector<Matcher>& /*matchers*/,
                                             int64_t /*mint_ms*/,
                                             int64_t /*maxt_ms*/) const override {
    return Status(StatusCode::kUnimplemented, "RecordingStorage answers no queries");
  }
  StatusOr<std::vector<std::string>> LabelNames(const std::vector<Matcher>& /*matchers*/,
                                                int64_t /*mint_ms*/,
                                                int64_t /*maxt_ms*/) const override {
    return Status(StatusCode::kUnimplemented, "RecordingStorage answers no queries");
  }
  StatusOr<std::vector<std::string>> LabelValues(std::string_view /*name*/,
                                                 const std::vector<Matcher>& /*matchers*/,
                                                 int64_t /*mint_ms*/,
                                                 int64_t /*maxt_ms*/) const override {
    return Status(StatusCode::kUnimplemented, "RecordingStorage answers no queries");
  }
};

}  // namespace

class RecordingStorage::RecordingAppender : public Appender {
 public:
  explicit RecordingAppender(RecordingStorage* storage) : storage_(storage) {}

  StatusOr<SeriesRef> Append(SeriesRef ref_hint, const Labels& labels, int64_t t_ms,
                             double v) override {
    std::lock_guard lock(storage_->mu_);
    SeriesRef ref = ref_hint;
    if (ref == 0 || !storage_->labels_.contains(ref)) {
      if (labels.empty()) {
        return Status(ref_hint != 0 ? StatusCode::kNotFound : StatusCode::kInvalidArgument,
                      "empty label set");
      }
      auto [it, inserted] = storage_->refs_.try_emplace(labels, storage_->refs_.size() + 1);
      ref = it->second;
      storage_->labels_.try_emplace(ref, labels);
    }
    staged_.push_back({ref, t_ms, v});
    return ref;
  }

  StatusOr<CommitResult> Commit() override {
    std::vector<Staged> staged = std::exchange(staged_, {});
    std::lock_guard lock(storage_->mu_);
    if (!storage_->fail_.ok()) return storage_->fail_;
    ++storage_->commits_;
    CommitResult result;
    for (const Staged& s : staged) {
      auto [newest, fresh] = storage_->newest_.try_emplace(s.ref, s.t_ms);
      if (!fresh) {
        if (s.t_ms < newest->second) {
          ++result.out_of_order;
          continue;
        }
        if (s.t_ms == newest->second) {
          ++result.duplicate;  // the recorder keeps no values to compare; callers avoid repeats
          continue;
        }
        newest->second = s.t_ms;
      } else {
        ++result.series_created;
      }
      ++result.appended;
      storage_->samples_.push_back({storage_->labels_.at(s.ref), s.t_ms, s.v});
    }
    return result;
  }

  void Rollback() override { staged_.clear(); }

 private:
  struct Staged {
    SeriesRef ref;
    int64_t t_ms;
    double v;
  };
  RecordingStorage* storage_;
  std::vector<Staged> staged_;
};

std::unique_ptr<Appender> RecordingStorage::NewAppender() {
  return std::make_unique<RecordingAppender>(this);
}

const Querier& RecordingStorage::querier() const {
  static const NoQuerier kNoQuerier;
  return kNoQuerier;
}

std::vector<RecordedSample> RecordingStorage::samples() const {
  std::lock_guard lock(mu_);
  return samples_;
}

std::vector<RecordedSample> RecordingStorage::SamplesOf(const Labels& labels) const {
  std::lock_guard lock(mu_);
  std::vector<RecordedSample> out;
  for (const RecordedSample& s : samples_) {
    if (s.labels == labels) out.push_back(s);
  }
  return out;
}

uint64_t RecordingStorage::commits() const {
  std::lock_guard lock(mu_);
  return commits_;
}

void RecordingStorage::FailCommits(Status status) {
  std::lock_guard lock(mu_);
  fail_ = std::move(status);
}

}  // namespace gw::tsdb
