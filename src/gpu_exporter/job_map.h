// The Slurm job holding each GPU, from the files a prolog/epilog writes (deploy/slurm/): one file
// per GPU, named by its index ("0", "1", or "<gpu>.<gpu instance>" for MIG), one job id a line.
// The same convention as dcgm-exporter's --hpc-job-mapping-dir.
#ifndef GW_GPU_EXPORTER_JOB_MAP_H_
#define GW_GPU_EXPORTER_JOB_MAP_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace gw::gpu_exporter {

// Thread-compatible: Refresh and Jobs are called from the collector thread.
class JobMap {
 public:
  explicit JobMap(std::string dir) : dir_(std::move(dir)) {}

  // Re-reads the directory when it or any file in it changed since the last call (a stat per
  // file; file contents are read only on change). Errors: kNotFound/kIoError when the directory
  // cannot be read; the previous mapping is then cleared, since a stale job label is a lie.
  Status Refresh();

  // Job ids holding the GPU with key `gpu_key` ("0", "2.1"), in file order; empty when none.
  const std::vector<std::string>& Jobs(const std::string& gpu_key) const;
  const std::map<std::string, std::vector<std::string>>& all() const { return jobs_; }
  // How many times the files were actually re-read (for tests of the caching).
  int reloads() const { return reloads_; }

 private:
  std::string dir_;
  // Name -> mtime (ns) and size, to notice changes without reading.
  std::map<std::string, std::pair<int64_t, int64_t>> stamps_;
  std::map<std::string, std::vector<std::string>> jobs_;
  int reloads_ = 0;
};

// True for "0", "12", "2.1": the names a mapping file may have.
bool IsGpuKey(std::string_view name);

}  // namespace gw::gpu_exporter

#endif  // GW_GPU_EXPORTER_JOB_MAP_H_
