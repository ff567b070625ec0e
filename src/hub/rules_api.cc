#include "hub/rules_api.h"

#include <boost/json.hpp>

#include <charconv>
#include <string>

#include "http/form.h"
#include "hub/api.h"
#include "rules/notifier_format.h"

namespace gw::hub {
namespace {

boost::json::object LabelsJson(const tsdb::Labels& labels) {
  boost::json::object o;
  for (const tsdb::Label& l : labels) o[l.name] = l.value;
  return o;
}

boost::json::object LabelsJson(const std::vector<tsdb::Label>& labels) {
  boost::json::object o;
  for (const tsdb::Label& l : labels) o[l.name] = l.value;
  return o;
}

// Go's strconv.FormatFloat(v, 'e', -1, 64), as the API writes an alert's value: "9e+01".
std::string ExponentValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  return std::string(buf, r.ptr);
}

boost::json::object AlertJson(const rules::AlertSnapshot& a) {
  return {{"labels", LabelsJson(a.labels)},
          {"annotations", LabelsJson(a.annotations)},
          {"state", std::string(rules::AlertStateName(a.state))},
          {"activeAt", rules::FormatAlertTime(a.active_at_ms)},
          {"value", ExponentValue(a.value)}};
}

boost::json::object RuleJson(const rules::RuleSnapshot& r) {
  const bool alerting = r.rule.kind == rules::Rule::Kind::kAlerting;
  boost::json::object o{{"name", r.rule.name},
                        {"query", r.rule.expr_text},
                        {"labels", LabelsJson(r.rule.labels)},
                        {"health", r.health},
                        {"evaluationTime", r.eval_seconds},
                        {"lastEvaluation", rules::FormatAlertTime(r.last_eval_ms)},
                        {"type", alerting ? "alerting" : "recording"}};
  if (!r.last_error.empty()) o["lastError"] = r.last_error;
  if (!alerting) return o;
  o["state"] = std::string(rules::AlertStateName(r.state));
  o["duration"] = static_cast<double>(r.rule.for_ms) / 1000;
  o["keepFiringFor"] = static_cast<double>(r.rule.keep_firing_for_ms) / 1000;
  o["annotations"] = LabelsJson(r.rule.annotations);
  boost::json::array alerts;
  for (const rules::AlertSnapshot& a : r.alerts) alerts.push_back(AlertJson(a));
  o["alerts"] = std::move(alerts);
  return o;
}

http::Response Rules(const std::vector<rules::GroupSnapshot>& groups, const std::string& type) {
  if (!type.empty() && type != "alert" && type != "record") {
    return ApiErrorResponse(InvalidArgumentError("invalid parameter \"type\": not supported value \"" + type + "\""));
  }
  boost::json::array out;
  for (const rules::GroupSnapshot& g : groups) {
    boost::json::array rules;
    for (const rules::RuleSnapshot& r : g.rules) {
      const bool alerting = r.rule.kind == rules::Rule::Kind::kAlerting;
      if ((type == "alert" && !alerting) || (type == "record" && alerting)) continue;
      rules.push_back(RuleJson(r));
    }
    out.push_back(boost::json::object{{"name", g.name},
                                      {"file", g.file},
                                      {"rules", std::move(rules)},
                                      {"interval", static_cast<double>(g.interval_ms) / 1000},
                                      {"limit", g.limit},
                                      {"evaluationTime", g.eval_seconds},
                                      {"lastEvaluation", rules::FormatAlertTime(g.last_eval_ms)}});
  }
  return ApiSuccess(boost::json::object{{"groups", std::move(out)}});
}

}  // namespace

std::optional<http::Response> RulesApi::Handle(const http::Request& request) const {
  if (request.path == "/api/v1/rules") {
    StatusOr<http::Form> form = http::Form::FromRequest(request);
    if (!form.ok()) return ApiErrorResponse(form.status());
    return Rules(manager_->Snapshot(), form->Get("type"));
  }
  if (request.path != "/api/v1/alerts") return std::nullopt;
  boost::json::array alerts;
  for (const rules::GroupSnapshot& g : manager_->Snapshot()) {
    for (const rules::RuleSnapshot& r : g.rules) {
      for (const rules::AlertSnapshot& a : r.alerts) alerts.push_back(AlertJson(a));
    }
  }
  return ApiSuccess(boost::json::object{{"alerts", std::move(alerts)}});
}

}  // namespace gw::hub
