// Retention of blocks by age and by size (Prometheus' --storage.tsdb.retention.time / .size).
#ifndef GW_TSDB_RETENTION_H_
#define GW_TSDB_RETENTION_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tsdb/block.h"

namespace gw::tsdb {

// The directories of the blocks to delete, oldest first, from `blocks_sorted` (by min_t):
//  - by age (retention_ms > 0): every block but the newest that ends at or before
//    newest max_t - retention_ms, i.e. lies entirely before the retention window;
//  - by size (retention_bytes > 0): counting from the newest block back, starting from
//    `extra_bytes` (the WAL and head chunks), the first block that takes the total past
//    retention_bytes and every older one (the newest too, if it alone does not fit).
// 0 turns a limit off.
std::vector<std::string> BlocksBeyondRetention(std::span<const Block* const> blocks_sorted,
                                               int64_t retention_ms, uint64_t retention_bytes,
                                               uint64_t extra_bytes);

}  // namespace gw::tsdb

#endif  // GW_TSDB_RETENTION_H_
