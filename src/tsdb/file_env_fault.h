// FaultInjectionEnv: an in-memory Env for tests and fuzzing that reproduces what a crash or a bad
// disk does to files (leveldb's FaultInjectionTestEnv and its corruption tests): fsync that
// fails, writes torn at a power loss, flipped bits and short reads.
//
// Model: a file holds everything appended to it and remembers how much of that was synced.
// Crash() keeps the synced part plus a chosen number of the unsynced bytes that follow it, the
// way a power loss keeps a prefix of the writes since the last fsync. Directory operations
// (create, rename, remove, truncate) are durable at once; SyncDir only counts.
#ifndef GW_TSDB_FILE_ENV_FAULT_H_
#define GW_TSDB_FILE_ENV_FAULT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "tsdb/file_env.h"

namespace gw::tsdb {

// Thread-safe. File handles must not outlive the Env.
class FaultInjectionEnv final : public Env {
 public:
  StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  StatusOr<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) override;
  StatusOr<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override;
  StatusOr<std::vector<std::string>> GetChildren(const std::string& dir) override;
  Status CreateDirIfMissing(const std::string& dir) override;
  Status SyncDir(const std::string& dir) override;
  Status RemoveDir(const std::string& dir) override;
  StatusOr<uint64_t> GetFileSize(const std::string& path) override;
  Status RenameFile(const std::string& from, const std::string& to) override;
  Status RemoveFile(const std::string& path) override;
  Status TruncateFile(const std::string& path, uint64_t size) override;

  // From now on every WritableFile::Sync fails with `status` and makes nothing durable; an OK
  // status turns the fault off.
  void SetSyncError(Status status);
  // From now on every WritableFile::Append fails with `status` and appends nothing.
  void SetAppendError(Status status);
  // From now on every SequentialFile::Read and RandomAccessFile::Read fails with `status`.
  void SetReadError(Status status);
  // Reads return at most `max_bytes` bytes per call (0: no limit), like a pipe or a network file
  // system; callers that take a short read for the end of the file lose data.
  void SetMaxReadBytes(size_t max_bytes);

  // A power loss: each file is cut to its synced length plus at most `keep_unsynced_bytes` of
  // what was appended after the last sync. Handles opened before the crash fail from now on.
  void Crash(uint64_t keep_unsynced_bytes);
  // Flips bit `bit` (0 = least significant) of byte `offset` of `path`; kNotFound or
  // kInvalidArgument if there is no such file or byte.
  Status FlipBit(const std::string& path, uint64_t offset, int bit);

  // Successful WritableFile::Sync calls so far.
  int sync_count() const;
  // Bytes of `path` that would survive Crash(0); 0 for a missing file.
  uint64_t SyncedSize(const std::string& path) const;

 private:
  friend class FaultWritableFile;
  friend class FaultSequentialFile;
  friend class FaultRandomAccessFile;

  struct FileState {
    std::string data;
    uint64_t synced = 0;
  };

  bool ParentExistsLocked(const std::string& path) const;
  Status RenameDirLocked(const std::string& from, const std::string& to);
  Status CheckEpochLocked(uint64_t epoch, const std::string& path) const;
  Status Append(const std::shared_ptr<FileState>& file, uint64_t epoch, const std::string& path,
                std::string_view data);
  Status Sync(const std::shared_ptr<FileState>& file, uint64_t epoch, const std::string& path);
  StatusOr<size_t> Read(const std::shared_ptr<FileState>& file, uint64_t epoch,
                        const std::string& path, uint64_t offset, size_t n, char* scratch);

  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<FileState>> files_;
  std::set<std::string> dirs_;
  uint64_t epoch_ = 0;  // bumped by Crash(); handles from an older epoch fail
  Status sync_error_;
  Status append_error_;
  Status read_error_;
  size_t max_read_bytes_ = 0;
  int sync_count_ = 0;
};

}  // namespace gw::tsdb

#endif  // GW_TSDB_FILE_ENV_FAULT_H_
