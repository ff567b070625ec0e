// The hub's configuration file, in the spirit of Prometheus' prometheus.yml
// (docs/configuration.md describes every key).
#ifndef GW_HUB_HUB_CONFIG_H_
#define GW_HUB_HUB_CONFIG_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "hub/relabel.h"

namespace gw::hub {

struct GlobalConfig {
  int64_t scrape_interval_ms = 15'000;
  int64_t scrape_timeout_ms = 10'000;
  int64_t evaluation_interval_ms = 15'000;
  LabelSet external_labels;
};

struct BasicAuth {
  std::string username;
  std::string password;
  std::string password_file;  // absolute after LoadHubConfigFile
  bool operator==(const BasicAuth&) const = default;
};

// Prometheus' authorization block: every request carries "Authorization: type credentials".
struct Authorization {
  std::string type = "Bearer";
  std::string credentials;
  std::string credentials_file;  // absolute after LoadHubConfigFile
  bool operator==(const Authorization&) const = default;
};

struct StaticConfig {
  std::vector<std::string> targets;  // "host:port", validated
  LabelSet labels;
};

// Discovers one target per GPU node from the slurm_node_info series of a Slurm exporter.
struct SlurmSdConfig {
  std::string exporter_url = "http://127.0.0.1:9341/metrics";
  int port = 9400;  // of the GPU exporter on each node
  int64_t refresh_interval_ms = 30'000;
};

struct ScrapeConfig {
  std::string job_name;
  int64_t scrape_interval_ms = 0;  // the global one when not set
  int64_t scrape_timeout_ms = 0;   // the global one (capped at the interval) when not set
  std::string metrics_path = "/metrics";
  std::string scheme = "http";
  bool honor_labels = false;
  std::optional<BasicAuth> basic_auth;
  std::vector<StaticConfig> static_configs;
  std::vector<SlurmSdConfig> slurm_sd_configs;
  std::vector<RelabelConfig> relabel_configs;
  std::vector<RelabelConfig> metric_relabel_configs;
  uint64_t sample_limit = 0;           // 0: no limit
  uint64_t label_limit = 0;            // 0: no limit
  uint64_t body_size_limit_bytes = 0;  // 0: no limit
};

struct AlertmanagerConfig {
  std::string scheme = "http";
  std::string path_prefix = "/";
  int64_t timeout_ms = 10'000;
  std::vector<StaticConfig> static_configs;
};

// A webhook that receives alerts directly, in the body Alertmanager's webhook sends.
struct WebhookConfig {
  std::string url;
  int64_t timeout_ms = 10'000;
};

struct QueueConfig {
  int capacity = 10'000;
  int max_shards = 50;
  int min_shards = 1;
  int max_samples_per_send = 2'000;
  int64_t batch_send_deadline_ms = 5'000;
  int64_t min_backoff_ms = 30;
  int64_t max_backoff_ms = 5'000;
  bool operator==(const QueueConfig&) const = default;
};

struct RemoteWriteConfig {
  std::string url;
  std::string name;
  int64_t remote_timeout_ms = 30'000;
  // Sent with every request (X-Scope-OrgID, THANOS-TENANT); never a header the sender sets
  // itself or Authorization, which comes from basic_auth or authorization (at most one).
  std::map<std::string, std::string> headers;
  std::optional<BasicAuth> basic_auth;
  std::optional<Authorization> authorization;
  QueueConfig queue_config;
  bool operator==(const RemoteWriteConfig&) const = default;
};

struct HubConfig {
  GlobalConfig global;
  std::vector<std::string> rule_files;  // globs; absolute after LoadHubConfigFile
  std::vector<ScrapeConfig> scrape_configs;
  std::vector<AlertmanagerConfig> alertmanagers;  // alerting.alertmanagers
  std::vector<WebhookConfig> webhooks;             // alerting.webhooks
  std::vector<RemoteWriteConfig> remote_write;
};

// Parses and validates a config. Errors: kInvalidArgument, "file_name:line: what is wrong (what
// to do)" with the line of the offending node. Relative paths are left as written.
StatusOr<HubConfig> ParseHubConfig(std::string_view yaml, std::string_view file_name);

// Reads and parses `path`; relative password_file, credentials_file and rule_files are resolved
// against the config's directory. The secret files of remote_write are read once here, so a
// missing one fails the load (the sender reads them again for every request). Errors: kNotFound
// / kIoError for the file, kInvalidArgument for a remote_write secret file that cannot be read
// (naming it, never its content), else as ParseHubConfig.
StatusOr<HubConfig> LoadHubConfigFile(const std::string& path);

// Parses "10MB", "512KiB", "1GB", "0": a number and a unit among B, KB, MB, GB, TB and KiB, MiB,
// GiB, TiB. As in Prometheus (alecthomas/units), KB and KiB both mean 1024 bytes.
StatusOr<uint64_t> ParseByteSize(std::string_view text);

// `gpuwatchdog check-config FILE...`: prints "FILE: OK (N scrape configs, M targets)" per file,
// or the error on stderr. Returns 0 when every file is valid, 2 otherwise (also for bad usage).
int CheckConfigMain(int argc, const char* const* argv);

}  // namespace gw::hub

#endif  // GW_HUB_HUB_CONFIG_H_
