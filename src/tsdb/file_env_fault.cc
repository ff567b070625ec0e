#include "tsdb/file_env_fault.h"

#include <algorithm>

namespace gw::tsdb {

class FaultWritableFile final : public WritableFile {
 public:
  FaultWritableFile(FaultInjectionEnv* env, std::shared_ptr<FaultInjectionEnv::FileState> file,
                    uint64_t epoch, std::string path)
      : env_(env), file_(std::move(file)), epoch_(epoch), path_(std::move(path)) {}

  Status Append(std::string_view data) override {
    if (closed_) return FailedPreconditionError("append to closed file " + path_);
    return env_->Append(file_, epoch_, path_, data);
  }
  Status Flush() override { return Status::Ok(); }
  Status Sync() override {
    if (closed_) return FailedPreconditionError("sync of closed file " + path_);
    return env_->Sync(file_, epoch_, path_);
  }
  Status Close() override {
    if (closed_) return FailedPreconditionError("close of closed file " + path_);
    closed_ = true;
    return Status::Ok();
  }

 private:
  FaultInjectionEnv* env_;
  std::shared_ptr<FaultInjectionEnv::FileState> file_;
  uint64_t epoch_;
  std::string path_;
  bool closed_ = false;
};

class FaultSequentialFile final : public SequentialFile {
 public:
  FaultSequentialFile(FaultInjectionEnv* env, std::shared_ptr<FaultInjectionEnv::FileState> file,
                      uint64_t epoch, std::string path)
      : env_(env), file_(std::move(file)), epoch_(epoch), path_(std::move(path)) {}

  StatusOr<size_t> Read(size_t n, char* scratch) override {
    GW_ASSIGN_OR_RETURN(size_t got, env_->Read(file_, epoch_, path_, offset_, n, scratch));
    offset_ += got;
    return got;
  }

 private:
  FaultInjectionEnv* env_;
  std::shared_ptr<FaultInjectionEnv::FileState> file_;
  uint64_t epoch_;
  std::string path_;
  uint64_t offset_ = 0;
};

class FaultRandomAccessFile final : public RandomAccessFile {
 public:
  FaultRandomAccessFile(FaultInjectionEnv* env, std::shared_ptr<FaultInjectionEnv::FileState> file,
                        uint64_t epoch, std::string path)
      : env_(env), file_(std::move(file)), epoch_(epoch), path_(std::move(path)) {}

  StatusOr<size_t> Read(uint64_t offset, size_t n, char* scratch) const override {
    return env_->Read(file_, epoch_, path_, offset, n, scratch);
  }

