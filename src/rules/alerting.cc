// Alerting and recording rules at one evaluation: Prometheus 2.42's rules/alerting.go and
// recording.go, step for step, so that alerts move between states at the same evaluations.
#include <algorithm>
#include <set>
#include <utility>

#include "http/form.h"
#include "rules/manager_internal.h"
#include "rules/template.h"
#include "tsdb/labels.h"

namespace gw::rules::internal {
namespace {

constexpr std::string_view kAlertName = "alertname";

// Sets `name` in `labels` (kept sorted), or removes it when `value` is empty.
void SetLabel(std::vector<tsdb::Label>* labels, const std::string& name, std::string value) {
  std::erase_if(*labels, [&](const tsdb::Label& l) { return l.name == name; });
  if (value.empty()) return;
  auto at = std::lower_bound(labels->begin(), labels->end(), name,
                             [](const tsdb::Label& l, const std::string& n) { return l.name < n; });
  labels->insert(at, tsdb::Label{name, std::move(value)});
}

// A template's expansion; Prometheus puts the error text in its place when it fails.
std::string Expand(const std::string& text, const TemplateData& data) {
  StatusOr<std::string> out = ExpandTemplate(text, data);
  return out.ok() ? *out : "<error expanding template: " + out.status().message() + ">";
}

struct AlertLabels {
  tsdb::Labels labels;
  tsdb::Labels annotations;
};

AlertLabels LabelsOf(const Rule& rule, const promql::VectorElement& el,
                     const ManagerOptions& options) {
  const TemplateData data{el.metric, el.v, options.external_labels, options.external_url};
  std::vector<tsdb::Label> labels;
  for (const tsdb::Label& l : el.metric) {
    if (l.name != tsdb::kMetricNameLabel) labels.push_back(l);
  }
  for (const tsdb::Label& l : rule.labels) SetLabel(&labels, l.name, Expand(l.value, data));
  SetLabel(&labels, std::string(kAlertName), rule.name);
  std::vector<tsdb::Label> annotations;
  for (const tsdb::Label& a : rule.annotations) {
    SetLabel(&annotations, a.name, Expand(a.value, data));
  }
  return {tsdb::Labels::FromSortedUnchecked(std::move(labels)),
          tsdb::Labels::FromSortedUnchecked(std::move(annotations))};
}

tsdb::Labels WithName(const tsdb::Labels& labels, const std::string& name,
                      const std::string& state) {
  std::vector<tsdb::Label> out(labels.begin(), labels.end());
  SetLabel(&out, std::string(tsdb::kMetricNameLabel), name);
  if (!state.empty()) SetLabel(&out, "alertstate", state);
  return tsdb::Labels::FromSortedUnchecked(std::move(out));
}

// Updates the alerts that the result no longer contains; false when `a` is to be dropped.
bool Vanished(const Rule& rule, int64_t t_ms, const ManagerOptions& options, Alert* a,
              bool* keep_firing) {
  *keep_firing = false;
  if (a->state == AlertState::kFiring && rule.keep_firing_for_ms > 0) {
    if (a->keep_firing_since_ms == 0) a->keep_firing_since_ms = t_ms;
    *keep_firing = t_ms - a->keep_firing_since_ms < rule.keep_firing_for_ms;
  }
  const bool drop = a->state == AlertState::kPending ||
                    (a->resolved_at_ms != 0 && t_ms - a->resolved_at_ms > options.resolved_retention_ms);
  if (a->state != AlertState::kInactive && !*keep_firing) {
    a->keep_firing_since_ms = 0;
    a->state = AlertState::kInactive;
    a->resolved_at_ms = t_ms;
  }
  return !drop;
}

}  // namespace

StatusOr<promql::Vector> EvalAlertingRule(const Rule& rule, const promql::Vector& result,
                                          int64_t t_ms, int64_t limit,
                                          const ManagerOptions& options, RuleState* state) {
  std::set<tsdb::Labels> present;
  for (const promql::VectorElement& el : result) {
    AlertLabels al = LabelsOf(rule, el, options);
    if (!present.insert(al.labels).second) {
      return InvalidArgumentError(
          "vector contains metrics with the same labelset after applying alert labels");
    }
    auto it = state->alerts.find(al.labels);
    if (it != state->alerts.end() && it->second.state != AlertState::kInactive) {
      it->second.value = el.v;
      it->second.annotations = std::move(al.annotations);
      continue;
    }
    Alert a;
    a.labels = al.labels;
    a.annotations = std::move(al.annotations);
    a.state = AlertState::kPending;
    a.active_at_ms = t_ms;
    a.value = el.v;
    state->alerts[al.labels] = std::move(a);
  }
  promql::Vector samples;
  int64_t active = 0;
  for (auto it = state->alerts.begin(); it != state->alerts.end();) {
    Alert& a = it->second;
    if (!present.contains(it->first)) {
      bool keep_firing = false;
      if (!Vanished(rule, t_ms, options, &a, &keep_firing)) {
        it = state->alerts.erase(it);
        continue;
      }
      if (!keep_firing) {
        ++it;
        continue;
      }
    } else {
      a.keep_firing_since_ms = 0;
    }
    ++active;
    if (a.state == AlertState::kPending && t_ms - a.active_at_ms >= rule.for_ms) {
      a.state = AlertState::kFiring;
      a.fired_at_ms = t_ms;
    }
    if (state->restored) {
      const int64_t active_at_s = a.active_at_ms / 1000;  // Prometheus: ActiveAt.Unix()
      samples.push_back(
          {WithName(a.labels, "ALERTS", std::string(AlertStateName(a.state))), t_ms, 1});
      samples.push_back(
          {WithName(a.labels, "ALERTS_FOR_STATE", ""), t_ms, static_cast<double>(active_at_s)});
    }
    ++it;
  }
  if (limit > 0 && active > limit) {
    state->alerts.clear();
    return InvalidArgumentError("exceeded limit of " + std::to_string(limit) + " with " +
                                std::to_string(active) + " alerts");
  }
  return samples;
}

StatusOr<promql::Vector> EvalRecordingRule(const Rule& rule, const promql::Vector& result,
                                           int64_t t_ms, int64_t limit) {
  promql::Vector out;
  std::set<tsdb::Labels> seen;
  for (const promql::VectorElement& el : result) {
    std::vector<tsdb::Label> labels(el.metric.begin(), el.metric.end());
    SetLabel(&labels, std::string(tsdb::kMetricNameLabel), rule.name);
    for (const tsdb::Label& l : rule.labels) SetLabel(&labels, l.name, l.value);
    tsdb::Labels metric = tsdb::Labels::FromSortedUnchecked(std::move(labels));
    if (!seen.insert(metric).second) {
      return InvalidArgumentError(
          "vector contains metrics with the same labelset after applying rule labels");
    }
    out.push_back({std::move(metric), t_ms, el.v});
  }
  if (limit > 0 && static_cast<int64_t>(out.size()) > limit) {
    return InvalidArgumentError("exceeded limit of " + std::to_string(limit) + " with " +
                                std::to_string(out.size()) + " series");
  }
  return out;
}

std::vector<NotifierAlert> AlertsToSend(const Rule& rule, int64_t t_ms, int64_t interval_ms,
                                        const ManagerOptions& options, RuleState* state) {
  std::vector<NotifierAlert> out;
  const std::string generator = options.external_url + "/graph?g0.expr=" +
                                http::PercentEncode(rule.expr_text) + "&g0.tab=1";
  for (auto& [labels, a] : state->alerts) {
    if (a.state == AlertState::kPending) continue;
    const bool resolved_since_sent = a.resolved_at_ms > a.last_sent_ms;
    if (!resolved_since_sent && a.last_sent_ms + options.resend_delay_ms >= t_ms) continue;
    a.last_sent_ms = t_ms;
    // Valid for two missed evaluations or sends, as Prometheus allows.
    a.valid_until_ms = t_ms + 4 * std::max(interval_ms, options.resend_delay_ms);
    NotifierAlert n;
    n.labels = a.labels;
    n.annotations = a.annotations;
    n.starts_at_ms = a.fired_at_ms;
    n.ends_at_ms = a.resolved_at_ms != 0 ? a.resolved_at_ms : a.valid_until_ms;
    n.generator_url = generator;
    out.push_back(std::move(n));
  }
  return out;
}

}  // namespace gw::rules::internal
