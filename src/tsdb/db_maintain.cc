// The store's housekeeping: head to block, WAL truncation with checkpoints, compaction,
// retention. The order of steps, and what a crash between any two leaves: docs/formats/db.md.
#include <malloc.h>

#include <algorithm>
#include <limits>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/logging.h"
#include "tsdb/block_writer.h"
#include "tsdb/compact.h"
#include "tsdb/retention.h"
#include "tsdb/db.h"
#include "tsdb/db_paths.h"
#include "tsdb/wal_record.h"
#include "tsdb/wal_segments.h"

namespace gw::tsdb {
namespace {

// A string that sorts as `labels` do among label sets: each name and value with NUL bytes
// escaped (0 -> 0 1) and ended by 0 0, so a shorter string sorts before its extensions.
std::string LabelSortKey(const Labels& labels) {
  std::string key;
  auto append = [&key](std::string_view s) {
    for (char c : s) {
      key.push_back(c);
      if (c == '\0') key.push_back('\1');
    }
    key.push_back('\0');
    key.push_back('\0');
  };
  for (const Label& l : labels) {
    append(l.name);
    append(l.value);
  }
  return key;
}

int64_t FloorTo(int64_t t, int64_t range) {
  return t >= 0 ? t / range * range : -((-t + range - 1) / range) * range;
}

// Logs every series of `head` to `writer`, up to kSeriesPerRecord in a record.
Status LogAllSeries(const Head& head, WalWriter& writer) {
  constexpr size_t kSeriesPerRecord = 1000;
  std::vector<WalSeries> batch;
  std::string record;
  Status status;
  auto flush = [&] {
    if (batch.empty() || !status.ok()) return;
    record.clear();
    EncodeSeries(batch, &record);
    status = writer.Log(record);
    batch.clear();
  };
  head.ForEachSeries([&](SeriesRef ref, const Labels& labels) {
    WalSeries& s = batch.emplace_back();
    s.ref = ref;
    for (const Label& l : labels) s.labels.push_back({l.name, l.value});
    if (batch.size() >= kSeriesPerRecord) flush();
  });
  flush();
  return status;
}

// Removes what ListCheckpoints calls leftovers: older checkpoints and unfinished ones.
Status RemoveLeftoverCheckpoints(Env* env, const std::string& wal_dir) {
  GW_ASSIGN_OR_RETURN(CheckpointListing listing, ListCheckpoints(env, wal_dir));
  for (const std::string& old : listing.leftovers) {
    GW_RETURN_IF_ERROR(RemoveTree(env, JoinPath(wal_dir, old)));
  }
  return Status::Ok();
}

}  // namespace

Status Db::Maintain() {
  bool cut = false;
  while (true) {
    const int64_t min_t = head_min_t_.load();
    const int64_t max_t = head_max_t_.load();
    const int64_t range = options_.block_range_ms;
    if (max_t < min_t || max_t - min_t <= range * 3 / 2) break;
    const int64_t start = FloorTo(min_t, range);
    // The newest half range stays in the head, for late samples and cheap recent queries.
    if (start + range > max_t - range / 2) break;
    if (Status s = CutBlock(start); !s.ok()) return s.WithContext("cutting a block");
    cut = true;
  }
  if (cut) {
    if (Status s = TruncateWal(); !s.ok()) return s.WithContext("truncating the WAL");
    // The cut freed the head's old chunks and its own buffers; give the pages back, or glibc
    // keeps them and the process' resident size stays at its peak.
    malloc_trim(0);
  }
  if (Status s = Compact(); !s.ok()) {
    compaction_failures_.fetch_add(1);
    return s.WithContext("compacting blocks");
  }
  return ApplyRetention().WithContext("applying retention");
}

Status Db::CutBlock(int64_t range_start) {
  const int64_t range_end = range_start + options_.block_range_ms;
  {
    // From here on the head refuses samples before range_end, including those of appenders
    // already staged (Commit checks again), so the block is all there is before it.
    std::lock_guard lock(commit_mu_);
    min_valid_t_ = std::max(min_valid_t_.load(), range_end);
  }
  GW_ASSIGN_OR_RETURN(std::optional<BlockMeta> meta, WriteHeadBlock(range_start, range_end));

  std::lock_guard lock(commit_mu_);
  std::vector<SeriesRef> removed = head_.TruncateBefore(range_end);
  if (observer_ != nullptr && !removed.empty()) observer_->OnSeriesRemoved(removed);
  head_min_t_ = std::max(head_min_t_.load(), range_end);
  head_cuts_.fetch_add(1);
  if (meta.has_value()) {
    GW_LOG_INFO("cut block {} [{}, {}) out of the head: {} series, {} samples", meta->ulid,
                range_start, range_end, meta->num_series, meta->num_samples);
  }
  return Status::Ok();
}

StatusOr<std::optional<BlockMeta>> Db::WriteHeadBlock(int64_t range_start, int64_t range_end) {
  // Blocks list series in label order. A compact sort key per series, rather than a copy of
  // every label set, keeps the cut's memory small next to the head's.
  std::vector<std::pair<std::string, SeriesRef>> order;
  head_.ForEachSeries([&](SeriesRef ref, const Labels& labels) {
    order.emplace_back(LabelSortKey(labels), ref);
  });
  std::sort(order.begin(), order.end());

  GW_ASSIGN_OR_RETURN(std::unique_ptr<BlockWriter> writer,
                      BlockWriter::Create(env_, dir_, range_start, range_end));
  uint64_t series_written = 0;
  for (auto& [key, ref] : order) {
    // Head chunks never cross a block boundary, so these lie wholly inside the range.
    std::vector<ChunkSnapshot> chunks = head_.Chunks(ref, range_start, range_end - 1);
    std::string().swap(key);
    if (chunks.empty()) continue;
    const Labels labels = head_.SeriesLabels(ref);
    if (labels.empty()) continue;  // only the maintenance thread removes series
    GW_RETURN_IF_ERROR(writer->AddSeries(labels, chunks));
    ++series_written;
  }
  if (series_written == 0) {
    // A range with no samples (the head reached back to an old straggler): no block for it;
    // the writer removes its .tmp directory.
    return std::optional<BlockMeta>();
  }
  GW_ASSIGN_OR_RETURN(BlockMeta meta, writer->Finish());
  GW_ASSIGN_OR_RETURN(std::unique_ptr<Block> block, Block::Open(env_, JoinPath(dir_, meta.ulid)));
  PublishBlock(std::move(block), {});
  return std::optional<BlockMeta>(std::move(meta));
}

void Db::PublishBlock(std::unique_ptr<Block> block, const std::set<std::string>& replaced_ulids) {
  std::unique_lock lock(blocks_mu_);
  std::erase_if(blocks_, [&](const auto& b) { return replaced_ulids.contains(b->meta().ulid); });
  blocks_.push_back(std::move(block));
  std::sort(blocks_.begin(), blocks_.end(), [](const auto& a, const auto& b) {
    return a->meta().min_t_ms < b->meta().min_t_ms;
  });
}

Status Db::TruncateWal() {
  uint64_t first_kept = 0;
  {
    std::lock_guard lock(commit_mu_);
    if (wal_ == nullptr) return Status::Ok();
    GW_ASSIGN_OR_RETURN(wal::SegmentListing listing, wal::ListSegments(env_, wal_dir_));
    const int64_t min_valid = min_valid_t_.load();
    first_kept = wal_->segment();
    for (uint64_t segment : listing.segments) {
      auto it = segment_max_t_.find(segment);
      if (segment >= wal_->segment() || (it != segment_max_t_.end() && it->second >= min_valid)) {
        first_kept = segment;
        break;
      }
    }
    // Later truncations can drop what is being written now.
    GW_RETURN_IF_ERROR(wal_->NextSegment());
    if (listing.segments.empty() || first_kept <= listing.segments.front()) return Status::Ok();
  }
  // Series created from now on are logged in segments >= first_kept, so a checkpoint of the
  // series alive now, plus those segments, describes every series.
  GW_RETURN_IF_ERROR(WriteCheckpoint(first_kept));
  std::lock_guard lock(commit_mu_);
  GW_RETURN_IF_ERROR(wal_->Truncate(first_kept));
  segment_max_t_.erase(segment_max_t_.begin(), segment_max_t_.lower_bound(first_kept));
  wal_truncations_.fetch_add(1);
  return Status::Ok();
}

Status Db::WriteCheckpoint(uint64_t first_kept_segment) {
  const std::string name = CheckpointName(first_kept_segment);
  const std::string tmp = JoinPath(wal_dir_, name + ".tmp");
  GW_RETURN_IF_ERROR(RemoveTree(env_, tmp));
  GW_RETURN_IF_ERROR(env_->CreateDirIfMissing(tmp));
  WalOptions options = options_.wal;
  options.sync_policy = WalSyncPolicy::kNever;  // Close() syncs
  GW_ASSIGN_OR_RETURN(std::unique_ptr<WalWriter> writer, WalWriter::Open(env_, tmp, options));
  GW_RETURN_IF_ERROR(LogAllSeries(head_, *writer));
  GW_RETURN_IF_ERROR(writer->Close());
  GW_RETURN_IF_ERROR(env_->RenameFile(tmp, JoinPath(wal_dir_, name)));
  GW_RETURN_IF_ERROR(env_->SyncDir(wal_dir_));
  return RemoveLeftoverCheckpoints(env_, wal_dir_);
}

Status Db::Compact() {
  std::vector<std::shared_ptr<const Block>> blocks = BlocksSnapshot();
  std::vector<BlockMeta> metas;
  metas.reserve(blocks.size());
  for (const auto& b : blocks) metas.push_back(b->meta());
  // Prometheus' ladder: each level spans 3 of the one below, up to a tenth of the retention.
  std::vector<int64_t> ranges{options_.block_range_ms};
  const int64_t cap = options_.retention_ms > 0 ? options_.retention_ms / 10
                                                : std::numeric_limits<int64_t>::max() / 4;
  while (ranges.size() < 10 && ranges.back() * 3 <= cap) ranges.push_back(ranges.back() * 3);
  if (ranges.size() < 2) return Status::Ok();

  const std::vector<std::string> plan = PlanCompaction(metas, ranges);  // ULIDs
  if (plan.empty()) return Status::Ok();
  const std::set<std::string> chosen(plan.begin(), plan.end());
  std::vector<const Block*> parents;
  for (const auto& b : blocks) {
    if (chosen.contains(b->meta().ulid)) parents.push_back(b.get());
  }
  GW_ASSIGN_OR_RETURN(BlockMeta meta, tsdb::Compact(env_, dir_, parents));
  GW_ASSIGN_OR_RETURN(std::unique_ptr<Block> merged, Block::Open(env_, JoinPath(dir_, meta.ulid)));
  PublishBlock(std::move(merged), chosen);
  // Queries still reading a parent hold it open; its files go now (a crash here leaves the
  // parents, which the next open deletes because the merged block names them).
  for (const std::string& ulid : plan) GW_RETURN_IF_ERROR(DeleteBlock(env_, JoinPath(dir_, ulid)));
  compactions_.fetch_add(1);
  malloc_trim(0);  // the merge's buffers, as after a cut
  GW_LOG_INFO("compacted {} blocks into {} [{}, {})", plan.size(), meta.ulid, meta.min_t_ms,
              meta.max_t_ms);
  return Status::Ok();
}

Status Db::ApplyRetention() {
  if (options_.retention_ms <= 0 && options_.retention_bytes == 0) return Status::Ok();
  std::vector<std::shared_ptr<const Block>> blocks = BlocksSnapshot();
  std::vector<const Block*> sorted;
  sorted.reserve(blocks.size());
  for (const auto& b : blocks) sorted.push_back(b.get());
  const std::vector<std::string> doomed = BlocksBeyondRetention(
      sorted, options_.retention_ms, options_.retention_bytes, stats().wal_bytes);
  if (doomed.empty()) return Status::Ok();
  const std::set<std::string> gone(doomed.begin(), doomed.end());
  {
    std::unique_lock lock(blocks_mu_);
    std::erase_if(blocks_, [&](const auto& b) { return gone.contains(b->dir()); });
  }
  for (const std::string& dir : doomed) {
    GW_RETURN_IF_ERROR(DeleteBlock(env_, dir));
    retention_deletions_.fetch_add(1);
    GW_LOG_INFO("retention deleted block {}", dir);
  }
  return Status::Ok();
}

}  // namespace gw::tsdb
