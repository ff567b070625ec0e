// RepairWal (declared in wal_reader.h): cutting a log back to its last good record.
#include "tsdb/wal_reader.h"
#include "tsdb/wal_segments.h"

namespace gw::tsdb {

Status RepairWal(Env* env, const std::string& dir, const ReplayResult& result, WalRepairMode mode) {
  if (result.error.ok()) return Status::Ok();
  if (result.error.code() != StatusCode::kCorruption) {
    return FailedPreconditionError("WAL " + dir + " cannot be repaired: reading stopped at " +
                                   result.error.ToString() + ", which is not damage to the log");
  }
  if (!result.torn_tail && mode == WalRepairMode::kTornTailOnly) {
    return FailedPreconditionError(
        "WAL " + dir + " is corrupt before its tail (" + result.error.message() +
        "); repairing would drop every record after it. Keep a copy of the directory, then "
        "repair with kDiscardAfterCorruption to accept that loss");
  }
  const WalPosition& good = result.last_good;
  const std::string good_path = JoinPath(dir, wal::SegmentFileName(good.segment));
  // Check before changing anything that the result describes this directory.
  GW_ASSIGN_OR_RETURN(uint64_t size, env->GetFileSize(good_path));
  if (size < good.offset) {
    return FailedPreconditionError("WAL " + good_path + " is " + std::to_string(size) +
                                   " bytes, shorter than its last good offset " +
                                   std::to_string(good.offset) +
                                   ": the replay result is not from this log");
  }
  GW_ASSIGN_OR_RETURN(wal::SegmentListing listing, wal::ListSegments(env, dir));
  // Newest first, so a crash in the middle of this still leaves a consecutive log.
  for (auto it = listing.segments.rbegin(); it != listing.segments.rend(); ++it) {
    if (*it <= good.segment) break;
    GW_RETURN_IF_ERROR(env->RemoveFile(JoinPath(dir, wal::SegmentFileName(*it))));
  }
  GW_RETURN_IF_ERROR(env->TruncateFile(good_path, good.offset));
  return env->SyncDir(dir);
}

}  // namespace gw::tsdb
