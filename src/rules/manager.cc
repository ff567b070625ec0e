#include "rules/manager.h"

#include <chrono>
#include <cmath>
#include <utility>

#include "common/logging.h"
#include "rules/manager_internal.h"
#include "tsdb/sample.h"
#include "tsdb/series_iterator.h"

namespace gw::rules {

using internal::RuleState;

std::string_view AlertStateName(AlertState s) {
  switch (s) {
    case AlertState::kPending:
      return "pending";
    case AlertState::kFiring:
      return "firing";
    default:
      return "inactive";
  }
}


namespace {

bool SameRule(const Rule& a, const Rule& b) {
  return a.kind == b.kind && a.name == b.name && a.expr_text == b.expr_text &&
         a.labels == b.labels && a.for_ms == b.for_ms;
}

}  // namespace

RuleManager::RuleManager(QueryFn query, tsdb::Storage* storage, Notifier* notifier,
                         const Clock* clock, ManagerOptions options)
    : query_(std::move(query)),
      storage_(storage),
      notifier_(notifier),
      clock_(clock),
      options_(std::move(options)) {}

RuleManager::~RuleManager() { Stop(); }

void RuleManager::Update(std::vector<RuleGroup> groups) {
  std::vector<std::shared_ptr<Group>> fresh;
  for (RuleGroup& def : groups) {
    auto g = std::make_shared<Group>();
    g->states.resize(def.rules.size());
    g->def = std::move(def);
    fresh.push_back(std::move(g));
  }
  std::vector<std::shared_ptr<Group>> old;
  {
    std::lock_guard lock(mu_);
    old = groups_;
  }
  StopThreads(old);
  // Carry over the state of rules that are still there, as Prometheus does on reload.
  for (auto& g : fresh) {
    for (const auto& o : old) {
      if (o->def.name != g->def.name || o->def.file != g->def.file) continue;
      std::lock_guard lock(o->mu);
      g->restored = o->restored;
      for (size_t i = 0; i < g->def.rules.size(); ++i) {
        for (size_t j = 0; j < o->def.rules.size(); ++j) {
          if (SameRule(g->def.rules[i], o->def.rules[j])) g->states[i] = o->states[j];
        }
      }
    }
  }
  std::lock_guard lock(mu_);
  groups_ = std::move(fresh);
  if (started_) StartThreadsLocked();
}

void RuleManager::Start() {
  std::lock_guard lock(mu_);
  if (started_) return;
  started_ = true;
  StartThreadsLocked();
}

void RuleManager::Stop() {
  std::vector<std::shared_ptr<Group>> groups;
  {
    std::lock_guard lock(mu_);
    started_ = false;
    groups = groups_;
  }
  StopThreads(groups);
}

void RuleManager::StartThreadsLocked() {
  for (size_t i = 0; i < groups_.size(); ++i) {
    Group& g = *groups_[i];
    g.thread.Start("rules-" + g.def.name, std::chrono::milliseconds(g.interval_ms(options_)),
                   [this, i] { EvalGroup(i, clock_->NowMs()); });
  }
}

void RuleManager::StopThreads(std::vector<std::shared_ptr<Group>>& groups) {
  for (auto& g : groups) g->thread.Stop();
}

void RuleManager::EvalGroup(size_t index, int64_t t_ms) {
  std::shared_ptr<Group> g;
  {
    std::lock_guard lock(mu_);
    if (index >= groups_.size()) return;
    g = groups_[index];
  }
  std::lock_guard lock(g->mu);
  const auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < g->def.rules.size(); ++i) EvalRule(*g, i, t_ms);
  if (!g->restored) {
    RestoreForState(*g, t_ms);
    g->restored = true;
  }
  for (size_t i = 0; i < g->def.rules.size(); ++i) {
    if (g->def.rules[i].kind != Rule::Kind::kAlerting) continue;
    std::vector<NotifierAlert> due = internal::AlertsToSend(
        g->def.rules[i], t_ms, g->interval_ms(options_), options_, &g->states[i]);
    if (!due.empty() && notifier_ != nullptr) notifier_->Send(std::move(due));
  }
  g->last_eval_ms = t_ms;
  g->eval_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void RuleManager::EvalRule(Group& g, size_t i, int64_t t_ms) {
  const Rule& rule = g.def.rules[i];
  RuleState& st = g.states[i];
  const auto start = std::chrono::steady_clock::now();
  StatusOr<promql::Vector> samples = [&]() -> StatusOr<promql::Vector> {
    GW_ASSIGN_OR_RETURN(promql::Vector result, query_(*rule.expr, t_ms));
    if (rule.kind == Rule::Kind::kAlerting) {
      return internal::EvalAlertingRule(rule, result, t_ms, g.def.limit, options_, &st);
    }
    return internal::EvalRecordingRule(rule, result, t_ms, g.def.limit);
  }();
  st.last_eval_ms = t_ms;
  st.eval_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  st.health = samples.ok() ? "ok" : "err";
  st.last_error = samples.ok() ? "" : samples.status().message();
  if (!samples.ok()) {
    GW_LOG_WARN("rule {} in group {}: {}", rule.name, g.def.name, st.last_error);
    return;
  }
  // Write the samples, and stale markers for the series that are gone since the last time.
  std::set<tsdb::Labels> written;
  auto app = storage_->NewAppender();
  for (const promql::VectorElement& s : *samples) {
    if (app->Append(0, s.metric, t_ms, s.v).ok()) written.insert(s.metric);
  }
  for (const tsdb::Labels& gone : st.written) {
    if (!written.contains(gone)) app->Append(0, gone, t_ms, tsdb::StaleMarker()).IgnoreError();
  }
  if (StatusOr<tsdb::CommitResult> c = app->Commit(); !c.ok()) {
    GW_LOG_WARN("rule {}: storing its samples: {}", rule.name, c.status().ToString());
  }
  st.written = std::move(written);
}

std::vector<GroupSnapshot> RuleManager::Snapshot() const {
  std::vector<std::shared_ptr<Group>> groups;
  {
    std::lock_guard lock(mu_);
    groups = groups_;
  }
  std::vector<GroupSnapshot> out;
  for (const auto& g : groups) {
    std::lock_guard lock(g->mu);
    GroupSnapshot gs{g->def.name, g->def.file, g->interval_ms(options_), g->def.limit,
                     g->last_eval_ms, g->eval_seconds, {}};
    for (size_t i = 0; i < g->def.rules.size(); ++i) {
      const RuleState& st = g->states[i];
      RuleSnapshot rs{g->def.rules[i], st.health, st.last_error, st.last_eval_ms,
                      st.eval_seconds, AlertState::kInactive, {}};
      for (const auto& [labels, a] : st.alerts) {
        if (a.state == AlertState::kInactive) continue;
        rs.alerts.push_back(a);
        if (a.state > rs.state) rs.state = a.state;
      }
      gs.rules.push_back(std::move(rs));
    }
    out.push_back(std::move(gs));
  }
  return out;
}

}  // namespace gw::rules
