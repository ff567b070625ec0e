// PosixEnv: plain system calls. No user-space buffering: the WAL writer already hands over whole
// records, and a buffer here would be one more place for acknowledged data to be lost.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "tsdb/file_env.h"

namespace gw::tsdb {
namespace {

Status PathError(std::string_view what, const std::string& path, int err) {
  std::string context(what);
  context += ' ';
  context += path;
  return ErrnoError(context, err);
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return FailedPreconditionError("append to closed file " + path_);
    while (!data.empty()) {
      const ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return PathError("write", path_, errno);
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }

  Status Flush() override { return Status::Ok(); }

  Status Sync() override {
    if (fd_ < 0) return FailedPreconditionError("sync of closed file " + path_);
    if (::fdatasync(fd_) != 0) return PathError("fdatasync", path_, errno);
    return Status::Ok();
  }

  Status Close() override {
    if (fd_ < 0) return FailedPreconditionError("close of closed file " + path_);
    const int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) return PathError("close", path_, errno);
    return Status::Ok();
  }

 private:
  std::string path_;
  int fd_;
};

class PosixSequentialFile final : public SequentialFile {
 public:
  PosixSequentialFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixSequentialFile() override { ::close(fd_); }

  StatusOr<size_t> Read(size_t n, char* scratch) override {
    for (;;) {
      const ssize_t got = ::read(fd_, scratch, n);
      if (got >= 0) return static_cast<size_t>(got);
      if (errno != EINTR) return PathError("read", path_, errno);
    }
  }

 private:
  std::string path_;
  int fd_;
};

class PosixRandomAccessFile final : public RandomAccessFile {
 public:
  PosixRandomAccessFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixRandomAccessFile() override { ::close(fd_); }

  StatusOr<size_t> Read(uint64_t offset, size_t n, char* scratch) const override {
    for (;;) {
      const ssize_t got = ::pread(fd_, scratch, n, static_cast<off_t>(offset));
      if (got >= 0) return static_cast<size_t>(got);
      if (errno != EINTR) return PathError("pread", path_, errno);
    }
  }

 private:
  std::string path_;
  int fd_;
};

}  // namespace

PosixEnv* PosixEnv::Default() {
  static PosixEnv env;
  return &env;
}

StatusOr<std::unique_ptr<WritableFile>> PosixEnv::NewWritableFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return PathError("create", path, errno);
  return std::unique_ptr<WritableFile>(new PosixWritableFile(path, fd));
}

StatusOr<std::unique_ptr<SequentialFile>> PosixEnv::NewSequentialFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFoundError("no such file: " + path);
    return PathError("open", path, errno);
  }
  return std::unique_ptr<SequentialFile>(new PosixSequentialFile(path, fd));
}

StatusOr<std::unique_ptr<RandomAccessFile>> PosixEnv::NewRandomAccessFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFoundError("no such file: " + path);
    return PathError("open", path, errno);
  }
  return std::unique_ptr<RandomAccessFile>(new PosixRandomAccessFile(path, fd));
}

StatusOr<std::vector<std::string>> PosixEnv::GetChildren(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return NotFoundError("no such directory: " + dir);
    return PathError("opendir", dir, errno);
  }
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(d)) {
    const std::string_view name = e->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  ::closedir(d);
  return names;
}

Status PosixEnv::CreateDirIfMissing(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return PathError("mkdir", dir, errno);
  return Status::Ok();
}

Status PosixEnv::SyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return PathError("open directory", dir, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return PathError("fsync directory", dir, err);
  return Status::Ok();
}

Status PosixEnv::RemoveDir(const std::string& dir) {
  if (::rmdir(dir.c_str()) != 0) {
    if (errno == ENOENT) return NotFoundError("no such directory: " + dir);
    return PathError("rmdir", dir, errno);
  }
  return Status::Ok();
}

StatusOr<uint64_t> PosixEnv::GetFileSize(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return NotFoundError("no such file: " + path);
    return PathError("stat", path, errno);
  }
  return static_cast<uint64_t>(st.st_size);
}

Status PosixEnv::RenameFile(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) return PathError("rename to " + to, from, errno);
  return Status::Ok();
}

Status PosixEnv::RemoveFile(const std::string& path) {
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return NotFoundError("no such file: " + path);
    return PathError("unlink", path, errno);
  }
  return Status::Ok();
}

Status PosixEnv::TruncateFile(const std::string& path, uint64_t size) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFoundError("no such file: " + path);
    return PathError("open", path, errno);
  }
  Status status;
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) {
    status = PathError("ftruncate", path, errno);
  } else if (::fdatasync(fd) != 0) {
    status = PathError("fdatasync", path, errno);
  }
  ::close(fd);
  return status;
}

}  // namespace gw::tsdb
