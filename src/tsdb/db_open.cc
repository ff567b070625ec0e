// Opening the store: blocks, WAL replay into the head, and the writer for what comes next.
#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/logging.h"
#include "tsdb/db.h"
#include "tsdb/db_paths.h"
#include "tsdb/wal_reader.h"
#include "tsdb/wal_record.h"
#include "tsdb/wal_segments.h"

namespace gw::tsdb {
namespace {

constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();

Labels ToLabels(const WalSeries& series) {
  std::vector<Label> labels;
  labels.reserve(series.labels.size());
  for (const WalLabel& l : series.labels) labels.push_back({l.name, l.value});
  StatusOr<Labels> out = Labels::FromPairs(std::move(labels));
  return out.ok() ? *std::move(out) : Labels();
}

}  // namespace

Db::Db(Env* env, std::string dir, DbOptions options)
    : env_(env),
      dir_(std::move(dir)),
      wal_dir_(JoinPath(dir_, "wal")),
      options_(options),
      head_(HeadOptions{.chunk_range_ms = options.block_range_ms}),
      min_valid_t_(kNoTime),
      head_min_t_(std::numeric_limits<int64_t>::max()),
      head_max_t_(kNoTime) {}

Db::~Db() {
  if (wal_ != nullptr) {
    if (Status s = Close(); !s.ok()) GW_LOG_WARN("closing the store in {}: {}", dir_, s.ToString());
  }
}

StatusOr<std::unique_ptr<Db>> Db::Open(Env* env, std::string dir, DbOptions options) {
  if (options.block_range_ms <= 0) {
    return InvalidArgumentError("block range must be positive");
  }
  std::unique_ptr<Db> db(new Db(env, std::move(dir), options));
  GW_RETURN_IF_ERROR(env->CreateDirIfMissing(db->dir_));
  GW_RETURN_IF_ERROR(env->CreateDirIfMissing(db->wal_dir_));

  GW_ASSIGN_OR_RETURN(OpenedBlocks opened, OpenBlocks(env, db->dir_));
  db->report_.unreadable_blocks = std::move(opened.failed);
  for (std::unique_ptr<Block>& block : opened.blocks) {
    db->min_valid_t_ = std::max(db->min_valid_t_.load(), block->meta().max_t_ms);
    db->blocks_.push_back(std::move(block));
  }
  db->report_.blocks = db->blocks_.size();

  GW_RETURN_IF_ERROR(db->Replay());
  GW_RETURN_IF_ERROR(db->OpenWal());
  return db;
}

Status Db::ReplayRecord(std::string_view record, uint64_t segment) {
  GW_ASSIGN_OR_RETURN(WalRecordType type, PeekRecordType(record));
  if (type == WalRecordType::kSeries) {
    std::vector<WalSeries> series;
    GW_RETURN_IF_ERROR(DecodeSeries(record, &series));
    for (const WalSeries& s : series) {
      const Labels labels = ToLabels(s);
      if (labels.empty()) return CorruptionError("series record with no or invalid labels");
      GW_RETURN_IF_ERROR(head_.Restore(s.ref, labels));
    }
    return Status::Ok();
  }
  std::vector<WalSample> samples;
  GW_RETURN_IF_ERROR(DecodeSamples(record, &samples));
  int64_t max_t = kNoTime;
  for (const WalSample& s : samples) {
    max_t = std::max(max_t, s.t_ms);
    if (s.t_ms < min_valid_t_.load(std::memory_order_relaxed)) {
      ++report_.samples_in_blocks;
      continue;
    }
    switch (head_.TryAppend(s.ref, s.t_ms, s.value)) {
      case AppendOutcome::kAppended:
        ++report_.replayed_samples;
        head_min_t_ = std::min(head_min_t_.load(), s.t_ms);
        head_max_t_ = std::max(head_max_t_.load(), s.t_ms);
        break;
      case AppendOutcome::kNotFound:
        ++report_.unknown_series_refs;
        break;
      default:  // rejected when first written too; the log keeps what was offered
        break;
    }
  }
  if (max_t != kNoTime) {
    int64_t& seg_max = segment_max_t_.try_emplace(segment, kNoTime).first->second;
    seg_max = std::max(seg_max, max_t);
  }
  return Status::Ok();
}

Status Db::ReplayCheckpoint(const std::string& checkpoint_dir) {
  GW_ASSIGN_OR_RETURN(std::unique_ptr<WalReader> reader, WalReader::Open(env_, checkpoint_dir));
  ReplayResult result = reader->Replay([&](std::string_view record) {
    return ReplayRecord(record, 0);
  });
  if (!result.error.ok()) {
    // A checkpoint is complete before it is renamed into place, so damage here is real.
    return CorruptionError("checkpoint " + checkpoint_dir + ": " + result.error.message());
  }
  segment_max_t_.clear();  // checkpoints hold series only
  return Status::Ok();
}

Status Db::Replay() {
  GW_ASSIGN_OR_RETURN(CheckpointListing checkpoints, ListCheckpoints(env_, wal_dir_));
  for (const std::string& stale : checkpoints.leftovers) {
    GW_RETURN_IF_ERROR(RemoveTree(env_, JoinPath(wal_dir_, stale)));
  }
  uint64_t first_segment = 0;
  if (checkpoints.newest.has_value()) {
    first_segment = *checkpoints.newest;
    GW_RETURN_IF_ERROR(ReplayCheckpoint(JoinPath(wal_dir_, CheckpointName(first_segment))));
    // A crash between writing the checkpoint and deleting the segments it replaces.
    GW_ASSIGN_OR_RETURN(wal::SegmentListing listing, wal::ListSegments(env_, wal_dir_));
    for (uint64_t segment : listing.segments) {
      if (segment >= first_segment) break;
      GW_RETURN_IF_ERROR(env_->RemoveFile(JoinPath(wal_dir_, wal::SegmentFileName(segment))));
    }
  }

  GW_ASSIGN_OR_RETURN(std::unique_ptr<WalReader> reader, WalReader::Open(env_, wal_dir_));
  // A record that does not decode is damage like a bad checksum (kCorruption): cut there.
  ReplayResult result = reader->Replay([&](std::string_view record) {
    return ReplayRecord(record, reader->record_start().segment);
  });
  report_.wal_records = result.records;
  if (result.error.ok()) return Status::Ok();
  if (result.error.code() != StatusCode::kCorruption) return result.error;

  // Prometheus' choice: keep the store usable and say loudly what was dropped.
  report_.wal_repair = result.error.message();
  report_.wal_lost_records = !result.torn_tail;
  return RepairWal(env_, wal_dir_, result,
                   result.torn_tail ? WalRepairMode::kTornTailOnly
                                    : WalRepairMode::kDiscardAfterCorruption);
}

Status Db::OpenWal() {
  GW_ASSIGN_OR_RETURN(wal_, WalWriter::Open(env_, wal_dir_, options_.wal));
  return Status::Ok();
}

void Db::SetObserver(IngestObserver* observer) {
  std::lock_guard lock(commit_mu_);
  observer_ = observer;
  if (observer_ == nullptr) return;
  head_.ForEachSeries([&](SeriesRef ref, const Labels& labels) { observer_->OnSeries(ref, labels); });
}

Status Db::Close() {
  std::lock_guard lock(commit_mu_);
  if (wal_ == nullptr) return FailedPreconditionError("the store in " + dir_ + " is closed");
  Status status = wal_->Close();
  wal_.reset();
  if (write_error_.ok()) write_error_ = FailedPreconditionError("the store in " + dir_ + " is closed");
  return status;
}

DbStats Db::stats() const {
  DbStats s;
  s.head = head_.stats();
  s.head_min_t_ms = head_min_t_.load();
  s.head_max_t_ms = head_max_t_.load();
  for (const auto& block : BlocksSnapshot()) {
    ++s.blocks;
    s.block_bytes += block->size_bytes();
  }
  if (StatusOr<wal::SegmentListing> listing = wal::ListSegments(env_, wal_dir_); listing.ok()) {
    s.wal_segments = listing->segments.size();
    for (uint64_t segment : listing->segments) {
      StatusOr<uint64_t> size = env_->GetFileSize(JoinPath(wal_dir_, wal::SegmentFileName(segment)));
      if (size.ok()) s.wal_bytes += *size;
    }
  }
  s.out_of_bounds_samples = out_of_bounds_.load();
  s.stale_ref_samples = stale_refs_.load();
  s.head_cuts = head_cuts_.load();
  s.compactions = compactions_.load();
  s.compaction_failures = compaction_failures_.load();
  s.blocks_deleted_by_retention = retention_deletions_.load();
  s.wal_truncations = wal_truncations_.load();
  s.commits_failed = commits_failed_.load();
  return s;
}

std::vector<std::shared_ptr<const Block>> Db::BlocksSnapshot() const {
  std::shared_lock lock(blocks_mu_);
  return blocks_;
}

}  // namespace gw::tsdb
