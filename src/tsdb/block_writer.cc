#include "tsdb/block_writer.h"

#include <algorithm>

#include "tsdb/block.h"
#include "tsdb/block_format.h"
#include "tsdb/chunk_encoding.h"
#include "tsdb/crc32c.h"
#include "tsdb/int_format.h"
#include "tsdb/xor_format.h"

namespace gw::tsdb {

BlockWriter::BlockWriter(Env* env, std::string parent_dir, BlockMeta meta)
    : env_(env), parent_dir_(std::move(parent_dir)), meta_(std::move(meta)) {
  tmp_dir_ = JoinPath(parent_dir_, meta_.ulid + std::string(block::kTmpSuffix));
}

BlockWriter::~BlockWriter() {
  if (!finished_) RemoveTmp();
}

StatusOr<std::unique_ptr<BlockWriter>> BlockWriter::Create(Env* env, std::string parent_dir,
                                                           int64_t min_t_ms, int64_t max_t_ms,
                                                           int level,
                                                           std::vector<std::string> parents,
                                                           std::vector<std::string> sources) {
  if (min_t_ms >= max_t_ms || level < 1) {
    return InvalidArgumentError("block writer: need min_t < max_t and level >= 1, got [" +
                                std::to_string(min_t_ms) + ", " + std::to_string(max_t_ms) +
                                ") level " + std::to_string(level));
  }
  BlockMeta meta;
  meta.ulid = NewUlid();
  meta.min_t_ms = min_t_ms;
  meta.max_t_ms = max_t_ms;
  meta.level = level;
  meta.parents = std::move(parents);
  meta.sources = sources.empty() ? std::vector<std::string>{meta.ulid} : std::move(sources);
  std::sort(meta.sources.begin(), meta.sources.end());
  std::unique_ptr<BlockWriter> w(new BlockWriter(env, std::move(parent_dir), std::move(meta)));
  GW_RETURN_IF_ERROR(env->CreateDirIfMissing(w->parent_dir_));
  GW_RETURN_IF_ERROR(env->CreateDirIfMissing(w->tmp_dir_));
  GW_RETURN_IF_ERROR(env->CreateDirIfMissing(JoinPath(w->tmp_dir_, block::kChunksDir)));
  return w;
}

Status BlockWriter::CheckSeries(const Labels& labels, std::span<const ChunkSnapshot> chunks) const {
  auto fail = [&](std::string_view what) {
    return InvalidArgumentError("block writer: series " + labels.ToString() + ": " +
                                std::string(what));
  };
  if (labels.empty()) return fail("empty label set");
  if (!series_.empty() && !(series_.back().labels < labels)) {
    return fail("not after the previous series " + series_.back().labels.ToString() +
                " (add series in increasing label order)");
  }
  for (size_t i = 0; i < chunks.size(); ++i) {
    const ChunkSnapshot& c = chunks[i];
    if (c.min_t_ms > c.max_t_ms || c.min_t_ms < meta_.min_t_ms || c.max_t_ms >= meta_.max_t_ms) {
      return fail("chunk [" + std::to_string(c.min_t_ms) + ", " + std::to_string(c.max_t_ms) +
                  "] outside the block's range [" + std::to_string(meta_.min_t_ms) + ", " +
                  std::to_string(meta_.max_t_ms) + ")");
    }
    if (i > 0 && c.min_t_ms <= chunks[i - 1].max_t_ms) return fail("chunks overlap or unordered");
    if (!c.bytes || c.bytes->size() < kXorHeaderBytes || c.bytes->size() > block::kMaxChunkBytes) {
      return fail("chunk without bytes or larger than 1 MiB");
    }
    if (!IsKnownChunkEncoding(c.encoding)) {
      return fail("chunk encoding " + std::to_string(c.encoding) + " unknown");
    }
  }
  return Status::Ok();
}

Status BlockWriter::AddSeries(const Labels& labels, std::span<const ChunkSnapshot> chunks) {
  if (finished_) return FailedPreconditionError("block writer: AddSeries after Finish");
  GW_RETURN_IF_ERROR(failed_);
  GW_RETURN_IF_ERROR(CheckSeries(labels, chunks));
  if (chunks.empty()) return Status::Ok();
  block::IndexSeries s{labels, {}};
  s.chunks.reserve(chunks.size());
  for (const ChunkSnapshot& c : chunks) {
    block::ChunkMeta meta;
    failed_ = WriteChunk(c, &meta);
    GW_RETURN_IF_ERROR(failed_);
    s.chunks.push_back(meta);
    const std::vector<uint8_t>& b = *c.bytes;
    meta_.num_samples += (uint64_t{b[0]} << 8) | b[1];  // both encodings start with the count
  }
  meta_.num_chunks += chunks.size();
  ++meta_.num_series;
  series_.push_back(std::move(s));
  return Status::Ok();
}

Status BlockWriter::StartSegment() {
  ++segment_number_;
  const std::string path =
      JoinPath(JoinPath(tmp_dir_, block::kChunksDir), block::SegmentName(segment_number_));
  GW_ASSIGN_OR_RETURN(segment_, env_->NewWritableFile(path));
  std::string header;
  block::PutU32(&header, block::kChunksMagic);
  header.push_back(static_cast<char>(block::kChunksVersion));
  header.append(3, '\0');
  GW_RETURN_IF_ERROR(segment_->Append(header));
  segment_size_ = header.size();
  return Status::Ok();
}

Status BlockWriter::EndSegment() {
  if (!segment_) return Status::Ok();
  GW_RETURN_IF_ERROR(segment_->Sync());
  GW_RETURN_IF_ERROR(segment_->Close());
  segment_.reset();
  return Status::Ok();
}

Status BlockWriter::WriteChunk(const ChunkSnapshot& chunk, block::ChunkMeta* meta) {
  // Head chunks are XOR; integer-valued ones are stored as integer chunks when that is smaller
  // (docs/formats/chunks.md). Chunks of an integer chunk's encoding (compaction) are copied.
  std::span<const uint8_t> data = *chunk.bytes;
  uint8_t encoding = chunk.encoding;
  std::optional<std::vector<uint8_t>> ints;
  if (encoding == kXorEncoding) ints = SmallerIntChunk(data);
  if (ints) {
    data = *ints;
    encoding = kIntEncoding;
  }
  std::string record;
  block::PutUvarint(&record, data.size());
  const size_t body_start = record.size();
  record.push_back(static_cast<char>(encoding));
  record.append(reinterpret_cast<const char*>(data.data()), data.size());
  block::PutU32(&record, crc32c::Value(std::string_view{record}.substr(body_start)));
  if (!segment_ || segment_size_ + record.size() > block::kMaxSegmentBytes) {
    GW_RETURN_IF_ERROR(EndSegment());
    GW_RETURN_IF_ERROR(StartSegment());
  }
  *meta = {chunk.min_t_ms, chunk.max_t_ms,
           block::ChunkRef(segment_number_, static_cast<uint32_t>(segment_size_))};
  GW_RETURN_IF_ERROR(segment_->Append(record));
  segment_size_ += record.size();
  return Status::Ok();
}

StatusOr<BlockMeta> BlockWriter::Finish() {
  if (finished_) return FailedPreconditionError("block writer: Finish called twice");
  Status status = failed_.ok() ? FinishLocked() : failed_;
  if (!status.ok()) {
    failed_ = status;
    RemoveTmp();
    return status;
  }
  finished_ = true;
  return meta_;
}

Status BlockWriter::FinishLocked() {
  GW_RETURN_IF_ERROR(EndSegment());
  GW_ASSIGN_OR_RETURN(std::string index, block::EncodeIndex(series_));
  GW_RETURN_IF_ERROR(WriteStringToFile(env_, index, JoinPath(tmp_dir_, block::kIndexFile)));
  GW_RETURN_IF_ERROR(
      WriteStringToFile(env_, EncodeBlockMeta(meta_), JoinPath(tmp_dir_, block::kMetaFile)));
  GW_RETURN_IF_ERROR(env_->SyncDir(JoinPath(tmp_dir_, block::kChunksDir)));
  GW_RETURN_IF_ERROR(env_->SyncDir(tmp_dir_));
  const std::string dir = JoinPath(parent_dir_, meta_.ulid);
  GW_RETURN_IF_ERROR(env_->RenameFile(tmp_dir_, dir));
  // The caller takes an error for "no block", so a block whose name may not be durable is taken
  // back; otherwise a retry would write its data twice.
  Status synced = env_->SyncDir(parent_dir_);
  if (!synced.ok()) DeleteBlock(env_, dir).IgnoreError();
  return synced;
}

void BlockWriter::RemoveTmp() {
  segment_.reset();
  RemoveAll(env_, tmp_dir_).IgnoreError();  // best effort: OpenBlocks removes leftovers
}

}  // namespace gw::tsdb