 private:
  FaultInjectionEnv* env_;
  std::shared_ptr<FaultInjectionEnv::FileState> file_;
  uint64_t epoch_;
  std::string path_;
};

bool FaultInjectionEnv::ParentExistsLocked(const std::string& path) const {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos || dirs_.count(path.substr(0, slash)) > 0;
}

Status FaultInjectionEnv::CheckEpochLocked(uint64_t epoch, const std::string& path) const {
  if (epoch != epoch_) return IoError(path + ": file handle opened before a simulated crash");
  return Status::Ok();
}

StatusOr<std::unique_ptr<WritableFile>> FaultInjectionEnv::NewWritableFile(
    const std::string& path) {
  std::lock_guard lock(mu_);
  if (!ParentExistsLocked(path)) return NotFoundError("create " + path + ": no such directory");
  if (dirs_.count(path) > 0) return IoError("create " + path + ": is a directory");
  auto& file = files_[path];
  file = std::make_shared<FileState>();
  return std::unique_ptr<WritableFile>(new FaultWritableFile(this, file, epoch_, path));
}

StatusOr<std::unique_ptr<SequentialFile>> FaultInjectionEnv::NewSequentialFile(
    const std::string& path) {
  std::lock_guard lock(mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return NotFoundError("no such file: " + path);
  return std::unique_ptr<SequentialFile>(new FaultSequentialFile(this, it->second, epoch_, path));
}

StatusOr<std::unique_ptr<RandomAccessFile>> FaultInjectionEnv::NewRandomAccessFile(
    const std::string& path) {
  std::lock_guard lock(mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return NotFoundError("no such file: " + path);
  return std::unique_ptr<RandomAccessFile>(
      new FaultRandomAccessFile(this, it->second, epoch_, path));
}

StatusOr<std::vector<std::string>> FaultInjectionEnv::GetChildren(const std::string& dir) {
  std::lock_guard lock(mu_);
  if (dirs_.count(dir) == 0) return NotFoundError("no such directory: " + dir);
  const std::string prefix = dir + "/";
  std::vector<std::string> names;
  auto collect = [&](const std::string& path) {
    if (path.compare(0, prefix.size(), prefix) != 0) return;
    std::string rest = path.substr(prefix.size());
    if (!rest.empty() && rest.find('/') == std::string::npos) names.push_back(std::move(rest));
  };
  for (const auto& [path, file] : files_) collect(path);
  for (const std::string& path : dirs_) collect(path);
  return names;
}

Status FaultInjectionEnv::CreateDirIfMissing(const std::string& dir) {
  std::lock_guard lock(mu_);
  if (files_.count(dir) > 0) return IoError("mkdir " + dir + ": a file is in the way");
  dirs_.insert(dir);
  return Status::Ok();
}

Status FaultInjectionEnv::SyncDir(const std::string& dir) {
  std::lock_guard lock(mu_);
  if (dirs_.count(dir) == 0) return NotFoundError("no such directory: " + dir);
  return Status::Ok();
}

Status FaultInjectionEnv::RemoveDir(const std::string& dir) {
  std::lock_guard lock(mu_);
  if (dirs_.count(dir) == 0) return NotFoundError("no such directory: " + dir);
  const std::string prefix = dir + "/";
  auto under = [&](const std::string& path) { return path.compare(0, prefix.size(), prefix) == 0; };
  for (const auto& [path, file] : files_) {
    if (under(path)) return IoError("rmdir " + dir + ": directory not empty");
  }
  for (const std::string& path : dirs_) {
    if (under(path)) return IoError("rmdir " + dir + ": directory not empty");
  }
  dirs_.erase(dir);
  return Status::Ok();
}

StatusOr<uint64_t> FaultInjectionEnv::GetFileSize(const std::string& path) {
  std::lock_guard lock(mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return NotFoundError("no such file: " + path);
  return static_cast<uint64_t>(it->second->data.size());
}

// Moves the directory and everything below it, as rename(2) does in one step.
Status FaultInjectionEnv::RenameDirLocked(const std::string& from, const std::string& to) {
  if (!ParentExistsLocked(to)) return NotFoundError("rename to " + to + ": no such directory");
  if (files_.count(to) > 0) return IoError("rename to " + to + ": a file is in the way");
  const std::string from_prefix = from + "/";
  const std::string to_prefix = to + "/";
  auto under = [](const std::string& path, const std::string& prefix) {
    return path.compare(0, prefix.size(), prefix) == 0;
  };
  for (const auto& [path, file] : files_) {
    if (under(path, to_prefix)) return IoError("rename to " + to + ": directory not empty");
  }
  for (const std::string& path : dirs_) {
    if (under(path, to_prefix)) return IoError("rename to " + to + ": directory not empty");
  }
  std::map<std::string, std::shared_ptr<FileState>> files;
  for (auto& [path, file] : files_) {
    files[under(path, from_prefix) ? to_prefix + path.substr(from_prefix.size()) : path] = file;
  }
  std::set<std::string> dirs;
  for (const std::string& path : dirs_) {
    if (path == from) {
      dirs.insert(to);
    } else {
      dirs.insert(under(path, from_prefix) ? to_prefix + path.substr(from_prefix.size()) : path);
    }
  }
  files_ = std::move(files);
  dirs_ = std::move(dirs);
  return Status::Ok();
}

Status FaultInjectionEnv::RenameFile(const std::string& from, const std::string& to) {
  std::lock_guard lock(mu_);
  if (dirs_.count(from) > 0) return RenameDirLocked(from, to);
  auto it = files_.find(from);
  if (it == files_.end()) return NotFoundError("no such file: " + from);
  if (!ParentExistsLocked(to)) return NotFoundError("rename to " + to + ": no such directory");
  std::shared_ptr<FileState> file = it->second;
  files_.erase(it);
  files_[to] = std::move(file);
  return Status::Ok();
}

Status FaultInjectionEnv::RemoveFile(const std::string& path) {
  std::lock_guard lock(mu_);
  if (files_.erase(path) == 0) return NotFoundError("no such file: " + path);
  return Status::Ok();
}

Status FaultInjectionEnv::TruncateFile(const std::string& path, uint64_t size) {
  std::lock_guard lock(mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return NotFoundError("no such file: " + path);
  FileState& file = *it->second;
  if (size > file.data.size()) return InvalidArgumentError("truncate " + path + ": would grow it");
  file.data.resize(size);
  file.synced = size;
  return Status::Ok();
}

void FaultInjectionEnv::SetSyncError(Status status) {
  std::lock_guard lock(mu_);
  sync_error_ = std::move(status);
}

void FaultInjectionEnv::SetAppendError(Status status) {
  std::lock_guard lock(mu_);
  append_error_ = std::move(status);
}

void FaultInjectionEnv::SetReadError(Status status) {
  std::lock_guard lock(mu_);
  read_error_ = std::move(status);
}

void FaultInjectionEnv::SetMaxReadBytes(size_t max_bytes) {
  std::lock_guard lock(mu_);
  max_read_bytes_ = max_bytes;
}

void FaultInjectionEnv::Crash(uint64_t keep_unsynced_bytes) {
  std::lock_guard lock(mu_);
  for (auto& [path, file] : files_) {
    const uint64_t keep = std::min<uint64_t>(file->data.size(), file->synced + keep_unsynced_bytes);
    file->data.resize(keep);
    file->synced = keep;
  }
  ++epoch_;
}

Status FaultInjectionEnv::FlipBit(const std::string& path, uint64_t offset, int bit) {
  std::lock_guard lock(mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return NotFoundError("no such file: " + path);
  if (offset >= it->second->data.size() || bit < 0 || bit > 7) {
    return InvalidArgumentError("no bit " + std::to_string(bit) + " at offset " +
                                std::to_string(offset) + " of " + path);
  }
  it->second->data[offset] = static_cast<char>(it->second->data[offset] ^ (1 << bit));
  return Status::Ok();
}

int FaultInjectionEnv::sync_count() const {
  std::lock_guard lock(mu_);
  return sync_count_;
}

uint64_t FaultInjectionEnv::SyncedSize(const std::string& path) const {
  std::lock_guard lock(mu_);
  auto it = files_.find(path);
  return it == files_.end() ? 0 : it->second->synced;
}

Status FaultInjectionEnv::Append(const std::shared_ptr<FileState>& file, uint64_t epoch,
                                 const std::string& path, std::string_view data) {
  std::lock_guard lock(mu_);
  GW_RETURN_IF_ERROR(CheckEpochLocked(epoch, path));
  if (!append_error_.ok()) return append_error_;
  file->data.append(data);
  return Status::Ok();
}

Status FaultInjectionEnv::Sync(const std::shared_ptr<FileState>& file, uint64_t epoch,
                               const std::string& path) {
  std::lock_guard lock(mu_);
  GW_RETURN_IF_ERROR(CheckEpochLocked(epoch, path));
  if (!sync_error_.ok()) return sync_error_;
  file->synced = file->data.size();
  ++sync_count_;
  return Status::Ok();
}

StatusOr<size_t> FaultInjectionEnv::Read(const std::shared_ptr<FileState>& file, uint64_t epoch,
                                         const std::string& path, uint64_t offset, size_t n,
                                         char* scratch) {
  std::lock_guard lock(mu_);
  GW_RETURN_IF_ERROR(CheckEpochLocked(epoch, path));
  if (!read_error_.ok()) return read_error_;
  if (offset >= file->data.size()) return size_t{0};
  size_t got = std::min<uint64_t>(n, file->data.size() - offset);
  if (max_read_bytes_ > 0) got = std::min(got, max_read_bytes_);
  file->data.copy(scratch, got, offset);
  return got;
}

}  // namespace gw::tsdb
