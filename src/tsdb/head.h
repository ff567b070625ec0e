// The head: the in-memory store of the active series and their recent samples, with the
// inverted index that selects them. Design and per-series cost: docs/formats/head.md.
#ifndef GW_TSDB_HEAD_H_
#define GW_TSDB_HEAD_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "tsdb/labels.h"
#include "tsdb/matcher.h"
#include "tsdb/mem_index.h"
#include "tsdb/postings.h"
#include "tsdb/ref_table.h"
#include "tsdb/sample.h"
#include "tsdb/series_iterator.h"
#include "tsdb/xor_writer.h"

namespace gw::tsdb {

struct HeadStats {
  uint64_t num_series = 0;
  uint64_t num_full_chunks = 0;  // cut chunks still held; each series also has one open chunk
  uint64_t samples_appended = 0;
  uint64_t out_of_order_samples = 0;  // rejected: t < the series' last timestamp
  uint64_t duplicate_samples = 0;     // rejected: t == last timestamp, different value
  uint64_t series_created = 0;
  uint64_t series_removed = 0;
};

// Thread-safety: all methods may be called concurrently (appends from scrape threads, reads
// from query threads). Series live in kNumShards shards, each under its own mutex; a series'
// shard is fixed by its label hash and encoded in the low bits of its ref, so Append locks one
// shard and nothing else. The index has its own reader-writer lock (MemIndex). Lock order:
// shard, then index; no path takes a shard lock while holding the index lock.
struct HeadOptions {
  // Chunks are cut where time crosses a multiple of this, so that no chunk spans two blocks
  // (tsdb/db.h cuts blocks on these boundaries). 0: cut only when a chunk is full.
  int64_t chunk_range_ms = 0;
};

// What Head::TryAppend did with a sample.
enum class AppendOutcome {
  kAppended,
  kRepeat,      // same timestamp and value bits as the newest sample: accepted, nothing stored
  kOutOfOrder,  // before the series' newest sample
  kDuplicate,   // the newest sample's timestamp with another value
  kNotFound,    // no such series (dropped by truncation?)
};

class Head {
 public:
  Head() = default;
  explicit Head(HeadOptions options) : options_(options) {}
  Head(const Head&) = delete;
  Head& operator=(const Head&) = delete;

  // The ref of the series with exactly these labels, created (and indexed) if new.
  // kInvalidArgument for an empty label set.
  // *created (when given) tells whether this call created it.
  StatusOr<SeriesRef> GetOrCreate(const Labels& labels, bool* created = nullptr);
  // Recreates a series under the ref it had before a restart (WAL replay); a no-op when it
  // exists with these labels. kCorruption when the ref cannot belong to these labels (its shard
  // bits disagree with their hash) or is taken by other labels. Later refs stay above it.
  Status Restore(SeriesRef ref, const Labels& labels);
  // Calls fn(ref, labels) for every series, shard by shard (not in label order). fn must not
  // call back into the head.
  void ForEachSeries(const std::function<void(SeriesRef, const Labels&)>& fn) const;

  // Appends a sample. kInvalidArgument, counted in stats(), for t_ms before the series' last
  // sample (out of order) or equal to it with a different value (duplicate; compared by bits, so
  // repeating a stale marker is fine). An identical repeat is accepted and ignored. kNotFound if
  // the series is unknown, e.g. dropped by TruncateBefore: call GetOrCreate again.
  Status Append(SeriesRef ref, int64_t t_ms, double v);
  // As Append, without building an error message: for the store's commit loop.
  AppendOutcome TryAppend(SeriesRef ref, int64_t t_ms, double v);
  // TryAppend of each sample, with outcomes[i] for samples[i]. Samples of one series are
  // appended in the order given. Faster than a loop of TryAppend: it locks each shard once and
  // fetches the series of a shard from memory together rather than one miss after another.
  // REQUIRES: outcomes.size() == samples.size().
  void TryAppendBatch(std::span<const RefSample> samples, std::span<AppendOutcome> outcomes);

