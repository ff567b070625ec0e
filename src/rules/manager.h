// The rule manager: evaluates groups of alerting and recording rules at their interval, keeps
// each alert's state exactly as Prometheus does (inactive, pending, firing; resolved alerts kept
// and re-sent for 15 minutes; keep_firing_for), writes recording rules' results and the ALERTS
// and ALERTS_FOR_STATE series into the store, restores `for` state after a restart, and hands
// firing and resolved alerts to the notifier.
#ifndef GW_RULES_MANAGER_H_
#define GW_RULES_MANAGER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/periodic.h"
#include "common/status.h"
#include "promql/value.h"
#include "rules/notifier.h"
#include "rules/rule_file.h"
#include "tsdb/storage.h"

namespace gw::rules {

// Evaluates an instant query: the engine over the store, or an external engine. A scalar
// result comes back as one element without labels.
using QueryFn = std::function<StatusOr<promql::Vector>(const promql::Expr& expr, int64_t t_ms)>;

enum class AlertState { kInactive, kPending, kFiring };
std::string_view AlertStateName(AlertState s);  // "inactive", "pending", "firing"

struct ManagerOptions {
  int64_t default_interval_ms = 60'000;  // global.evaluation_interval
  int64_t resend_delay_ms = 60'000;      // --rules.alert.resend-delay
  int64_t for_outage_tolerance_ms = 3'600'000;
  int64_t for_grace_period_ms = 600'000;
  int64_t resolved_retention_ms = int64_t{15} * 60'000;
  tsdb::Labels external_labels;  // $externalLabels in templates
  std::string external_url;      // generatorURL prefix, $externalURL
};

struct AlertSnapshot {
  tsdb::Labels labels;
  tsdb::Labels annotations;
  AlertState state = AlertState::kInactive;
  int64_t active_at_ms = 0;
  int64_t fired_at_ms = 0;
  int64_t resolved_at_ms = 0;
  int64_t keep_firing_since_ms = 0;
  double value = 0;
};

struct RuleSnapshot {
  Rule rule;
  std::string health = "unknown";  // "ok", "err", "unknown" (not evaluated yet)
  std::string last_error;
  int64_t last_eval_ms = 0;
  double eval_seconds = 0;
  AlertState state = AlertState::kInactive;  // the rule's: its most advanced alert
  std::vector<AlertSnapshot> alerts;         // inactive ones left out
};

struct GroupSnapshot {
  std::string name;
  std::string file;
  int64_t interval_ms = 0;
  int64_t limit = 0;
  int64_t last_eval_ms = 0;
  double eval_seconds = 0;
  std::vector<RuleSnapshot> rules;
};

class RuleManager {
 public:
  // `notifier` may be null (no destinations). All pointers must outlive the manager.
  RuleManager(QueryFn query, tsdb::Storage* storage, Notifier* notifier, const Clock* clock,
              ManagerOptions options);
  ~RuleManager();

  // Replaces the groups. An alerting rule that is still there (same group, file, name and
  // expression) keeps its alerts, as on Prometheus' reload. Starts evaluation threads when
  // Start() was called.
  void Update(std::vector<RuleGroup> groups);
  // Starts one evaluation thread per group; the first evaluation of each restores `for` state.
  void Start();
  void Stop();

  // Evaluates group `index` at `t_ms` now, in the caller's thread (tests drive a timeline with
  // it; the threads call it too). The group's first evaluation also restores `for` state.
  void EvalGroup(size_t index, int64_t t_ms);

  std::vector<GroupSnapshot> Snapshot() const;

 private:
  struct Group;

  void StartThreadsLocked();
  void StopThreads(std::vector<std::shared_ptr<Group>>& groups);
  void EvalRule(Group& g, size_t rule_index, int64_t t_ms);
  void RestoreForState(Group& g, int64_t t_ms);

  QueryFn query_;
  tsdb::Storage* storage_;
  Notifier* notifier_;
  const Clock* clock_;
  ManagerOptions options_;
  mutable std::mutex mu_;  // guards groups_ and started_; each Group has its own lock
  std::vector<std::shared_ptr<Group>> groups_;
  bool started_ = false;
};

}  // namespace gw::rules

#endif  // GW_RULES_MANAGER_H_
