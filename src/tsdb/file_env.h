// File access for the store behind a small interface (leveldb's Env), so tests can substitute an
// in-memory file system that tears writes, fails fsync, flips bits and returns short reads
// (file_env_fault.h).
#ifndef GW_TSDB_FILE_ENV_H_
#define GW_TSDB_FILE_ENV_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace gw::tsdb {

// A file open for writing at its end. Not thread-safe: one writer at a time.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Hands `data` to the file. It is durable only after a successful Sync().
  virtual Status Append(std::string_view data) = 0;
  // Moves any user-space buffer to the operating system.
  virtual Status Flush() = 0;
  // Makes everything appended so far durable (fsync). After a failed Sync the state of the file
  // on disk is unknown and the file must not be written again.
  virtual Status Sync() = 0;
  // Flushes and closes; further calls fail. Closing does not sync.
  virtual Status Close() = 0;
};

// A file read from its start. Not thread-safe.
class SequentialFile {
 public:
  virtual ~SequentialFile() = default;
  // Reads up to `n` bytes into `scratch` and returns how many were read. A short read is not the
  // end of the file; only 0 (with n > 0) is.
  virtual StatusOr<size_t> Read(size_t n, char* scratch) = 0;
};

// A file read at arbitrary offsets (pread). Thread-safe: Read may be called concurrently.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads up to `n` bytes at `offset` into `scratch` and returns how many were read. As with
  // SequentialFile a short read is not the end of the file; only 0 (with n > 0) is.
  virtual StatusOr<size_t> Read(uint64_t offset, size_t n, char* scratch) const = 0;
};

// Thread-safe: implementations may be called from any thread.
class Env {
 public:
  virtual ~Env() = default;

  // Creates `path`, or truncates it if it exists.
  virtual StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) = 0;
  // kNotFound if `path` does not exist.
  virtual StatusOr<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) = 0;
  // kNotFound if `path` does not exist.
  virtual StatusOr<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::string& path) = 0;

  // The names (not paths) of the entries of `dir`, without "." and "..", in no order.
  virtual StatusOr<std::vector<std::string>> GetChildren(const std::string& dir) = 0;
  virtual Status CreateDirIfMissing(const std::string& dir) = 0;
  // Makes creations, renames and removals of entries of `dir` durable.
  virtual Status SyncDir(const std::string& dir) = 0;
  // Removes the empty directory `dir`. kNotFound if it does not exist; an error if it is not
  // empty.
  virtual Status RemoveDir(const std::string& dir) = 0;

  virtual StatusOr<uint64_t> GetFileSize(const std::string& path) = 0;
  // Atomically replaces `to` with `from`. Works for directories too (then `to` must not exist
  // or be an empty directory).
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Cuts `path` to `size` bytes and makes the new size durable. REQUIRES: size <= current size.
  virtual Status TruncateFile(const std::string& path, uint64_t size) = 0;
};

// The real file system (POSIX calls, no user-space buffering). Stateless; Default() is a
// process-wide instance.
class PosixEnv final : public Env {
 public:
  static PosixEnv* Default();

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
};

// "dir/name" (no separator is added when `dir` is empty or already ends in '/').
std::string JoinPath(std::string_view dir, std::string_view name);

// Writes `data` as the whole content of `path` and syncs it.
Status WriteStringToFile(Env* env, std::string_view data, const std::string& path);
// Reads all of `path`, looping over short reads.
StatusOr<std::string> ReadFileToString(Env* env, const std::string& path);

}  // namespace gw::tsdb

#endif  // GW_TSDB_FILE_ENV_H_
