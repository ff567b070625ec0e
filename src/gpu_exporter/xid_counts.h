// Xid error counts per GPU, written by the Xid watcher thread and read by the collector.
#ifndef GW_GPU_EXPORTER_XID_COUNTS_H_
#define GW_GPU_EXPORTER_XID_COUNTS_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace gw::gpu_exporter {

struct XidCount {
  unsigned gpu_index = 0;
  std::string uuid;
  uint64_t xid = 0;
  uint64_t count = 0;
  int64_t last_ms = 0;  // when the last one of this Xid arrived
};

// Thread-safe.
class XidCounts {
 public:
  void Record(unsigned gpu_index, const std::string& uuid, uint64_t xid, int64_t now_ms);
  // Every (GPU, Xid) seen since start, ordered by GPU index then Xid.
  std::vector<XidCount> Snapshot() const;
  // Whether the watcher is running with events registered (false: Xids cannot be seen).
  void SetWatching(bool watching);
  bool watching() const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<unsigned, uint64_t>, XidCount> counts_;
  bool watching_ = false;
};

}  // namespace gw::gpu_exporter

#endif  // GW_GPU_EXPORTER_XID_COUNTS_H_
