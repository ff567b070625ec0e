#include "tsdb/db_paths.h"

#include <cstdio>
#include <string_view>

#include "tsdb/block.h"
#include "tsdb/wal_segments.h"

namespace gw::tsdb {
namespace {

constexpr std::string_view kCheckpointPrefix = "checkpoint.";

}  // namespace

std::string CheckpointName(uint64_t first_kept_segment) {
  return std::string(kCheckpointPrefix) + wal::SegmentFileName(first_kept_segment);
}

StatusOr<CheckpointListing> ListCheckpoints(Env* env, const std::string& wal_dir) {
  GW_ASSIGN_OR_RETURN(std::vector<std::string> children, env->GetChildren(wal_dir));
  CheckpointListing listing;
  std::vector<std::pair<uint64_t, std::string>> complete;
  for (const std::string& name : children) {
    if (!name.starts_with(kCheckpointPrefix)) continue;
    std::optional<uint64_t> n = wal::ParseSegmentFileName(name.substr(kCheckpointPrefix.size()));
    if (n.has_value()) {
      complete.emplace_back(*n, name);
    } else {
      listing.leftovers.push_back(name);  // "checkpoint.00000042.tmp": never finished
    }
  }
  for (const auto& [n, name] : complete) {
    if (!listing.newest.has_value() || n > *listing.newest) listing.newest = n;
  }
  for (const auto& [n, name] : complete) {
    if (n != *listing.newest) listing.leftovers.push_back(name);
  }
  return listing;
}

Status RemoveTree(Env* env, const std::string& dir) {
  Status s = RemoveAll(env, dir);
  return s.code() == StatusCode::kNotFound ? Status::Ok() : s;
}

}  // namespace gw::tsdb
