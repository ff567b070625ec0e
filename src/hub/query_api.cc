#include "hub/query_api.h"

#include <boost/json.hpp>

#include <charconv>
#include <cmath>
#include <memory>

#include "common/flags.h"
#include "http/form.h"
#include "hub/api.h"
#include "hub/query_json.h"
#include "promql/parser.h"

namespace gw::hub {
namespace {

http::Response JsonText(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::make_shared<const std::string>(std::move(body));
  return r;
}

// The parser's message as it is ("1:4: parse error: unexpected end of input"): Prometheus
// 2.42 answers most parse errors without naming the parameter.
StatusOr<promql::ExprPtr> QueryParam(const http::Form& form) {
  return promql::ParseExpr(form.Get("query"));
}

// timeout and lookback_delta, when given.
StatusOr<promql::QueryOptions> OptionParams(const http::Form& form) {
  promql::QueryOptions opts;
  if (!form.Get("timeout").empty()) {
    GW_ASSIGN_OR_RETURN(int64_t ms, ApiDurationParam("timeout", form.Get("timeout")));
    opts.timeout = std::chrono::milliseconds(ms);
  }
  if (!form.Get("lookback_delta").empty()) {
    GW_ASSIGN_OR_RETURN(opts.lookback_ms,
                        ApiDurationParam("lookback_delta", form.Get("lookback_delta")));
  }
  return opts;
}

}  // namespace

StatusOr<int64_t> ApiDurationParam(std::string_view name, std::string_view text) {
  const Status bad = InvalidArgumentError("invalid parameter \"" + std::string(name) +
                                          "\": cannot parse \"" + std::string(text) +
                                          "\" to a valid duration");
  double seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) {
    const double ms = seconds * 1000;
    if (!std::isfinite(ms) || ms > 9.2e18 || ms < -9.2e18) return bad;
    return static_cast<int64_t>(std::llround(ms));
  }
  StatusOr<int64_t> d = ParseDurationMs(text);
  if (!d.ok()) return bad;
  return d;
}

http::Response QueryErrorResponse(const Status& status) {
  switch (status.code()) {
    case StatusCode::kDeadlineExceeded:
      return ApiErrorResponse(status);
    case StatusCode::kCorruption:
    case StatusCode::kIoError:
    case StatusCode::kInternal:
      return ApiJson(500, boost::json::object{{"status", "error"},
                                              {"errorType", "internal"},
                                              {"error", status.message()}});
    default:
      return ApiJson(422, boost::json::object{{"status", "error"},
                                              {"errorType", "execution"},
                                              {"error", status.message()}});
  }
}

std::optional<http::Response> QueryApi::Handle(const http::Request& request) const {
  const std::string& p = request.path;
  if (p == "/api/v1/query") return Query(request);
  if (p == "/api/v1/query_range") return QueryRange(request);
  if (p == "/api/v1/status/buildinfo") return BuildInfo();
  // No exemplars are stored: the empty answer a Prometheus without them gives.
  if (p == "/api/v1/query_exemplars") return ApiSuccess(boost::json::array{});
  if (p == "/api/v1/metadata") return Metadata(request);
  return std::nullopt;
}

http::Response QueryApi::Query(const http::Request& request) const {
  StatusOr<http::Form> form = http::Form::FromRequest(request);
  if (!form.ok()) return ApiErrorResponse(form.status());
  StatusOr<promql::ExprPtr> expr = QueryParam(*form);
  if (!expr.ok()) return ApiErrorResponse(expr.status());
  StatusOr<int64_t> t = ApiTimeParam(*form, "time", now_ms_());
  if (!t.ok()) return ApiErrorResponse(t.status());
  StatusOr<promql::QueryOptions> opts = OptionParams(*form);
  if (!opts.ok()) return ApiErrorResponse(opts.status());
  StatusOr<promql::Value> v = engine_->InstantQuery(**expr, *t, *opts);
  if (!v.ok()) return QueryErrorResponse(v.status());
  return JsonText(200, QueryResultJson(*v));
}

http::Response QueryApi::QueryRange(const http::Request& request) const {
  StatusOr<http::Form> form = http::Form::FromRequest(request);
  if (!form.ok()) return ApiErrorResponse(form.status());
  StatusOr<promql::ExprPtr> expr = QueryParam(*form);
  if (!expr.ok()) return ApiErrorResponse(expr.status());
  // Prometheus' messages: a missing start or end is an unparseable timestamp.
  StatusOr<int64_t> start = ParseApiTime(form->Get("start"));
  if (!start.ok()) {
    return ApiErrorResponse(InvalidArgumentError("invalid parameter \"start\": " +
                                                 start.status().message()));
  }
  StatusOr<int64_t> end = ParseApiTime(form->Get("end"));
  if (!end.ok()) {
    return ApiErrorResponse(InvalidArgumentError("invalid parameter \"end\": " +
                                                 end.status().message()));
  }
  StatusOr<int64_t> step = ApiDurationParam("step", form->Get("step"));
  if (!step.ok()) return ApiErrorResponse(step.status());
  StatusOr<promql::QueryOptions> opts = OptionParams(*form);
  if (!opts.ok()) return ApiErrorResponse(opts.status());
  const Status valid = promql::ValidateRangeQuery(**expr, *start, *end, *step);
  if (!valid.ok()) return ApiErrorResponse(valid);
  StatusOr<promql::Matrix> m = engine_->RangeQuery(**expr, *start, *end, *step, *opts);
  if (!m.ok()) return QueryErrorResponse(m.status());
  return JsonText(200, QueryResultJson(promql::Value{*std::move(m)}));
}

http::Response QueryApi::BuildInfo() const {
  // Prometheus' fields, all strings; no "features" (Grafana would take us for Mimir).
  return ApiSuccess(boost::json::object{{"version", version_},
                                        {"revision", ""},
                                        {"branch", ""},
                                        {"buildUser", ""},
                                        {"buildDate", ""},
                                        {"goVersion", ""}});
}

http::Response QueryApi::Metadata(const http::Request& request) const {
  StatusOr<http::Form> form = http::Form::FromRequest(request);
  if (!form.ok()) return ApiErrorResponse(form.status());
  // limit: most metrics; limit_per_metric: most entries per metric (Prometheus' parameters).
  int64_t limit = -1;
  int64_t per_metric = -1;
  for (auto [name, target] : {std::pair{"limit", &limit}, {"limit_per_metric", &per_metric}}) {
    const std::string text = form->Get(name);
    if (text.empty()) continue;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *target);
    if (ec != std::errc() || end != text.data() + text.size()) {
      return ApiErrorResponse(InvalidArgumentError(std::string("invalid parameter \"") + name +
                                                   "\": \"" + text + "\" is not a number"));
    }
  }
  const std::string metric = form->Get("metric");
  boost::json::object out;
  const MetadataByMetric all = metadata_ ? metadata_() : MetadataByMetric{};
  for (const auto& [name, entries] : all) {
    if (!metric.empty() && name != metric) continue;
    if (limit >= 0 && static_cast<int64_t>(out.size()) >= limit) break;
    boost::json::array list;
    for (const MetricMetadata& m : entries) {
      if (per_metric > 0 && static_cast<int64_t>(list.size()) >= per_metric) break;
      list.push_back(boost::json::object{{"type", m.type}, {"help", m.help}, {"unit", m.unit}});
    }
    out[name] = std::move(list);
  }
  return ApiSuccess(std::move(out));
}

}  // namespace gw::hub
