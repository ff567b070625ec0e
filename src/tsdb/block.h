// An immutable block on disk, opened for queries (docs/formats/block.md), and the handling of
// the blocks of a data directory: opening them all, cleaning up after crashes, deleting.
#ifndef GW_TSDB_BLOCK_H_
#define GW_TSDB_BLOCK_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "tsdb/block_index.h"
#include "tsdb/block_meta.h"
#include "tsdb/file_env.h"
#include "tsdb/matcher.h"
#include "tsdb/storage.h"

namespace gw::tsdb {

// Holds meta.json and the index in memory and the chunk segments open; reads chunks with
// positioned reads when a query needs them. Every byte from disk is checked: damage is
// kCorruption naming the file and offset; read failures are the Env's error.
// Thread-safe for reads (everything is const after Open).
class Block {
 public:
  // Errors: kNotFound if dir/meta.json or dir/index is missing; kCorruption for damaged files
  // (also a meta.json whose ulid is not the directory's name, or missing chunk segments).
  static StatusOr<std::unique_ptr<Block>> Open(Env* env, std::string dir);

  const BlockMeta& meta() const { return meta_; }
  const std::string& dir() const { return dir_; }
  // Bytes of meta.json, index and chunk segments.
  uint64_t size_bytes() const { return size_bytes_; }

  // The series matching every matcher with a chunk overlapping [mint, maxt] (both inclusive),
  // each with only those chunks; series with none are left out; sorted by labels. No matchers
  // select nothing.
  StatusOr<std::vector<SeriesChunks>> Select(const std::vector<Matcher>& matchers, int64_t mint_ms,
                                             int64_t maxt_ms) const;
  // Sorted, distinct label names of the series matching every matcher; no matchers: of all.
  StatusOr<std::vector<std::string>> LabelNames(const std::vector<Matcher>& matchers) const;
  // Sorted, distinct values of `name` over the matching series; no matchers: over all.
  StatusOr<std::vector<std::string>> LabelValues(std::string_view name,
                                                 const std::vector<Matcher>& matchers) const;

  // For compaction: every series' labels and ref, in label order; then its chunks by ref.
  struct SeriesEntry {
    Labels labels;
    SeriesRef ref;
  };
  StatusOr<std::vector<SeriesEntry>> AllSeries() const;
  StatusOr<std::vector<ChunkSnapshot>> Chunks(SeriesRef ref, int64_t mint_ms,
                                              int64_t maxt_ms) const;

 private:
  struct Segment {
    std::string path;
    std::unique_ptr<RandomAccessFile> file;
    uint64_t size;
  };

  Block() = default;
  Status OpenSegments(Env* env);
  StatusOr<ChunkSnapshot> ReadChunk(const block::ChunkMeta& meta) const;
  StatusOr<std::vector<ChunkSnapshot>> ReadChunks(const block::IndexSeries& s, int64_t mint_ms,
                                                  int64_t maxt_ms) const;
  StatusOr<std::vector<Labels>> SelectLabels(const std::vector<Matcher>& matchers) const;

  std::string dir_;
  BlockMeta meta_;
  std::unique_ptr<block::IndexReader> index_;
  std::vector<Segment> segments_;  // segments_[i] is number i + 1
  uint64_t size_bytes_ = 0;
};

// Opens every block under `dir` (entries named by a ULID; other entries are not touched).
// Removes leftover <ulid>.tmp and <ulid>.tmp-for-deletion directories, and deletes blocks that a
// block it opened lists as a parent (a crash between compaction and deleting the parents).
// A parent is deleted only for a child of a higher level, so damaged metas naming each other
// cannot delete both. Blocks that fail to open are reported in `failed` with their error and
// left on disk. Call at startup, before any BlockWriter or DeleteBlock runs in `dir`.
// `blocks` are sorted by min_t (then ULID). Errors: only when `dir` cannot be listed or a
// cleanup fails.
struct OpenedBlocks {
  std::vector<std::unique_ptr<Block>> blocks;
  std::vector<std::pair<std::string, Status>> failed;  // directory, why
};
StatusOr<OpenedBlocks> OpenBlocks(Env* env, const std::string& dir);

// Deletes a block directory: renames it to <dir>.tmp-for-deletion (durably), then removes its
// files, so a crash never leaves a half-deleted block that looks valid. REQUIRES: no open Block
// of it is still used (PosixEnv keeps open files readable; other Envs may not).
Status DeleteBlock(Env* env, const std::string& dir);

// Removes `path` and, if it is a directory, everything below it. kNotFound if it is not there.
Status RemoveAll(Env* env, const std::string& path);

}  // namespace gw::tsdb

#endif  // GW_TSDB_BLOCK_H_
