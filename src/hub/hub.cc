#include "hub/hub.h"

#include <sys/resource.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/flags.h"
#include "common/logging.h"
#include "common/periodic.h"
#include "common/signals.h"
#include "hub/api.h"
#include "hub/external_api.h"
#include "hub/hub_config.h"
#include "hub/hub_rules.h"
#include "hub/live_feed.h"
#include "hub/query_api.h"
#include "hub/rules_api.h"
#include "hub/web_ui.h"
#include "rules/rule_file.h"
#include "hub/scrape_manager.h"
#include "hub/store_metrics.h"
#include "metrics/text_writer.h"
#include "promql/engine.h"
#include "remote/receiver.h"
#include "remote/sender.h"
#include "tsdb/db.h"
#include "tsdb/file_env.h"

namespace gw::hub {
namespace {

// Passes the store's feed on to every remote_write destination.
class FanoutObserver : public tsdb::IngestObserver {
 public:
  explicit FanoutObserver(std::vector<tsdb::IngestObserver*> targets)
      : targets_(std::move(targets)) {}
  void OnSeries(tsdb::SeriesRef ref, const tsdb::Labels& labels) override {
    for (auto* t : targets_) t->OnSeries(ref, labels);
  }
  void OnSamples(std::span<const RefSample> samples) override {
    for (auto* t : targets_) t->OnSamples(samples);
  }
  void OnSeriesRemoved(std::span<const tsdb::SeriesRef> refs) override {
    for (auto* t : targets_) t->OnSeriesRemoved(refs);
  }

 private:
  std::vector<tsdb::IngestObserver*> targets_;
};

remote::SenderOptions ToSenderOptions(const RemoteWriteConfig& c, const LabelSet& external) {
  remote::SenderOptions o;
  o.url = c.url;
  o.name = c.name;
  o.remote_timeout = std::chrono::milliseconds(c.remote_timeout_ms);
  o.shards = c.queue_config.max_shards > 0 ? std::min(c.queue_config.max_shards, 4) : 1;
  o.capacity = static_cast<size_t>(c.queue_config.capacity);
  o.max_samples_per_send = static_cast<size_t>(c.queue_config.max_samples_per_send);
  o.batch_send_deadline = std::chrono::milliseconds(c.queue_config.batch_send_deadline_ms);
  o.min_backoff = std::chrono::milliseconds(c.queue_config.min_backoff_ms);
  o.max_backoff = std::chrono::milliseconds(c.queue_config.max_backoff_ms);
  o.headers = c.headers;
  if (c.basic_auth) {
    o.authorization = remote::SenderAuthorization{.type = "Basic",
                                                  .username = c.basic_auth->username,
                                                  .secret = c.basic_auth->password,
                                                  .secret_file = c.basic_auth->password_file};
  } else if (c.authorization) {
    o.authorization = remote::SenderAuthorization{.type = c.authorization->type,
                                                  .username = "",
                                                  .secret = c.authorization->credentials,
                                                  .secret_file = c.authorization->credentials_file};
  }
  std::vector<tsdb::Label> labels;
  for (const auto& [name, value] : external) labels.push_back({name, value});
  if (StatusOr<tsdb::Labels> l = tsdb::Labels::FromPairs(std::move(labels)); l.ok()) {
    o.external_labels = *std::move(l);
  }
  return o;
}

class HubImpl : public Hub {
 public:
  explicit HubImpl(const HubOptions& options) : options_(options) {}

  ~HubImpl() override { Shutdown(); }

