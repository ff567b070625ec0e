// Writes one immutable block (docs/formats/block.md): chunk segments as series are added, the
// index and meta.json at Finish.
#ifndef GW_TSDB_BLOCK_WRITER_H_
#define GW_TSDB_BLOCK_WRITER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "tsdb/block_index.h"
#include "tsdb/block_meta.h"
#include "tsdb/file_env.h"
#include "tsdb/labels.h"
#include "tsdb/series_iterator.h"

namespace gw::tsdb {

// Writes into parent_dir/<ulid>.tmp, then fsyncs and renames it to parent_dir/<ulid>; the block
// is visible under its final name only once Finish succeeded. A writer destroyed before a
// successful Finish removes its .tmp directory (best effort; OpenBlocks removes what is left).
// Keeps each series' labels and chunk metas (not the chunk bytes) in memory until Finish.
// Not thread-safe.
class BlockWriter {
 public:
  // Creates the .tmp directory. kInvalidArgument if min_t >= max_t or level < 1. `sources` empty
  // means the block is its own source (a level-1 block).
  static StatusOr<std::unique_ptr<BlockWriter>> Create(Env* env, std::string parent_dir,
                                                       int64_t min_t_ms, int64_t max_t_ms,
                                                       int level = 1,
                                                       std::vector<std::string> parents = {},
                                                       std::vector<std::string> sources = {});
  ~BlockWriter();
  BlockWriter(const BlockWriter&) = delete;
  BlockWriter& operator=(const BlockWriter&) = delete;

  // Writes the chunks of one series. A series without chunks is skipped.
  // REQUIRES (kInvalidArgument otherwise, nothing written): labels non-empty and greater than
  // those of the previous series; chunks in time order, not overlapping (each min_t > the
  // previous max_t), min_t <= max_t, within [min_t, max_t) of the block, each holding a chunk
  // of a known encoding and at least its 2-byte header. XOR chunks whose values are all integers
  // are stored as integer chunks when that is smaller (docs/formats/chunks.md).
  // Errors from the Env (kIoError, ...) leave the writer failed: later calls fail too.
  Status AddSeries(const Labels& labels, std::span<const ChunkSnapshot> chunks);

  // Writes the index and meta.json, fsyncs everything and renames the block into place.
  // Returns the meta as written. On error the .tmp directory is removed and no block appears.
  StatusOr<BlockMeta> Finish();

  const std::string& ulid() const { return meta_.ulid; }

 private:
  BlockWriter(Env* env, std::string parent_dir, BlockMeta meta);

  Status CheckSeries(const Labels& labels, std::span<const ChunkSnapshot> chunks) const;
  Status WriteChunk(const ChunkSnapshot& chunk, block::ChunkMeta* meta);
  Status StartSegment();
  Status EndSegment();
  Status WriteIndex();
  Status FinishLocked();
  void RemoveTmp();

  Env* env_;
  std::string parent_dir_;
  std::string tmp_dir_;
  BlockMeta meta_;
  std::unique_ptr<WritableFile> segment_;
  uint32_t segment_number_ = 0;
  uint64_t segment_size_ = 0;
  std::vector<block::IndexSeries> series_;
  Status failed_;  // sticky error
  bool finished_ = false;
};

}  // namespace gw::tsdb

#endif  // GW_TSDB_BLOCK_WRITER_H_
