// slurm_sd_configs: one scrape target per GPU node, read from the slurm_node_info series of the
// hub's own Slurm exporter (docs/configuration.md, "Slurm discovery").
#ifndef GW_HUB_SLURM_DISCOVERY_H_
#define GW_HUB_SLURM_DISCOVERY_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "hub/hub_config.h"
#include "hub/relabel.h"

namespace gw::hub {

// The discovered label sets of a Slurm exporter page, sorted by node: per slurm_node_info
// series, __address__ = <address>:<port> (address label, else the node name; IPv6 in
// brackets), instance = <node>:<port>, __meta_slurm_node, __meta_slurm_node_address,
// __meta_slurm_node_state, __meta_slurm_partitions and, when the page has slurm_node_gpus for
// the node, __meta_slurm_node_gpus. Nodes whose slurm_node_gpus is 0 are left out (no GPU
// exporter runs there). Errors: kInvalidArgument when the page does not parse or has no
// slurm_node_info family at all (not a Slurm exporter, or its sinfo failed).
StatusOr<std::vector<LabelSet>> SlurmTargetsFromPage(std::string_view page, int port);

// Keeps the target list of one slurm_sd_config. Thread-safe.
class SlurmDiscovery {
 public:
  explicit SlurmDiscovery(SlurmSdConfig config) : config_(std::move(config)) {}

  // Fetches and parses the exporter's page. Returns whether the target list changed. On error
  // the last good list stays; the error is logged when it differs from the previous refresh's,
  // and the recovery once.
  StatusOr<bool> Refresh();

  std::vector<LabelSet> targets() const;
  const SlurmSdConfig& config() const { return config_; }
  uint64_t failures() const;

 private:
  const SlurmSdConfig config_;
  mutable std::mutex mu_;
  std::vector<LabelSet> targets_;
  std::string last_error_;
  uint64_t failures_ = 0;
};

}  // namespace gw::hub

#endif  // GW_HUB_SLURM_DISCOVERY_H_
