// The head's write side: creating series, appending samples, truncation.
#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cassert>
#include <string>
#include <utility>
#include <vector>

#include "tsdb/head.h"

namespace gw::tsdb {

bool Head::HasLabels(const MemSeries& s, const Labels& labels) const {
  if (s.labels.size() != labels.size()) return false;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (index_.Symbol(s.labels[i].name) != labels[i].name ||
        index_.Symbol(s.labels[i].value) != labels[i].value) {
      return false;
    }
  }
  return true;
}

StatusOr<SeriesRef> Head::GetOrCreate(const Labels& labels, bool* created) {
  if (created != nullptr) *created = false;
  if (labels.empty()) {
    return InvalidArgumentError("series with no labels (a series needs at least a metric name)");
  }
  const uint64_t hash = labels.Hash();
  const size_t shard_index = hash & (kNumShards - 1);
  Shard& shard = shards_[shard_index];
  std::lock_guard lock(shard.mu);
  auto [first, last] = shard.by_hash.equal_range(hash);
  for (auto it = first; it != last; ++it) {
    if (HasLabels(*it->second, labels)) return it->second->ref;
  }
  const SeriesRef ref = (next_id_.fetch_add(1) << kShardBits) | shard_index;
  Insert(shard, ref, hash, labels);
  if (created != nullptr) *created = true;
  return ref;
}

void Head::Insert(Shard& shard, SeriesRef ref, uint64_t hash, const Labels& labels) {
  auto series = std::make_unique<MemSeries>();
  series->ref = ref;
  series->hash = hash;
  series->labels = index_.Add(ref, labels);
  shard.by_hash.emplace(hash, series.get());
  shard.by_ref.Insert(ref, std::move(series));
  series_created_.fetch_add(1, std::memory_order_relaxed);
}

Status Head::Restore(SeriesRef ref, const Labels& labels) {
  if (labels.empty()) return CorruptionError("series ref " + std::to_string(ref) + " has no labels");
  const uint64_t hash = labels.Hash();
  const size_t shard_index = hash & (kNumShards - 1);
  if (ShardOf(ref) != shard_index) {
    return CorruptionError("series ref " + std::to_string(ref) + " cannot belong to " +
                           labels.ToString() + " (its shard bits disagree with the label hash)");
  }
  Shard& shard = shards_[shard_index];
  std::lock_guard lock(shard.mu);
  if (const MemSeries* existing = shard.by_ref.Find(ref); existing != nullptr) {
    if (HasLabels(*existing, labels)) return Status::Ok();
    return CorruptionError("series ref " + std::to_string(ref) + " is given to both " +
                           ToLabels(*existing).ToString() + " and " + labels.ToString());
  }
  auto [first, last] = shard.by_hash.equal_range(hash);
  for (auto it = first; it != last; ++it) {
    if (HasLabels(*it->second, labels)) {
      return CorruptionError("series " + labels.ToString() + " has two refs: " +
                             std::to_string(it->second->ref) + " and " + std::to_string(ref));
    }
  }
  Insert(shard, ref, hash, labels);
  // Later refs must stay above every restored one.
  const uint64_t id = ref >> kShardBits;
  uint64_t next = next_id_.load();
  while (next <= id && !next_id_.compare_exchange_weak(next, id + 1)) {
  }
  return Status::Ok();
}

void Head::CutChunk(MemSeries& s) {
  ChunkSnapshot c;
  c.min_t_ms = s.open.min_t_ms();
  c.max_t_ms = s.open.max_t_ms();
  c.bytes = std::make_shared<const std::vector<uint8_t>>(s.open.TakeBytes());
  s.full_chunks.push_back(std::move(c));
}

bool Head::CrossesRange(const MemSeries& s, int64_t t_ms) const {
  if (options_.chunk_range_ms <= 0) return false;
  auto range_of = [this](int64_t t) {
    const int64_t r = options_.chunk_range_ms;
    return t >= 0 ? t / r : -((-t + r - 1) / r);
  };
  return range_of(t_ms) != range_of(s.open.min_t_ms());
}

AppendOutcome Head::TryAppend(SeriesRef ref, int64_t t_ms, double v) {
  Shard& shard = shards_[ShardOf(ref)];
  std::lock_guard lock(shard.mu);
  MemSeries* found = shard.by_ref.Find(ref);
  if (found == nullptr) return AppendOutcome::kNotFound;
  return AppendLocked(*found, t_ms, v);
}