  // Whether the series exists (it may be dropped by a truncation right after).
  bool Contains(SeriesRef ref) const;
  // Refs of the series matching all matchers, sorted. No matchers select nothing.
  std::vector<SeriesRef> Select(const std::vector<Matcher>& matchers) const;
  // Sorted label names, and sorted values of one label, over all series in the head.
  std::vector<std::string> LabelNames() const;
  std::vector<std::string> LabelValues(std::string_view name) const;
  // Empty if the series is unknown (e.g. dropped since a Select returned it).
  Labels SeriesLabels(SeriesRef ref) const;

  // Samples of a series with mint <= t <= maxt. The iterator holds its own references to the
  // chunks, so it stays valid, and consistent, while appends and truncation go on.
  // kNotFound if the series is unknown.
  StatusOr<SeriesIterator> Iterator(SeriesRef ref, int64_t mint_ms, int64_t maxt_ms) const;
  // The chunks of a series that overlap [mint, maxt], in time order (a copy of the open one);
  // empty if none or the series is unknown.
  std::vector<ChunkSnapshot> Chunks(SeriesRef ref, int64_t mint_ms, int64_t maxt_ms) const;

  // Drops the full chunks whose samples are all older than mint_ms, and the series that have no
  // sample at or after mint_ms. A series that never got a sample is dropped by the second
  // truncation that finds it so, which leaves callers at least one truncation interval between
  // GetOrCreate and the first Append.
  // Returns the refs of the dropped series.
  std::vector<SeriesRef> TruncateBefore(int64_t mint_ms);

  HeadStats stats() const;

 private:
  static constexpr int kShardBits = 6;
  static constexpr size_t kNumShards = size_t{1} << kShardBits;

  struct MemSeries {
    SeriesRef ref = 0;
    uint64_t hash = 0;
    std::vector<LabelIds> labels;  // sorted by name, symbols owned by index_
    std::vector<ChunkSnapshot> full_chunks;
    XorWriter open;
    bool seen_empty = false;  // an earlier truncation found no samples
  };
  struct Shard {
    mutable std::mutex mu;
    RefTable<MemSeries> by_ref;
    std::unordered_multimap<uint64_t, MemSeries*> by_hash;  // label hash -> series
  };

  static size_t ShardOf(SeriesRef ref) { return ref & (kNumShards - 1); }
  // REQUIRES: the shard of `s` is locked.
  bool HasLabels(const MemSeries& s, const Labels& labels) const;
  Labels ToLabels(const MemSeries& s) const;
  static void CutChunk(MemSeries& s);
  // Inserts a new series under `ref`. REQUIRES: the shard is locked, no series has these labels.
  void Insert(Shard& shard, SeriesRef ref, uint64_t hash, const Labels& labels);
  bool CrossesRange(const MemSeries& s, int64_t t_ms) const;
  // TryAppend to a found series. REQUIRES: its shard is locked.
  AppendOutcome AppendLocked(MemSeries& s, int64_t t_ms, double v);
  // Truncates one shard; returns the removed series' refs and label ids.
  std::vector<std::pair<SeriesRef, std::vector<LabelIds>>> TruncateShard(Shard& shard,
                                                                         int64_t mint_ms);

  const HeadOptions options_{};
  std::array<Shard, kNumShards> shards_;
  MemIndex index_;
  std::atomic<uint64_t> next_id_{1};

  std::atomic<uint64_t> full_chunks_{0};
  std::atomic<uint64_t> samples_appended_{0};
  std::atomic<uint64_t> out_of_order_{0};
  std::atomic<uint64_t> duplicates_{0};
  std::atomic<uint64_t> series_created_{0};
  std::atomic<uint64_t> series_removed_{0};
};

}  // namespace gw::tsdb

#endif  // GW_TSDB_HEAD_H_
