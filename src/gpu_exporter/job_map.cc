#include "gpu_exporter/job_map.h"

#include <dirent.h>
#include <sys/stat.h>

#include <cerrno>
#include <fstream>
#include <memory>

namespace gw::gpu_exporter {
namespace {

using Stamps = std::map<std::string, std::pair<int64_t, int64_t>>;

int64_t MtimeNs(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

StatusOr<Stamps> ScanDir(const std::string& dir) {
  std::unique_ptr<DIR, int (*)(DIR*)> d(opendir(dir.c_str()), closedir);
  if (!d) {
    int err = errno;
    Status s = ErrnoError("job mapping directory " + dir, err);
    return err == ENOENT ? NotFoundError(s.message()) : s;
  }
  Stamps stamps;
  const std::string prefix = dir + "/";
  while (dirent* e = readdir(d.get())) {
    std::string name = e->d_name;
    if (!IsGpuKey(name)) continue;
    struct stat st {};
    if (stat((prefix + name).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    stamps[name] = {MtimeNs(st), static_cast<int64_t>(st.st_size)};
  }
  return stamps;
}

std::vector<std::string> ReadJobs(const std::string& path) {
  std::vector<std::string> jobs;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    size_t b = line.find_first_not_of(" \t\r");
    size_t e = line.find_last_not_of(" \t\r");
    if (b == std::string::npos) continue;
    jobs.push_back(line.substr(b, e - b + 1));
  }
  return jobs;
}

}  // namespace

bool IsGpuKey(std::string_view name) {
  size_t dot = name.find('.');
  auto digits = [](std::string_view s) {
    if (s.empty() || s.size() > 9) return false;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
    }
    return true;
  };
  if (dot == std::string_view::npos) return digits(name);
  return digits(name.substr(0, dot)) && digits(name.substr(dot + 1));
}

Status JobMap::Refresh() {
  auto scanned = ScanDir(dir_);
  if (!scanned.ok()) {
    stamps_.clear();
    jobs_.clear();
    return scanned.status();
  }
  if (*scanned == stamps_) return Status::Ok();
  std::map<std::string, std::vector<std::string>> jobs;
  for (const auto& [name, stamp] : *scanned) {
    std::vector<std::string> ids = ReadJobs(dir_ + "/" + name);
    if (!ids.empty()) jobs[name] = std::move(ids);
  }
  jobs_ = std::move(jobs);
  stamps_ = std::move(scanned).value();
  ++reloads_;
  return Status::Ok();
}

const std::vector<std::string>& JobMap::Jobs(const std::string& gpu_key) const {
  static const std::vector<std::string> kNone;
  auto it = jobs_.find(gpu_key);
  return it == jobs_.end() ? kNone : it->second;
}

}  // namespace gw::gpu_exporter
