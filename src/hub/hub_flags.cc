// The hub's command-line flags, Prometheus' names where Prometheus has the flag.
#include <string>

#include "common/flags.h"
#include "hub/hub.h"
#include "hub/hub_config.h"

namespace gw::hub {
namespace {

Status FlagError(std::string_view flag, const Status& s) {
  return InvalidArgumentError(std::string(flag) + ": " + s.message());
}

// The query engine's flags, as text until parsed.
struct QueryFlags {
  std::string lookback = "5m";
  std::string timeout = "2m";
};

void AddQueryFlags(CLI::App& app, QueryFlags* raw, HubOptions* o) {
  app.add_option("--query.lookback-delta", raw->lookback,
                 "How far back an instant selector looks for a sample")
      ->capture_default_str();
  app.add_option("--query.timeout", raw->timeout, "Longest time a query may run")
      ->capture_default_str();
  app.add_option("--query.max-samples", o->query_max_samples,
                 "Most samples a query may load into memory")
      ->capture_default_str();
  app.add_option("--query.external-url", o->query_external_url,
                 "Answer the query API (query, query_range, series, labels, label values, "
                 "metadata) from this Prometheus-compatible server instead of the own store, "
                 "e.g. http://prometheus:9090")
      ->capture_default_str();
}

Status ApplyQueryFlags(const QueryFlags& raw, HubOptions* o) {
  StatusOr<int64_t> ms = ParseDurationMs(raw.lookback);
  if (!ms.ok()) return FlagError("--query.lookback-delta", ms.status());
  if (*ms <= 0) return InvalidArgumentError("--query.lookback-delta must be positive");
  o->query_lookback_ms = *ms;
  ms = ParseDurationMs(raw.timeout);
  if (!ms.ok()) return FlagError("--query.timeout", ms.status());
  if (*ms <= 0) return InvalidArgumentError("--query.timeout must be positive");
  o->query_timeout_ms = *ms;
  if (o->query_max_samples < 1) {
    return InvalidArgumentError("--query.max-samples must be at least 1");
  }
  if (!o->query_external_url.empty()) {
    if (!o->query_external_url.starts_with("http://") &&
        !o->query_external_url.starts_with("https://")) {
      return InvalidArgumentError("--query.external-url " + o->query_external_url +
                                  ": expected an http:// or https:// URL");
    }
    while (o->query_external_url.ends_with('/')) o->query_external_url.pop_back();
  }
  return Status::Ok();
}

// The rule manager's flags, as text until parsed.
struct RuleFlags {
  std::string resend_delay = "1m";
  std::string outage_tolerance = "1h";
  std::string grace_period = "10m";
};

void AddRuleFlags(CLI::App& app, RuleFlags* raw, HubOptions* o) {
  app.add_option("--rules.alert.resend-delay", raw->resend_delay,
                 "How long to wait before sending a firing alert again")
      ->capture_default_str();
  app.add_option("--rules.alert.for-outage-tolerance", raw->outage_tolerance,
                 "Longest outage of the hub after which `for` state is still restored")
      ->capture_default_str();
  app.add_option("--rules.alert.for-grace-period", raw->grace_period,
                 "Least time between restoring an alert and its firing")
      ->capture_default_str();
  app.add_option("--web.ui-path", o->ui_path, "Directory of the built web dashboard (web/dist)")
      ->capture_default_str();
  app.add_option("--web.external-url", o->external_url,
                 "The URL under which people reach the hub (alerts' generatorURL)")
      ->capture_default_str();
}

Status ApplyRuleFlags(const RuleFlags& raw, HubOptions* o) {
  const std::pair<const char*, const std::string*> flags[] = {
      {"--rules.alert.resend-delay", &raw.resend_delay},
      {"--rules.alert.for-outage-tolerance", &raw.outage_tolerance},
      {"--rules.alert.for-grace-period", &raw.grace_period}};
  int64_t* targets[] = {&o->rules_resend_delay_ms, &o->rules_for_outage_tolerance_ms,
                        &o->rules_for_grace_period_ms};
  for (size_t i = 0; i < std::size(flags); ++i) {
    StatusOr<int64_t> ms = ParseDurationMs(*flags[i].second);
    if (!ms.ok()) return FlagError(flags[i].first, ms.status());
    *targets[i] = *ms;
  }
  while (o->external_url.ends_with('/')) o->external_url.pop_back();
  return Status::Ok();
}

// The store's flags, as text until parsed.
struct StorageFlags {
  std::string retention_time = "15d";
  std::string retention_size = "0";
  std::string block_range = "2h";
  std::string wal_sync = "1s";
  std::string maintenance = "1m";
};

void AddStorageFlags(CLI::App& app, StorageFlags* raw, HubOptions* o) {
  app.add_option("--storage.tsdb.path", o->storage_path, "Directory of the store")
      ->capture_default_str();
  app.add_option("--storage.tsdb.retention.time", raw->retention_time,
                 "How long to keep samples (0: no age limit)")
      ->capture_default_str();
  app.add_option("--storage.tsdb.retention.size", raw->retention_size,
                 "Most bytes of blocks + WAL to keep, e.g. 50GB (0: no size limit)")
      ->capture_default_str();
  app.add_option("--storage.tsdb.min-block-duration", raw->block_range,
                 "Time range of the blocks cut from the head")
      ->capture_default_str();
  app.add_option("--storage.tsdb.wal-sync", raw->wal_sync,
                 "When the WAL is fsynced: 'always' (every commit), a duration (at most that "
                 "much is lost at a power cut) or 'never' (the kernel decides)")
      ->capture_default_str();
  app.add_option("--storage.tsdb.maintenance-interval", raw->maintenance,
                 "How often blocks are cut, compacted and retention applied")
      ->capture_default_str();
}

Status ApplyWalSyncFlag(const std::string& wal_sync, HubOptions* o) {
  if (wal_sync == "always") {
    o->wal_sync = tsdb::WalSyncPolicy::kAlways;
  } else if (wal_sync == "never") {
    o->wal_sync = tsdb::WalSyncPolicy::kNever;
  } else {
    StatusOr<int64_t> ms = ParseDurationMs(wal_sync);
    if (!ms.ok()) {
      return InvalidArgumentError("--storage.tsdb.wal-sync " + wal_sync +
                                  ": expected 'always', 'never' or a duration such as 1s");
    }
    o->wal_sync = tsdb::WalSyncPolicy::kInterval;
    o->wal_sync_interval_ms = *ms;
  }
  return Status::Ok();
}

Status ApplyStorageFlags(const StorageFlags& raw, HubOptions* o) {
  StatusOr<int64_t> ms = ParseDurationMs(raw.retention_time);
  if (!ms.ok()) return FlagError("--storage.tsdb.retention.time", ms.status());
  o->retention_ms = *ms;
  StatusOr<uint64_t> bytes = ParseByteSize(raw.retention_size);
  if (!bytes.ok()) return FlagError("--storage.tsdb.retention.size", bytes.status());
  o->retention_bytes = *bytes;
  ms = ParseDurationMs(raw.block_range);
  if (!ms.ok()) return FlagError("--storage.tsdb.min-block-duration", ms.status());
  if (*ms < 1000) {
    return InvalidArgumentError("--storage.tsdb.min-block-duration " + raw.block_range +
                                ": too short (the minimum is 1s)");
  }
  o->block_range_ms = *ms;
  GW_RETURN_IF_ERROR(ApplyWalSyncFlag(raw.wal_sync, o));
  ms = ParseDurationMs(raw.maintenance);
  if (!ms.ok() || *ms < 100) {
    return InvalidArgumentError("--storage.tsdb.maintenance-interval " + raw.maintenance +
                                ": expected a duration of at least 100ms");
  }
  o->maintenance_interval_ms = *ms;
  return Status::Ok();
}

}  // namespace

StatusOr<HubFlagsResult> ParseHubFlags(int argc, const char* const* argv) {
  HubFlagsResult result;
  HubOptions& o = result.options;
  o.ui_path = GW_WEB_UI_DIR;
  CLI::App app(
      "gpuwatchdog: the GPU Watchdog hub; scrapes the exporters into its own time-series store "
      "and answers the Prometheus HTTP API",
      "gpuwatchdog");
  AddDaemonFlags(app, ":3000", std::string("gpuwatchdog ") + GW_VERSION, &o.daemon);
  app.add_option("--config.file", o.config_file, "The hub's YAML config (Prometheus' format)")
      ->required();
  StorageFlags storage_flags;
  AddStorageFlags(app, &storage_flags, &o);
  app.add_option("--scrape.threads", o.scrape_threads, "Scrapes in flight at once")
      ->capture_default_str();
  QueryFlags query_flags;
  AddQueryFlags(app, &query_flags, &o);
  RuleFlags rule_flags;
  AddRuleFlags(app, &rule_flags, &o);
  GW_ASSIGN_OR_RETURN(result.exit_message, ParseCli(app, argc, argv, o.daemon));
  if (result.exit_message) return result;

  GW_RETURN_IF_ERROR(ApplyStorageFlags(storage_flags, &o));
  if (o.scrape_threads < 1 || o.scrape_threads > 256) {
    return InvalidArgumentError("--scrape.threads must be between 1 and 256");
  }
  GW_RETURN_IF_ERROR(ApplyQueryFlags(query_flags, &o));
  GW_RETURN_IF_ERROR(ApplyRuleFlags(rule_flags, &o));
  return result;
}

}  // namespace gw::hub
