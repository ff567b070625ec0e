// Leveled compaction of blocks, as Prometheus' LeveledCompactor (docs/formats/block.md): which
// blocks to merge next, and merging them into one block.
#ifndef GW_TSDB_COMPACT_H_
#define GW_TSDB_COMPACT_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "tsdb/block.h"
#include "tsdb/block_meta.h"
#include "tsdb/file_env.h"

namespace gw::tsdb {

// The ULIDs (directory names) of the blocks to merge next, oldest first; empty when there is
// nothing to do. `ranges_ms` are the block ranges, ascending, e.g. {2h, 6h, 18h}; the first is
// the range of level-1 blocks and is never planned.
// The newest block (greatest min_t) is always left out: it was just cut from the head.
// For each range after the first, the other blocks are grouped by the aligned window
// [k * range, (k + 1) * range) that holds them whole; the first group (oldest first, smaller
// ranges first) of more than one block that covers its whole window or ends at or before the
// newest of those blocks starts is returned. Groups holding overlapping blocks are skipped.
std::vector<std::string> PlanCompaction(std::span<const BlockMeta> metas,
                                        std::span<const int64_t> ranges_ms);

// Merges `blocks` into a new block under `parent_dir` of level max + 1, covering
// [min of min_t, max of max_t): series merged by labels, chunks concatenated in time order
// (copied; as in every block written, an XOR chunk of integers becomes an integer chunk if that
// is smaller, and integer chunks are copied as they are). The new block lists the inputs as parents and the union of their
// sources. The caller deletes the parents afterwards (DeleteBlock); OpenBlocks finishes that
// after a crash.
// Errors: kInvalidArgument for no blocks or blocks whose time ranges overlap (vertical
// compaction is not supported); read errors of the inputs (kCorruption, kIoError); write errors.
// On error no new block is left behind.
StatusOr<BlockMeta> Compact(Env* env, const std::string& parent_dir,
                            std::span<const Block* const> blocks);

}  // namespace gw::tsdb

#endif  // GW_TSDB_COMPACT_H_
