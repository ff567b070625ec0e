// The head's read side: selection, listings, labels and sample iteration.
#include <mutex>

#include "tsdb/head.h"

namespace gw::tsdb {

std::vector<SeriesRef> Head::Select(const std::vector<Matcher>& matchers) const {
  return index_.Select(matchers);
}

std::vector<std::string> Head::LabelNames() const { return index_.LabelNames(); }

std::vector<std::string> Head::LabelValues(std::string_view name) const {
  return index_.LabelValues(name);
}

Labels Head::ToLabels(const MemSeries& s) const {
  std::vector<Label> labels;
  labels.reserve(s.labels.size());
  for (const LabelIds& id : s.labels) {
    labels.push_back({std::string(index_.Symbol(id.name)), std::string(index_.Symbol(id.value))});
  }
  return Labels::FromSortedUnchecked(std::move(labels));
}

bool Head::Contains(SeriesRef ref) const {
  const Shard& shard = shards_[ShardOf(ref)];
  std::lock_guard lock(shard.mu);
  return shard.by_ref.Find(ref) != nullptr;
}

Labels Head::SeriesLabels(SeriesRef ref) const {
  const Shard& shard = shards_[ShardOf(ref)];
  std::lock_guard lock(shard.mu);
  const MemSeries* s = shard.by_ref.Find(ref);
  return s != nullptr ? ToLabels(*s) : Labels();
}

std::vector<ChunkSnapshot> Head::Chunks(SeriesRef ref, int64_t mint_ms, int64_t maxt_ms) const {
  std::vector<ChunkSnapshot> chunks;
  const Shard& shard = shards_[ShardOf(ref)];
  std::lock_guard lock(shard.mu);
  const MemSeries* found = shard.by_ref.Find(ref);
  if (found == nullptr) return chunks;
  const MemSeries& s = *found;
  for (const ChunkSnapshot& c : s.full_chunks) {
    if (c.max_t_ms >= mint_ms && c.min_t_ms <= maxt_ms) chunks.push_back(c);
  }
  // The open chunk keeps changing, so readers get a copy of it (at most ~1 KiB).
  if (s.open.num_samples() > 0 && s.open.max_t_ms() >= mint_ms && s.open.min_t_ms() <= maxt_ms) {
    auto bytes = s.open.bytes();
    chunks.push_back({s.open.min_t_ms(), s.open.max_t_ms(),
                      std::make_shared<const std::vector<uint8_t>>(bytes.begin(), bytes.end())});
  }
  return chunks;
}

StatusOr<SeriesIterator> Head::Iterator(SeriesRef ref, int64_t mint_ms, int64_t maxt_ms) const {
  {
    const Shard& shard = shards_[ShardOf(ref)];
    std::lock_guard lock(shard.mu);
    if (shard.by_ref.Find(ref) == nullptr) {
      return NotFoundError("series ref " + std::to_string(ref) + " not found (dropped?)");
    }
  }
  // A truncation between the check and Chunks() leaves the iterator empty, as if it came later.
  return SeriesIterator(Chunks(ref, mint_ms, maxt_ms), mint_ms, maxt_ms);
}

void Head::ForEachSeries(const std::function<void(SeriesRef, const Labels&)>& fn) const {
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    shard.by_ref.ForEach([&](SeriesRef ref, const MemSeries& s) { fn(ref, ToLabels(s)); });
  }
}

HeadStats Head::stats() const {
  HeadStats s;
  // Removed before created: a series is counted as created before it can be removed, so this
  // order keeps num_series from underflowing.
  s.series_removed = series_removed_.load(std::memory_order_relaxed);
  s.series_created = series_created_.load(std::memory_order_relaxed);
  s.num_full_chunks = full_chunks_.load(std::memory_order_relaxed);
  s.samples_appended = samples_appended_.load(std::memory_order_relaxed);
  s.out_of_order_samples = out_of_order_.load(std::memory_order_relaxed);
  s.duplicate_samples = duplicates_.load(std::memory_order_relaxed);
  s.num_series = s.series_created - s.series_removed;
  return s;
}

}  // namespace gw::tsdb