  Status StartAll() {
    StatusOr<HubConfig> config = LoadHubConfigFile(options_.config_file);
    // A missing or unreadable config is a usage error like an invalid one: exit 2.
    if (!config.ok()) return InvalidArgumentError(config.status().message());
    config_ = *std::move(config);
    GW_RETURN_IF_ERROR(OpenStore());
    GW_RETURN_IF_ERROR(StartRemoteWrite());
    receiver_ = std::make_unique<remote::RemoteWriteReceiver>(*db_);
    api_ = std::make_unique<ReadApi>(&db_->querier());
    StartQueryApi();
    GW_ASSIGN_OR_RETURN(rules_, HubRules::Start(config_, options_, QueryFunction(), db_.get(),
                                                &SystemClock::Get()));
    rules_api_ = std::make_unique<RulesApi>(&rules_->manager());
    web_ui_ = std::make_unique<WebUi>(options_.ui_path);
    ScrapeManagerOptions scrape_options;
    scrape_options.scrape_threads = options_.scrape_threads;
    scrapes_ = std::make_unique<ScrapeManager>(db_.get(), SystemClock::Get(), scrape_options);
    GW_RETURN_IF_ERROR(scrapes_->ApplyConfig(config_));
    live_ = std::make_unique<LiveFeed>([this] { return ReadLiveSignal(); });
    live_->Start();
    maintenance_.Start("gw-maintain", std::chrono::milliseconds(options_.maintenance_interval_ms),
                       [this] {
                         if (Status s = db_->Maintain(); !s.ok()) {
                           GW_LOG_ERROR("store maintenance: {}", s.ToString());
                         }
                       });
    return StartServer();
  }

  Status OpenStore() {
    tsdb::DbOptions db_options;
    db_options.block_range_ms = options_.block_range_ms;
    db_options.retention_ms = options_.retention_ms;
    db_options.retention_bytes = options_.retention_bytes;
    db_options.wal.sync_policy = options_.wal_sync;
    db_options.wal.sync_interval_ms = options_.wal_sync_interval_ms;
    GW_ASSIGN_OR_RETURN(db_, tsdb::Db::Open(&env_, options_.storage_path, db_options));
    LogOpenReport(db_->open_report());
    return Status::Ok();
  }

  // One sender per remote_write destination, fed by the store.
  Status StartRemoteWrite() {
    std::vector<tsdb::IngestObserver*> observers;
    for (const RemoteWriteConfig& rw : config_.remote_write) {
      GW_ASSIGN_OR_RETURN(std::unique_ptr<remote::RemoteWriteSender> sender,
                          remote::RemoteWriteSender::Start(
                              ToSenderOptions(rw, config_.global.external_labels)));
      observers.push_back(sender.get());
      senders_.push_back(std::move(sender));
    }
    if (!observers.empty()) {
      fanout_ = std::make_unique<FanoutObserver>(std::move(observers));
      db_->SetObserver(fanout_.get());
    }
    return Status::Ok();
  }

  // The PromQL engine over the store and the query API; in external-engine mode the query
  // paths go to the external server instead.
  void StartQueryApi() {
    promql::EngineOptions engine_options;
    engine_options.lookback_ms = options_.query_lookback_ms;
    engine_options.timeout = std::chrono::milliseconds(options_.query_timeout_ms);
    engine_options.max_samples = options_.query_max_samples;
    engine_options.default_subquery_step_ms = config_.global.evaluation_interval_ms;
    engine_ = std::make_unique<promql::Engine>(&db_->querier(), engine_options);
    query_api_ = std::make_unique<QueryApi>(
        engine_.get(), GW_VERSION, [] { return SystemClock::Get().NowMs(); },
        [this] { return scrapes_ != nullptr ? scrapes_->Metadata() : MetadataByMetric{}; });
    if (!options_.query_external_url.empty()) {
      external_api_ = std::make_unique<ExternalQueryApi>(
          options_.query_external_url, std::chrono::milliseconds(options_.query_timeout_ms));
      GW_LOG_INFO("answering the query API from {}", options_.query_external_url);
    }
  }

  // How rules ask their questions: the external engine in external-engine mode, else the
  // hub's own engine.
  rules::QueryFn QueryFunction() const {
    if (external_api_ != nullptr) {
      return [api = external_api_.get()](const promql::Expr& e, int64_t t_ms) {
        return api->InstantVector(promql::ToString(e), t_ms);
      };
    }
    return [engine = engine_.get()](const promql::Expr& e,
                                    int64_t t_ms) -> StatusOr<promql::Vector> {
      GW_ASSIGN_OR_RETURN(promql::Value v, engine->InstantQuery(e, t_ms, {}));
      if (auto* s = std::get_if<promql::Scalar>(&v)) return promql::Vector{{{}, t_ms, s->v}};
      if (auto* vec = std::get_if<promql::Vector>(&v)) return std::move(*vec);
      return InvalidArgumentError("rule expression is not a vector or scalar");
    };
  }

