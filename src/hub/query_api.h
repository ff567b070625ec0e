// The Prometheus HTTP API's query side: /api/v1/query and /api/v1/query_range over the PromQL
// engine, and the small endpoints Grafana calls around them (status/buildinfo, metadata,
// query_exemplars), with Prometheus' JSON and errors (docs/api.md).
#ifndef GW_HUB_QUERY_API_H_
#define GW_HUB_QUERY_API_H_

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "common/status.h"
#include "http/http_types.h"
#include "hub/metric_metadata.h"
#include "promql/engine.h"

namespace gw::hub {

// The error answer for a failed evaluation, as Prometheus classifies it: 503 timeout for
// kDeadlineExceeded, 500 internal for store errors (kCorruption, kIoError, kInternal), 422
// execution for the rest (bad matching, too many samples).
http::Response QueryErrorResponse(const Status& status);

// Thread-safe; the engine must outlive it.
class QueryApi {
 public:
  // `now_ms` gives the default evaluation time of /api/v1/query; `metadata` what the scraped
  // pages say about their metric families (may be empty: no metadata).
  QueryApi(const promql::Engine* engine, std::string version, std::function<int64_t()> now_ms,
           std::function<MetadataByMetric()> metadata = {})
      : engine_(engine),
        version_(std::move(version)),
        now_ms_(std::move(now_ms)),
        metadata_(std::move(metadata)) {}

  // The answer for one of this API's paths, nullopt for any other path.
  std::optional<http::Response> Handle(const http::Request& request) const;

 private:
  http::Response Query(const http::Request& request) const;
  http::Response QueryRange(const http::Request& request) const;
  http::Response BuildInfo() const;
  http::Response Metadata(const http::Request& request) const;

  const promql::Engine* engine_;
  std::string version_;
  std::function<int64_t()> now_ms_;
  std::function<MetadataByMetric()> metadata_;
};

// Prometheus' duration parameters (step, timeout, lookback_delta): float seconds ("15",
// "0.5") or a duration ("15s", "1m30s"). Errors: kInvalidArgument
// "invalid parameter \"name\": cannot parse \"text\" to a valid duration".
StatusOr<int64_t> ApiDurationParam(std::string_view name, std::string_view text);

}  // namespace gw::hub

#endif  // GW_HUB_QUERY_API_H_
