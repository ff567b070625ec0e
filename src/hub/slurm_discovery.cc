#include "hub/slurm_discovery.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>

#include "common/logging.h"
#include "hub/scrape_fetch.h"
#include "hub/target.h"
#include "metrics/text_parser.h"

namespace gw::hub {
namespace {

std::string HostPort(std::string_view host, int port) {
  bool v6 = host.find(':') != std::string_view::npos && !host.starts_with('[');
  return (v6 ? "[" + std::string(host) + "]" : std::string(host)) + ":" + std::to_string(port);
}

// Far below any refresh interval worth having, and a page of 10k nodes takes well under it.
constexpr int64_t kMaxFetchTimeoutMs = 10'000;

}  // namespace

StatusOr<std::vector<LabelSet>> SlurmTargetsFromPage(std::string_view page, int port) {
  GW_ASSIGN_OR_RETURN(metrics::ParsedExposition parsed, metrics::ParseText(page));
  std::map<std::string, double> gpus;
  bool has_info = parsed.types.contains("slurm_node_info");
  for (const auto& s : parsed.samples) {
    if (s.name == "slurm_node_gpus") gpus[s.Label("node").value_or("")] = s.value;
    if (s.name == "slurm_node_info") has_info = true;
  }
  if (!has_info) {
    return InvalidArgumentError("no slurm_node_info series on the page (is it the Slurm "
                                "exporter's, and does its sinfo work?)");
  }
  std::map<std::string, LabelSet> by_node;
  for (const auto& s : parsed.samples) {
    if (s.name != "slurm_node_info") continue;
    std::string node = s.Label("node").value_or("");
    if (node.empty()) continue;
    auto gpu_count = gpus.find(node);
    if (gpu_count != gpus.end() && gpu_count->second == 0) continue;
    std::string address = s.Label("address").value_or("");
    if (address.empty()) address = node;
    LabelSet labels;
    SetLabel(&labels, kAddressLabel, HostPort(address, port));
    SetLabel(&labels, "instance", HostPort(node, port));
    SetLabel(&labels, "__meta_slurm_node", node);
    SetLabel(&labels, "__meta_slurm_node_address", address);
    SetLabel(&labels, "__meta_slurm_node_state", s.Label("state").value_or(""));
    SetLabel(&labels, "__meta_slurm_partitions", s.Label("partitions").value_or(""));
    if (gpu_count != gpus.end()) {
      char text[32];
      std::snprintf(text, sizeof text, "%g", gpu_count->second);
      SetLabel(&labels, "__meta_slurm_node_gpus", text);
    }
    by_node[node] = std::move(labels);
  }
  std::vector<LabelSet> out;
  out.reserve(by_node.size());
  for (auto& [node, labels] : by_node) out.push_back(std::move(labels));
  return out;
}

StatusOr<bool> SlurmDiscovery::Refresh() {
  FetchOptions options;
  options.timeout_ms = std::min(config_.refresh_interval_ms, kMaxFetchTimeoutMs);
  FetchError error;
  auto page = FetchPage(config_.exporter_url, options, &error);
  StatusOr<std::vector<LabelSet>> targets =
      page.ok() ? SlurmTargetsFromPage(page->body, config_.port) : page.status();
  std::lock_guard lock(mu_);
  if (!targets.ok()) {
    ++failures_;
    Status status = targets.status().WithContext("slurm discovery from " + config_.exporter_url);
    if (status.message() != last_error_) {
      GW_LOG_WARN("{} (keeping the last {} targets)", status.message(), targets_.size());
      last_error_ = status.message();
    }
    return status;
  }
  if (!last_error_.empty()) {
    GW_LOG_INFO("slurm discovery from {} works again: {} targets", config_.exporter_url,
                targets->size());
    last_error_.clear();
  }
  bool changed = *targets != targets_;
  targets_ = std::move(*targets);
  return changed;
}

std::vector<LabelSet> SlurmDiscovery::targets() const {
  std::lock_guard lock(mu_);
  return targets_;
}

uint64_t SlurmDiscovery::failures() const {
  std::lock_guard lock(mu_);
  return failures_;
}

}  // namespace gw::hub