  Status StartServer() {
    http::ServerOptions server_options;
    server_options.listen_address = options_.daemon.listen_address;
    server_options.web_config_file = options_.daemon.web_config_file;
    server_options.max_connections = static_cast<size_t>(options_.daemon.max_connections);
    server_options.threads = 4;
    // Dashboards hold one stream each; leave most connections for requests.
    server_options.max_streams = std::max<size_t>(1, server_options.max_connections / 2);
    server_options.max_request_bytes = size_t{32} << 20;  // remote_write batches
    GW_ASSIGN_OR_RETURN(server_, http::Server::Start(server_options, [this](const http::Request& r) {
                          return Route(r);
                        }));
    GW_LOG_INFO("gpuwatchdog hub listening on port {}, storing in {}", server_->port(),
                options_.storage_path);
    return Status::Ok();
  }

  uint16_t port() const override { return server_->port(); }

  Status Reload() override {
    StatusOr<HubConfig> fresh = LoadHubConfigFile(options_.config_file);
    if (!fresh.ok()) return fresh.status().WithContext("keeping the running config");
    // Any change: a URL, a queue setting, headers or credentials (a secret *file*'s content
    // is re-read per request and needs no restart).
    if (fresh->remote_write != config_.remote_write) {
      GW_LOG_WARN("remote_write changes take effect at the next restart");
    }
    GW_RETURN_IF_ERROR(rules_->Reload(*fresh).WithContext("keeping the running config"));
    GW_RETURN_IF_ERROR(scrapes_->ApplyConfig(*fresh));
    {
      std::lock_guard lock(config_mu_);
      config_ = *std::move(fresh);
    }
    return server_->ReloadWebConfig();
  }

  void Shutdown() override {
    if (shut_down_) return;
    shut_down_ = true;
    if (scrapes_) scrapes_->Stop();  // writes stale markers while the store is open
    if (rules_) rules_->Stop();
    if (live_) live_->Stop();  // ends the dashboards' streams, so the server need not wait
    if (server_) server_->Shutdown();
    maintenance_.Stop();
    if (db_) db_->SetObserver(nullptr);
    for (auto& sender : senders_) sender->Stop(std::chrono::seconds(5));
    if (db_) {
      if (Status s = db_->Close(); !s.ok()) GW_LOG_ERROR("closing the store: {}", s.ToString());
    }
  }

 private:
  static void LogOpenReport(const tsdb::OpenReport& r) {
    GW_LOG_INFO("store opened: {} blocks, {} WAL records, {} samples replayed", r.blocks,
                r.wal_records, r.replayed_samples);
    for (const auto& [dir, status] : r.unreadable_blocks) {
      GW_LOG_ERROR("block {} cannot be read and is skipped (left on disk): {}", dir,
                   status.ToString());
    }
    if (!r.wal_repair.empty()) {
      if (r.wal_lost_records) {
        GW_LOG_ERROR("the WAL was damaged in the middle; records after the damage were dropped: {}",
                     r.wal_repair);
      } else {
        GW_LOG_WARN("the WAL ended in a torn record (an unclean stop); cut back to the last "
                    "whole record: {}",
                    r.wal_repair);
      }
    }
    if (r.unknown_series_refs > 0) {
      GW_LOG_WARN("{} WAL samples referred to unknown series and were dropped",
                  r.unknown_series_refs);
    }
  }

  // Cheap enough to read every second while a dashboard is open: atomics and a listing of the
  // WAL directory from the store, a copy of the rules' state.
  LiveSignal ReadLiveSignal() const {
    LiveSignal signal;
    tsdb::DbStats stats = db_->stats();
    signal.samples_appended = stats.head.samples_appended;
    signal.newest_sample_ms = stats.head_max_t_ms;
    for (const rules::GroupSnapshot& group : rules_->manager().Snapshot()) {
      for (const rules::RuleSnapshot& rule : group.rules) {
        for (const rules::AlertSnapshot& alert : rule.alerts) {
          if (alert.state == rules::AlertState::kFiring) ++signal.firing_alerts;
        }
      }
    }
    return signal;
  }

