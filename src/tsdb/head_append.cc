// The head's write side: creating series, appending samples, truncation.
#include <bit>
#include <cassert>
#include <string>
#include <utility>

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

StatusOr<SeriesRef> Head::GetOrCreate(const Labels& labels) {
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
  auto series = std::make_unique<MemSeries>();
  series->ref = (next_id_.fetch_add(1) << kShardBits) | shard_index;
  series->hash = hash;
  series->labels = index_.Add(series->ref, labels);
  const SeriesRef ref = series->ref;
  shard.by_hash.emplace(hash, series.get());
  shard.by_ref.emplace(ref, std::move(series));
  series_created_.fetch_add(1, std::memory_order_relaxed);
  return ref;
}

void Head::CutChunk(MemSeries& s) {
  ChunkSnapshot c;
  c.min_t_ms = s.open.min_t_ms();
  c.max_t_ms = s.open.max_t_ms();
  c.bytes = std::make_shared<const std::vector<uint8_t>>(s.open.TakeBytes());
  s.full_chunks.push_back(std::move(c));
}

Status Head::Append(SeriesRef ref, int64_t t_ms, double v) {
  Shard& shard = shards_[ShardOf(ref)];
  std::lock_guard lock(shard.mu);
  auto it = shard.by_ref.find(ref);
  if (it == shard.by_ref.end()) {
    return NotFoundError("series ref " + std::to_string(ref) +
                         " not found (dropped by truncation?): get a new ref from GetOrCreate");
  }
  MemSeries& s = *it->second;
  if (s.open.num_samples() > 0) {
    const int64_t last_t = s.open.max_t_ms();
    if (t_ms < last_t) {
      out_of_order_.fetch_add(1, std::memory_order_relaxed);
      return InvalidArgumentError("out-of-order sample: t=" + std::to_string(t_ms) +
                                  " is before the series' last sample at t=" +
                                  std::to_string(last_t) + "; the head accepts only later ones");
    }
    if (t_ms == last_t) {
      if (std::bit_cast<uint64_t>(v) == std::bit_cast<uint64_t>(s.open.last_value())) {
        return Status::Ok();
      }
      duplicates_.fetch_add(1, std::memory_order_relaxed);
      return InvalidArgumentError("duplicate sample for t=" + std::to_string(t_ms) +
                                  " with a different value; one value per timestamp");
    }
    if (s.open.Full()) {
      CutChunk(s);
      full_chunks_.fetch_add(1, std::memory_order_relaxed);
    }
  }
  s.open.Append(t_ms, v);
  samples_appended_.fetch_add(1, std::memory_order_relaxed);
  return Status::Ok();
}

std::vector<std::pair<SeriesRef, std::vector<LabelIds>>> Head::TruncateShard(Shard& shard,
                                                                             int64_t mint_ms) {
  std::vector<std::pair<SeriesRef, std::vector<LabelIds>>> removed;
  std::lock_guard lock(shard.mu);
  for (auto it = shard.by_ref.begin(); it != shard.by_ref.end();) {
    MemSeries& s = *it->second;
    size_t keep_from = 0;
    while (keep_from < s.full_chunks.size() && s.full_chunks[keep_from].max_t_ms < mint_ms) {
      ++keep_from;
    }
    s.full_chunks.erase(s.full_chunks.begin(), s.full_chunks.begin() + keep_from);
    full_chunks_.fetch_sub(keep_from, std::memory_order_relaxed);
    // Full chunks are older than the open one, so an open chunk that is empty or old means the
    // series has nothing left.
    const bool never_sampled = s.open.num_samples() == 0;
    if (never_sampled ? !std::exchange(s.seen_empty, true) : s.open.max_t_ms() >= mint_ms) {
      ++it;
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
    it = shard.by_ref.erase(it);
  }
  return removed;
}

void Head::TruncateBefore(int64_t mint_ms) {
  for (Shard& shard : shards_) {
    auto removed = TruncateShard(shard, mint_ms);
    series_removed_.fetch_add(removed.size(), std::memory_order_relaxed);
    // Outside the shard lock (lock order); the refs are already unreachable through the shard.
    index_.Remove(std::move(removed));
  }
}

}  // namespace gw::tsdb
