// WalWriter appends records to a write-ahead log directory (format: wal_format.h,
// docs/formats/wal.md).
#ifndef GW_TSDB_WAL_WRITER_H_
#define GW_TSDB_WAL_WRITER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"
#include "tsdb/file_env.h"
#include "tsdb/wal_format.h"

namespace gw::tsdb {

// When the writer calls fsync. What each one risks at a power loss is in docs/formats/wal.md.
enum class WalSyncPolicy {
  kAlways,    // every Log() syncs before it returns: nothing acknowledged is lost
  kInterval,  // Log() syncs when the last sync is sync_interval_ms old: loses that much at most
  kNever,     // only rotation, Sync() and Close() sync: the kernel decides (about 30 s on Linux)
};

struct WalOptions {
  // A segment is closed once the next record would take it past this size; a record larger
  // than a whole segment gets a segment of its own. Must be at least one page (32 KiB).
  uint64_t segment_size_bytes = wal::kDefaultSegmentSize;
  WalSyncPolicy sync_policy = WalSyncPolicy::kInterval;
  int64_t sync_interval_ms = 1000;
  // For kInterval; must outlive the writer. Defaults to the system clock.
  const Clock* clock = nullptr;
};

// Not thread-safe: callers serialise Log/Sync/Truncate/Close.
//
// Errors are sticky: after a failed write or sync the state of the segment on disk is unknown
// (a failed fsync may have dropped dirty pages), so every later call returns the first error
// and the store must restart and replay the log.
class WalWriter {
 public:
  // Opens the WAL in `dir` (created if missing) for appending. Writing always starts a new
  // segment after the newest one, so a torn tail left by a crash stays at the end of its own
  // segment. REQUIRES: the log was replayed and, if it had a torn tail, repaired (RepairWal);
  // otherwise the torn record ends up in the middle of the log. `env` must outlive the writer.
  static StatusOr<std::unique_ptr<WalWriter>> Open(Env* env, std::string dir, WalOptions options);

  // Closes the segment without syncing it (as a crash would leave it); call Close() to keep
  // everything.
  ~WalWriter();
  WalWriter(const WalWriter&) = delete;
  WalWriter& operator=(const WalWriter&) = delete;

  // Appends one record (any size, including 0) and syncs as the policy says. The record is
  // durable once a sync that follows it returned OK.
  Status Log(std::string_view record);
  // Makes every record logged so far durable.
  Status Sync();
  // Syncs and closes the current segment and starts the next one, so that everything logged so
  // far can later be dropped with Truncate(segment()).
  Status NextSegment();
  // Deletes the segments numbered below `first_segment_to_keep`, oldest first, so a crash
  // midway leaves a consecutive log. kInvalidArgument if that would delete the segment being
  // written.
  Status Truncate(uint64_t first_segment_to_keep);
  // Syncs and closes the current segment; the writer is unusable afterwards.
  Status Close();

  // The segment being written and the bytes in it.
  uint64_t segment() const { return segment_; }
  uint64_t segment_offset() const { return segment_offset_; }

 private:
  WalWriter(Env* env, std::string dir, WalOptions options);

  Status OpenSegment(uint64_t segment);
  Status Rotate();
  // Appends the fragments of `record` to `out`, as they would be laid out at segment_offset_.
  void EncodeFragments(std::string_view record, std::string* out) const;
  Status SyncSegment();
  Status Fail(Status status);

  Env* const env_;
  const std::string dir_;
  const WalOptions options_;
  const Clock* const clock_;
  std::unique_ptr<WritableFile> file_;
  uint64_t segment_ = 0;
  uint64_t segment_offset_ = 0;
  int64_t last_sync_ns_ = 0;
  bool unsynced_ = false;
  Status error_;  // the first failure; sticky
  std::string scratch_;
};

}  // namespace gw::tsdb

#endif  // GW_TSDB_WAL_WRITER_H_
