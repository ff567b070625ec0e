// The hub daemon `gpuwatchdog`: the store, the scrapes into it, the remote_write receiver and
// senders, the read API and its own /metrics, wired together. main() only parses flags and
// calls RunHubMain.
#ifndef GW_HUB_HUB_H_
#define GW_HUB_HUB_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/cli.h"
#include "common/status.h"
#include "http/daemon.h"
#include "tsdb/wal_writer.h"

namespace gw::hub {

struct HubOptions {
  DaemonFlags daemon;
  std::string config_file;
  std::string storage_path = "data/";
  int64_t retention_ms = int64_t{15} * 24 * 3600 * 1000;
  uint64_t retention_bytes = 0;
  int64_t block_range_ms = int64_t{2} * 3600 * 1000;
  tsdb::WalSyncPolicy wal_sync = tsdb::WalSyncPolicy::kInterval;
  int64_t wal_sync_interval_ms = 1000;
  int64_t maintenance_interval_ms = 60'000;
  int scrape_threads = 8;
  int64_t query_lookback_ms = int64_t{5} * 60 * 1000;
  int64_t query_timeout_ms = int64_t{2} * 60 * 1000;
  int64_t query_max_samples = 50'000'000;
  // When set, the query API is answered by this server (external-engine mode).
  std::string query_external_url;
  int64_t rules_resend_delay_ms = 60'000;
  int64_t rules_for_outage_tolerance_ms = 3'600'000;
  int64_t rules_for_grace_period_ms = 600'000;
  // Where people reach the hub (alerts' generatorURL): --web.external-url.
  std::string external_url;
  // The built dashboard (web/dist): --web.ui-path.
  std::string ui_path;
};

struct HubFlagsResult {
  HubOptions options;
  std::optional<std::string> exit_message;  // --help / --version text
};

// Errors: kInvalidArgument naming the flag.
StatusOr<HubFlagsResult> ParseHubFlags(int argc, const char* const* argv);

class Hub : public http::Daemon {
 public:
  // Opens the store (replaying its WAL), starts the scrapes, senders and the HTTP server.
  // Errors: kInvalidArgument for a bad config file; the store's errors.
  static StatusOr<std::unique_ptr<Hub>> Start(const HubOptions& options);
};

// `gpuwatchdog [flags]` runs the hub; `gpuwatchdog check-config FILE...` validates configs.
int RunHubMain(int argc, const char* const* argv);

}  // namespace gw::hub

#endif  // GW_HUB_HUB_H_