  http::Response Route(const http::Request& request) {
    if (request.path == "/metrics") return SelfMetrics(request);
    if (request.path == "/api/v1/stream") return live_->Handle(request);
    if (request.path == "/api/v1/write") return receiver_->Handle(request);
    if (external_api_ != nullptr) {
      if (std::optional<http::Response> r = external_api_->Handle(request)) return *r;
    }
    if (std::optional<http::Response> r = api_->Handle(request); r.has_value()) return *r;
    if (std::optional<http::Response> r = query_api_->Handle(request)) return *r;
    if (std::optional<http::Response> r = rules_api_->Handle(request)) return *r;
    if (request.path == "/-/healthy") return http::Response::Text(200, "GPU Watchdog hub is Healthy.\n");
    if (request.path == "/-/ready") return http::Response::Text(200, "GPU Watchdog hub is Ready.\n");
    if (request.path.starts_with("/api/")) {
      return ApiErrorResponse(NotFoundError("unknown API endpoint " + request.path));
    }
    if (std::optional<http::Response> r = web_ui_->Handle(request)) return *r;
    return http::Response::Text(404, "not found\n");
  }

  http::Response SelfMetrics(const http::Request& request) {
    std::vector<metrics::MetricFamily> families;
    AppendStoreMetrics(db_->stats(), &families);
    scrapes_->AppendMetrics(&families);
    receiver_->AppendMetrics(families);
    for (const auto& sender : senders_) sender->AppendMetrics(families);
    if (rules_ && rules_->notifier() != nullptr) rules_->notifier()->AppendMetrics(families);
    const metrics::ExpositionFormat format = metrics::NegotiateFormat(request.Header("accept"));
    auto body = std::make_shared<std::string>();
    metrics::WriteText(families, format, body.get());
    http::Response r;
    r.content_type = std::string(metrics::ContentType(format));
    r.body = std::move(body);
    return r;
  }

  const HubOptions options_;
  std::mutex config_mu_;
  HubConfig config_;
  tsdb::PosixEnv env_;
  std::unique_ptr<tsdb::Db> db_;
  std::vector<std::unique_ptr<remote::RemoteWriteSender>> senders_;
  std::unique_ptr<FanoutObserver> fanout_;
  std::unique_ptr<remote::RemoteWriteReceiver> receiver_;
  std::unique_ptr<ReadApi> api_;
  std::unique_ptr<promql::Engine> engine_;
  std::unique_ptr<QueryApi> query_api_;
  std::unique_ptr<ExternalQueryApi> external_api_;
  std::unique_ptr<HubRules> rules_;
  std::unique_ptr<RulesApi> rules_api_;
  std::unique_ptr<WebUi> web_ui_;
  std::unique_ptr<ScrapeManager> scrapes_;
  std::unique_ptr<LiveFeed> live_;
  PeriodicThread maintenance_;
  std::unique_ptr<http::Server> server_;
  bool shut_down_ = false;
};

}  // namespace

StatusOr<std::unique_ptr<Hub>> Hub::Start(const HubOptions& options) {
  auto hub = std::make_unique<HubImpl>(options);
  GW_RETURN_IF_ERROR(hub->StartAll());
  return std::unique_ptr<Hub>(std::move(hub));
}

int RunHubMain(int argc, const char* const* argv) {
  if (argc >= 2 && std::strcmp(argv[1], "check-config") == 0) {
    return CheckConfigMain(argc - 1, argv + 1);
  }
  if (argc >= 2 && std::strcmp(argv[1], "check-rules") == 0) {
    return rules::CheckRulesMain(argc - 1, argv + 1);
  }
  SignalWaiter signals;  // first, so every thread inherits the blocked signals
  // Each scrape target keeps a connection (a socket and its I/O context's descriptors) open
  // between scrapes: raise the soft descriptor limit to the hard one, as Prometheus does.
  if (rlimit limit{}; getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  auto flags = ParseHubFlags(argc, argv);
  HubOptions options = flags.ok() ? flags->options : HubOptions{};
  return http::RunDaemonMain("gpuwatchdog", signals, flags.status(),
                             flags.ok() ? flags->exit_message : std::nullopt, options.daemon,
                             http::Starter<Hub>(options), /*malloc_arenas=*/0);
}

}  // namespace gw::hub
