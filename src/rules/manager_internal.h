// The rule manager's per-group and per-rule state (internal to src/rules).
#ifndef GW_RULES_MANAGER_INTERNAL_H_
#define GW_RULES_MANAGER_INTERNAL_H_

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "common/periodic.h"
#include "rules/manager.h"

namespace gw::rules::internal {

// An alert and what Prometheus keeps beside its visible state.
struct Alert : AlertSnapshot {
  int64_t last_sent_ms = 0;
  int64_t valid_until_ms = 0;
};

struct RuleState {
  std::string health = "unknown";
  std::string last_error;
  int64_t last_eval_ms = 0;
  double eval_seconds = 0;
  // Alerting rules: active alerts, pending, firing, and resolved ones kept for re-sending.
  std::map<tsdb::Labels, Alert> alerts;
  // False until `for` state was restored (or needs no restoring): no ALERTS series until then.
  bool restored = false;
  // The series written at the last evaluation, to mark stale the ones that vanish.
  std::set<tsdb::Labels> written;
};

// Evaluates an alerting rule's query result at t_ms: updates the alerts (Prometheus 2.42's
// AlertingRule.Eval) and returns the ALERTS / ALERTS_FOR_STATE samples to write.
// Errors: duplicate label sets after the rule's labels, more alerts than `limit`.
StatusOr<promql::Vector> EvalAlertingRule(const Rule& rule, const promql::Vector& result,
                                          int64_t t_ms, int64_t limit,
                                          const ManagerOptions& options, RuleState* state);

// The recording rule's samples: result relabelled with the record name and rule labels.
// Errors: duplicate label sets, more series than `limit`.
StatusOr<promql::Vector> EvalRecordingRule(const Rule& rule, const promql::Vector& result,
                                           int64_t t_ms, int64_t limit);

// The alerts of the rule due for sending at t_ms (firing, or resolved since the last send,
// or not sent for resend_delay), with their send times updated, as notifier alerts.
std::vector<NotifierAlert> AlertsToSend(const Rule& rule, int64_t t_ms, int64_t interval_ms,
                                        const ManagerOptions& options, RuleState* state);

}  // namespace gw::rules::internal

namespace gw::rules {

struct RuleManager::Group {
  RuleGroup def;
  std::vector<internal::RuleState> states;  // one per rule
  std::mutex mu;                  // guards states and the fields below
  bool restored = false;
  int64_t last_eval_ms = 0;
  double eval_seconds = 0;
  PeriodicThread thread;

  int64_t interval_ms(const ManagerOptions& o) const {
    return def.interval_ms > 0 ? def.interval_ms : o.default_interval_ms;
  }
};

}  // namespace gw::rules

#endif  // GW_RULES_MANAGER_INTERNAL_H_
