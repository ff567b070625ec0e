// Names in the store's WAL directory besides segments: checkpoints (docs/formats/db.md).
#ifndef GW_TSDB_DB_PATHS_H_
#define GW_TSDB_DB_PATHS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "tsdb/file_env.h"

namespace gw::tsdb {

// "checkpoint.00000042": the live series as of the moment the segments before 42 were dropped.
std::string CheckpointName(uint64_t first_kept_segment);

struct CheckpointListing {
  std::optional<uint64_t> newest;     // the checkpoint to replay
  std::vector<std::string> leftovers;  // older checkpoints and unfinished ones (.tmp): delete
};
StatusOr<CheckpointListing> ListCheckpoints(Env* env, const std::string& wal_dir);

// Removes a directory and what it holds (a checkpoint). OK if it does not exist.
Status RemoveTree(Env* env, const std::string& dir);

}  // namespace gw::tsdb

#endif  // GW_TSDB_DB_PATHS_H_
