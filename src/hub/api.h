// The Prometheus HTTP API's read endpoints over the store: /api/v1/series, /api/v1/labels and
// /api/v1/label/<name>/values, with Prometheus' JSON and error envelope
// (docs/api.md; the query endpoints come with the PromQL engine).
#ifndef GW_HUB_API_H_
#define GW_HUB_API_H_

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "http/form.h"
#include "http/http_types.h"
#include "tsdb/storage.h"

namespace gw::hub {

// Parses an API timestamp: Unix seconds with an optional fraction ("1700000000.5") or RFC 3339
// ("2026-11-29T10:00:00.5Z", "...+02:00"). Returns milliseconds. kInvalidArgument otherwise.
StatusOr<int64_t> ParseApiTime(std::string_view text);

// {"status":"success","data":data} with status 200, and any JSON answer.
http::Response ApiSuccess(boost::json::value data);
http::Response ApiJson(int status, const boost::json::value& body);

// The time parameter `name` of a request, `fallback` when absent or empty.
// Errors: kInvalidArgument "invalid parameter \"name\": ...".
StatusOr<int64_t> ApiTimeParam(const http::Form& form, std::string_view name, int64_t fallback);

// The {"status":"error","errorType":...,"error":...} answer for a failed call: 400 bad_data
// for kInvalidArgument, 503 unavailable for kUnavailable, 422 execution for
// kResourceExhausted, 500 internal for the rest.
http::Response ApiErrorResponse(const Status& status);

// Thread-safe; the querier must outlive it.
class ReadApi {
 public:
  explicit ReadApi(const tsdb::Querier* querier) : querier_(querier) {}

  // The answer for one of this API's paths (GET or POST form), nullopt for any other path.
  std::optional<http::Response> Handle(const http::Request& request) const;

 private:
  http::Response Series(const http::Request& request) const;
  http::Response LabelNames(const http::Request& request) const;
  http::Response LabelValues(const http::Request& request, const std::string& name) const;

  const tsdb::Querier* querier_;
};

}  // namespace gw::hub

#endif  // GW_HUB_API_H_
