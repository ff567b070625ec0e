// External-engine mode: the hub answers the query API (query, query_range, series, labels,
// label values, metadata, exemplars) by passing each request to a Prometheus-compatible
// server, so the dashboard and rules run unchanged on a large engine.
#ifndef GW_HUB_EXTERNAL_API_H_
#define GW_HUB_EXTERNAL_API_H_

#include <chrono>
#include <optional>
#include <string>

#include "common/status.h"
#include "http/http_types.h"
#include "promql/value.h"

namespace gw::hub {

// Thread-safe.
class ExternalQueryApi {
 public:
  // `base_url` without a trailing slash: "http://prometheus:9090".
  ExternalQueryApi(std::string base_url, std::chrono::milliseconds timeout)
      : base_url_(std::move(base_url)), timeout_(timeout) {}

  // The external server's answer (status, content type and body as it sent them) for the
  // query API's paths, nullopt for any other path. When the server cannot be reached or
  // answers no valid HTTP, 503 with errorType "unavailable" naming the server.
  std::optional<http::Response> Handle(const http::Request& request) const;

  // Evaluates an instant query on the external server (for the rule manager): a vector, or
  // a scalar as one element without labels. Errors: kUnavailable when it cannot be reached,
  // kInvalidArgument with the server's error for a failed query, kCorruption for an answer
  // that is not the API's JSON.
  StatusOr<promql::Vector> InstantVector(const std::string& query, int64_t t_ms) const;

  // True for the paths this mode forwards.
  static bool Forwards(const std::string& path);

 private:
  std::string base_url_;
  std::chrono::milliseconds timeout_;
};

}  // namespace gw::hub

#endif  // GW_HUB_EXTERNAL_API_H_