void Head::TryAppendBatch(std::span<const RefSample> samples, std::span<AppendOutcome> outcomes) {
  assert(samples.size() == outcomes.size());
  // The sample indexes grouped by shard (a counting sort: stable, so a series keeps its order).
  std::array<uint32_t, kNumShards + 1> begin{};
  for (const RefSample& s : samples) ++begin[ShardOf(s.ref) + 1];
  for (size_t i = 1; i <= kNumShards; ++i) begin[i] += begin[i - 1];
  std::vector<uint32_t> order(samples.size());
  std::array<uint32_t, kNumShards> next{};
  std::copy(begin.begin(), begin.end() - 1, next.begin());
  for (uint32_t i = 0; i < samples.size(); ++i) order[next[ShardOf(samples[i].ref)]++] = i;

  constexpr size_t kGroup = 16;  // lookups in flight at once
  std::array<MemSeries*, kGroup> found{};
  for (size_t shard_index = 0; shard_index < kNumShards; ++shard_index) {
    if (begin[shard_index] == begin[shard_index + 1]) continue;
    Shard& shard = shards_[shard_index];
    std::lock_guard lock(shard.mu);
    for (uint32_t from = begin[shard_index]; from < begin[shard_index + 1]; from += kGroup) {
      const uint32_t to = std::min<uint32_t>(from + kGroup, begin[shard_index + 1]);
      for (uint32_t k = from; k < to; ++k) shard.by_ref.Prefetch(samples[order[k]].ref);
      for (uint32_t k = from; k < to; ++k) {
        found[k - from] = shard.by_ref.Find(samples[order[k]].ref);
        if (found[k - from] != nullptr) __builtin_prefetch(&found[k - from]->open);
      }
      for (uint32_t k = from; k < to; ++k) {
        const RefSample& s = samples[order[k]];
        outcomes[order[k]] = found[k - from] == nullptr
                                 ? AppendOutcome::kNotFound
                                 : AppendLocked(*found[k - from], s.t_ms, s.v);
      }
    }
  }
}

AppendOutcome Head::AppendLocked(MemSeries& s, int64_t t_ms, double v) {
  if (s.open.num_samples() > 0) {
    const int64_t last_t = s.open.max_t_ms();
    if (t_ms < last_t) {
      out_of_order_.fetch_add(1, std::memory_order_relaxed);
      return AppendOutcome::kOutOfOrder;
    }
    if (t_ms == last_t) {
      if (std::bit_cast<uint64_t>(v) == std::bit_cast<uint64_t>(s.open.last_value())) {
        return AppendOutcome::kRepeat;
      }
      duplicates_.fetch_add(1, std::memory_order_relaxed);
      return AppendOutcome::kDuplicate;
    }
    if (s.open.Full() || CrossesRange(s, t_ms)) {
      CutChunk(s);
      full_chunks_.fetch_add(1, std::memory_order_relaxed);
    }
  }
  s.open.Append(t_ms, v);
  samples_appended_.fetch_add(1, std::memory_order_relaxed);
  return AppendOutcome::kAppended;
}

Status Head::Append(SeriesRef ref, int64_t t_ms, double v) {
  switch (TryAppend(ref, t_ms, v)) {
    case AppendOutcome::kAppended:
    case AppendOutcome::kRepeat:
      return Status::Ok();
    case AppendOutcome::kOutOfOrder:
      return InvalidArgumentError("out-of-order sample: t=" + std::to_string(t_ms) +
                                  " is before the series' last sample; the head accepts only "
                                  "later ones");
    case AppendOutcome::kDuplicate:
      return InvalidArgumentError("duplicate sample for t=" + std::to_string(t_ms) +
                                  " with a different value; one value per timestamp");
    case AppendOutcome::kNotFound:
      break;
  }
  return NotFoundError("series ref " + std::to_string(ref) +
                       " not found (dropped by truncation?): get a new ref from GetOrCreate");
}

std::vector<std::pair<SeriesRef, std::vector<LabelIds>>> Head::TruncateShard(Shard& shard,
                                                                             int64_t mint_ms) {
  std::vector<std::pair<SeriesRef, std::vector<LabelIds>>> removed;
  std::lock_guard lock(shard.mu);
  // The table cannot change while it is walked: collect, then erase.
  std::vector<MemSeries*> series;
  series.reserve(shard.by_ref.size());
  shard.by_ref.ForEach([&](SeriesRef, MemSeries& s) { series.push_back(&s); });
  for (MemSeries* each : series) {
    MemSeries& s = *each;
    size_t keep_from = 0;
    while (keep_from < s.full_chunks.size() && s.full_chunks[keep_from].max_t_ms < mint_ms) {
      ++keep_from;
    }
    s.full_chunks.erase(s.full_chunks.begin(), s.full_chunks.begin() + static_cast<std::ptrdiff_t>(keep_from));
    full_chunks_.fetch_sub(keep_from, std::memory_order_relaxed);
    // Full chunks are older than the open one, so an open chunk that is empty or old means the
    // series has nothing left.
    const bool never_sampled = s.open.num_samples() == 0;
    if (never_sampled ? !std::exchange(s.seen_empty, true) : s.open.max_t_ms() >= mint_ms) {
      continue;
    }
    assert(s.full_chunks.empty());
    auto [first, last] = shard.by_hash.equal_range(s.hash);
    for (auto h = first; h != last; ++h) {
      if (h->second == &s) {
        shard.by_hash.erase(h);
        break;
      }
    }
    removed.emplace_back(s.ref, std::move(s.labels));
    shard.by_ref.Erase(s.ref);  // destroys s
  }
  return removed;
}

std::vector<SeriesRef> Head::TruncateBefore(int64_t mint_ms) {
  std::vector<SeriesRef> removed_refs;
  for (Shard& shard : shards_) {
    auto removed = TruncateShard(shard, mint_ms);
    series_removed_.fetch_add(removed.size(), std::memory_order_relaxed);
    for (const auto& r : removed) removed_refs.push_back(r.first);
    // Outside the shard lock (lock order); the refs are already unreachable through the shard.
    index_.Remove(std::move(removed));
  }
  return removed_refs;
}

}  // namespace gw::tsdb
