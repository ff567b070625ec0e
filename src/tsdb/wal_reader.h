// WalReader reads the records of a write-ahead log directory back in order, and tells damage a
// crash is expected to leave (a torn tail) from damage that would lose data (corruption in the
// middle). RepairWal cuts a log back to its last good record. Format: wal_format.h,
// docs/formats/wal.md; the recovery rules are written up there.
#ifndef GW_TSDB_WAL_READER_H_
#define GW_TSDB_WAL_READER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "tsdb/file_env.h"

namespace gw::tsdb {

struct WalPosition {
  uint64_t segment = 0;
  uint64_t offset = 0;  // bytes from the start of the segment file
  friend bool operator==(const WalPosition&, const WalPosition&) = default;
};

struct ReplayResult {
  // Records read (and, for Replay, accepted by the callback).
  uint64_t records = 0;
  // Just past the last record read, or offset 0 of the segment reading had moved on to when no
  // record of it was read yet. Everything before it is intact; RepairWal cuts the log here.
  WalPosition last_good;
  // Reading stopped at an incomplete or damaged record at the end of the newest segment with
  // nothing readable after it: what a crash in the middle of a write leaves. `error` is then a
  // kCorruption that says what was wrong, and RepairWal(kTornTailOnly) fixes it.
  bool torn_tail = false;
  // OK after a clean end of the log. Otherwise: kCorruption (message "<file> offset <n>: <what>"),
  // kIoError from the Env, or the error a Replay callback returned (with its record's position).
  Status error;
  // Where the damaged fragment or rejected record starts; meaningless when error is OK.
  WalPosition error_position;
  // Directory entries that are not segments; they were not read. Worth a log line.
  std::vector<std::string> ignored_files;

  // True when the log can be written again after at most RepairWal(kTornTailOnly).
  bool recoverable() const { return error.ok() || torn_tail; }
};

// Not thread-safe. The Env must outlive the reader. The log must not be written while read.
class WalReader {
 public:
  // Lists the segments of `dir`: kNotFound if there is no such directory, kCorruption for a
  // segment-like misnamed file (see ListSegments).
  static StatusOr<std::unique_ptr<WalReader>> Open(Env* env, std::string dir);
  ~WalReader();

  // Reads the next record into *record. Returns false at the end of the log or where reading
  // stopped; result() then says which.
  bool ReadRecord(std::string* record);
  // Calls `callback` with every remaining record in order until the log ends, is damaged, or the
  // callback fails; a record the callback rejects is not counted as good.
  ReplayResult Replay(const std::function<Status(std::string_view record)>& callback);
  // Where reading stands now.
  const ReplayResult& result() const { return result_; }
  // Where the record last returned by ReadRecord (or passed to Replay's callback) starts.
  WalPosition record_start() const { return record_start_; }

 private:
  struct Fragment;
  enum class Next { kFragment, kEndOfSegment, kStopped };

  WalReader(Env* env, std::string dir, std::vector<uint64_t> segments);

  bool OpenSegment(size_t index);
  bool AdvanceSegment();
  bool LoadPage();
  Next NextFragment(Fragment* fragment);
  Next SkipRestOfPage(uint64_t offset);
  Next CheckTrailer(uint64_t offset);
  Next CheckPadding(uint64_t offset);
  Next BadFragment(uint64_t offset, const std::string& what);
  bool NothingValidAfter(size_t page_pos);
  bool CompleteRecord(uint64_t end_offset);
  bool Stop(Status status, WalPosition position, bool torn);
  std::string Where(uint64_t segment, uint64_t offset) const;

  Env* const env_;
  const std::string dir_;
  const std::vector<uint64_t> segments_;
  size_t segment_index_ = 0;
  std::unique_ptr<SequentialFile> file_;
  std::string page_;          // the current page; shorter than a page only at the end of a segment
  uint64_t page_start_ = 0;   // segment offset of page_[0]
  size_t page_pos_ = 0;       // parse position in page_
  bool segment_done_ = true;  // no more pages in this segment
  bool in_record_ = false;
  WalPosition record_start_;
  bool stopped_ = false;
  ReplayResult result_;
};

enum class WalRepairMode {
  // Fix only a torn tail; refuse (kFailedPrecondition) when records after the damage would go.
  kTornTailOnly,
  // Also cut at corruption in the middle, dropping every record after it: for an operator who
  // has decided to lose those records rather than the whole store.
  kDiscardAfterCorruption,
};

// Cuts the log in `dir` back to result.last_good: the segment holding it is truncated there and
// every later segment is removed (newest first). Earlier data is never touched. `result` must
// come from reading `dir` as it is now. OK with nothing done when result.error is OK.
// kFailedPrecondition when reading did not stop at kCorruption (an I/O error, or a callback's
// error of another code) or, with kTornTailOnly, when the damage is not a torn tail.
Status RepairWal(Env* env, const std::string& dir, const ReplayResult& result,
                 WalRepairMode mode = WalRepairMode::kTornTailOnly);

}  // namespace gw::tsdb

#endif  // GW_TSDB_WAL_READER_H_
