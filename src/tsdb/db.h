// The store: the head (recent samples in memory), its write-ahead log, and the immutable blocks
// on disk that older data moves into. How the parts fit and what survives a crash:
// docs/formats/db.md.
#ifndef GW_TSDB_DB_H_
#define GW_TSDB_DB_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "tsdb/block.h"
#include "tsdb/file_env.h"
#include "tsdb/head.h"
#include "tsdb/storage.h"
#include "tsdb/wal_writer.h"

namespace gw::tsdb {

struct DbOptions {
  // Blocks cover this much time; the head is cut into a block once it spans 1.5 of them.
  int64_t block_range_ms = int64_t{2} * 3600 * 1000;
  // Blocks entirely older than the newest block's end minus this are deleted. 0: keep all.
  int64_t retention_ms = int64_t{15} * 24 * 3600 * 1000;
  // Oldest blocks are deleted while blocks + WAL exceed this. 0: no size limit.
  uint64_t retention_bytes = 0;
  WalOptions wal;
};

// What opening the store found; worth a log line each.
struct OpenReport {
  uint64_t blocks = 0;
  std::vector<std::pair<std::string, Status>> unreadable_blocks;  // skipped, left on disk
  uint64_t wal_records = 0;
  uint64_t replayed_samples = 0;
  uint64_t samples_in_blocks = 0;    // WAL samples already in a block: skipped
  uint64_t unknown_series_refs = 0;  // samples whose series record is missing: dropped
  // A torn tail (what a crash mid-write leaves) or damage in the middle of the log: the log
  // was cut back to its last good record. Empty when the log was intact.
  std::string wal_repair;
  bool wal_lost_records = false;  // the repair dropped records after damage in the middle
};

struct DbStats {
  HeadStats head;
  int64_t head_min_t_ms = 0;
  int64_t head_max_t_ms = 0;
  uint64_t blocks = 0;
  uint64_t block_bytes = 0;
  uint64_t wal_bytes = 0;
  uint64_t wal_segments = 0;
  uint64_t out_of_bounds_samples = 0;
  uint64_t stale_ref_samples = 0;
  uint64_t head_cuts = 0;
  uint64_t compactions = 0;
  uint64_t compaction_failures = 0;
  uint64_t blocks_deleted_by_retention = 0;
  uint64_t wal_truncations = 0;
  uint64_t commits_failed = 0;
};

// Thread-safety: appenders and queries from any threads; Maintain() from one thread at a time.
class Db final : public Storage, private Querier {
 public:
  // Opens (creating if needed) the store in `dir`: opens its blocks, replays the WAL into the
  // head (cutting a damaged log back to its last good record, as reported in open_report()),
  // and starts a new WAL segment. Errors: kIoError from the Env; kCorruption when a checkpoint
  // is damaged. `env` must outlive the store.
  static StatusOr<std::unique_ptr<Db>> Open(Env* env, std::string dir, DbOptions options);
  ~Db() override;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  std::unique_ptr<Appender> NewAppender() override;
  const Querier& querier() const override { return *this; }

  // Sends OnSeries for every series in the head, then everything committed from now on. Null
  // detaches. The observer must outlive the store or be detached first.
  void SetObserver(IngestObserver* observer);

  // Housekeeping, run periodically by the hub (and directly by tests): cuts blocks out of the
  // head, drops the WAL segments and head chunks they made redundant, compacts blocks and
  // applies retention. Errors are also counted in stats(); the store stays usable.
  Status Maintain();

  // Syncs and closes the WAL. Appenders fail afterwards.
  Status Close();

  const OpenReport& open_report() const { return report_; }
  DbStats stats() const;
  const std::string& dir() const { return dir_; }

 private:
  class DbAppender;
  friend class DbAppender;

  Db(Env* env, std::string dir, DbOptions options);

  Status Replay();
  Status ReplayCheckpoint(const std::string& checkpoint_dir);
  Status ReplayRecord(std::string_view record, uint64_t segment);
  Status OpenWal();

  // Moves [range_start, range_start + block_range) out of the head into a block.
  Status CutBlock(int64_t range_start);
  // Writes the head's chunks in [range_start, range_end) as a block and publishes it; nullopt
  // (and no block) when the range holds no samples.
  StatusOr<std::optional<BlockMeta>> WriteHeadBlock(int64_t range_start, int64_t range_end);
  // Adds `block` to the blocks queries see, in place of the blocks named (a compaction's parents).
  void PublishBlock(std::unique_ptr<Block> block, const std::set<std::string>& replaced_ulids);
  // Drops the WAL segments whose samples are all before min_valid_t_, keeping a checkpoint of
  // the live series.
  Status TruncateWal();
  Status WriteCheckpoint(uint64_t first_kept_segment);
  Status Compact();
  Status ApplyRetention();
  std::vector<std::shared_ptr<const Block>> BlocksSnapshot() const;

  // Querier.
  StatusOr<std::vector<SeriesChunks>> Select(const std::vector<Matcher>& matchers,
                                             int64_t mint_ms, int64_t maxt_ms) const override;
  StatusOr<std::vector<std::string>> LabelNames(const std::vector<Matcher>& matchers,
                                                int64_t mint_ms, int64_t maxt_ms) const override;
  StatusOr<std::vector<std::string>> LabelValues(std::string_view name,
                                                 const std::vector<Matcher>& matchers,
                                                 int64_t mint_ms, int64_t maxt_ms) const override;

  Env* const env_;
  const std::string dir_;
  const std::string wal_dir_;
  const DbOptions options_;
  Head head_;
  OpenReport report_;

  // Samples before this are in blocks; the head refuses them.
  std::atomic<int64_t> min_valid_t_;
  std::atomic<int64_t> head_min_t_;
  std::atomic<int64_t> head_max_t_;

  mutable std::mutex commit_mu_;  // serialises WAL writes, head appends and observer calls
  std::unique_ptr<WalWriter> wal_;
  Status write_error_;                       // sticky: the WAL failed
  std::map<uint64_t, int64_t> segment_max_t_;  // newest sample timestamp per WAL segment
  IngestObserver* observer_ = nullptr;

  mutable std::shared_mutex blocks_mu_;
  std::vector<std::shared_ptr<const Block>> blocks_;  // sorted by min_t

  // Refs that Commit found dropped (a stale hint): Append looks their labels up again.
  bool IsStaleHint(SeriesRef ref) const;
  void AddStaleHint(SeriesRef ref);
  mutable std::mutex stale_mu_;
  std::unordered_set<SeriesRef> stale_hints_;
  std::atomic<bool> has_stale_hints_{false};

  std::atomic<uint64_t> out_of_bounds_{0};
  std::atomic<uint64_t> stale_refs_{0};
  std::atomic<uint64_t> head_cuts_{0};
  std::atomic<uint64_t> compactions_{0};
  std::atomic<uint64_t> compaction_failures_{0};
  std::atomic<uint64_t> retention_deletions_{0};
  std::atomic<uint64_t> wal_truncations_{0};
  std::atomic<uint64_t> commits_failed_{0};
};

}  // namespace gw::tsdb

#endif  // GW_TSDB_DB_H_
