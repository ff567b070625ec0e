#include "gpu_exporter/xid_counts.h"

namespace gw::gpu_exporter {

void XidCounts::Record(unsigned gpu_index, const std::string& uuid, uint64_t xid, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  XidCount& c = counts_[{gpu_index, xid}];
  c.gpu_index = gpu_index;
  c.uuid = uuid;
  c.xid = xid;
  ++c.count;
  c.last_ms = now_ms;
}

std::vector<XidCount> XidCounts::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<XidCount> out;
  out.reserve(counts_.size());
  for (const auto& [key, c] : counts_) out.push_back(c);
  return out;
}

void XidCounts::SetWatching(bool watching) {
  std::lock_guard<std::mutex> lock(mu_);
  watching_ = watching;
}

bool XidCounts::watching() const {
  std::lock_guard<std::mutex> lock(mu_);
  return watching_;
}

}  // namespace gw::gpu_exporter
