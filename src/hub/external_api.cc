#include "hub/external_api.h"

#include <boost/json.hpp>

#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <memory>

#include "http/client.h"
#include "http/form.h"
#include "hub/api.h"
#include "hub/query_json.h"

namespace gw::hub {

bool ExternalQueryApi::Forwards(const std::string& path) {
  return path == "/api/v1/query" || path == "/api/v1/query_range" ||
         path == "/api/v1/series" || path == "/api/v1/labels" ||
         (path.starts_with("/api/v1/label/") && path.ends_with("/values")) ||
         path == "/api/v1/metadata" || path == "/api/v1/query_exemplars";
}

std::optional<http::Response> ExternalQueryApi::Handle(const http::Request& request) const {
  if (!Forwards(request.path)) return std::nullopt;
  std::map<std::string, std::string> headers;
  if (const std::string type = request.Header("content-type"); !type.empty()) {
    headers["Content-Type"] = type;
  }
  headers["Accept"] = "application/json";
  StatusOr<http::ClientResponse> r =
      http::HttpRequest(request.method, base_url_ + request.target, headers, request.body,
                        timeout_);
  if (!r.ok()) {
    return ApiErrorResponse(UnavailableError("external query engine " + base_url_ + ": " +
                                             r.status().message()));
  }
  http::Response out;
  out.status = r->status;
  auto type = r->headers.find("content-type");
  out.content_type = type != r->headers.end() ? type->second : "application/json";
  // No Accept-Encoding was sent, so only a server ignoring that compresses; pass gzip on as
  // such (the server decompresses it for clients that do not take gzip).
  if (auto enc = r->headers.find("content-encoding"); enc != r->headers.end() && enc->second == "gzip") {
    out.content_encoding = "gzip";
  }
  out.body = std::make_shared<const std::string>(std::move(r->body));
  return out;
}

namespace {

StatusOr<double> SampleValue(const boost::json::value& point) {
  const boost::json::array* p = point.if_array();
  if (p == nullptr || p->size() != 2 || !(*p)[1].is_string()) {
    return CorruptionError("sample is not [time, \"value\"]");
  }
  const std::string text((*p)[1].as_string());
  if (text == "NaN") return std::nan("");
  if (text == "+Inf") return std::numeric_limits<double>::infinity();
  if (text == "-Inf") return -std::numeric_limits<double>::infinity();
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return CorruptionError("sample value \"" + text + "\" is not a number");
  }
  return v;
}

StatusOr<promql::Vector> ParseInstantResult(const boost::json::value& data, int64_t t_ms) {
  const std::string type(data.at("resultType").as_string());
  const boost::json::value& result = data.at("result");
  if (type == "scalar") {
    GW_ASSIGN_OR_RETURN(double v, SampleValue(result));
    return promql::Vector{{{}, t_ms, v}};
  }
  if (type != "vector") return InvalidArgumentError("query result is a " + type + ", not a vector");
  promql::Vector out;
  for (const boost::json::value& el : result.as_array()) {
    std::vector<tsdb::Label> labels;
    for (const auto& [name, value] : el.at("metric").as_object()) {
      labels.push_back({std::string(name), std::string(value.as_string())});
    }
    GW_ASSIGN_OR_RETURN(tsdb::Labels metric, tsdb::Labels::FromPairs(std::move(labels)));
    GW_ASSIGN_OR_RETURN(double v, SampleValue(el.at("value")));
    out.push_back({std::move(metric), t_ms, v});
  }
  return out;
}

}  // namespace

StatusOr<promql::Vector> ExternalQueryApi::InstantVector(const std::string& query,
                                                         int64_t t_ms) const {
  std::string time;
  AppendTimestamp(t_ms, &time);
  StatusOr<http::ClientResponse> r = http::HttpRequest(
      "POST", base_url_ + "/api/v1/query",
      {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}},
      "query=" + http::PercentEncode(query) + "&time=" + time, timeout_);
  if (!r.ok()) {
    return UnavailableError("external query engine " + base_url_ + ": " + r.status().message());
  }
  boost::system::error_code ec;
  const boost::json::value body = boost::json::parse(r->body, ec);
  if (ec || !body.is_object()) {
    return CorruptionError("external query engine " + base_url_ + ": answer is not JSON");
  }
  try {
    if (body.at("status").as_string() != "success") {
      return InvalidArgumentError("external query engine: " +
                                  std::string(body.at("error").as_string()));
    }
    return ParseInstantResult(body.at("data"), t_ms);
  } catch (const std::exception& e) {  // Boost.JSON's at()/as_*() on an unexpected shape
    return CorruptionError("external query engine " + base_url_ + ": unexpected answer: " +
                           e.what());
  }
}

}  // namespace gw::hub
