// Restoring alerts' `for` state after a restart from the ALERTS_FOR_STATE series (Prometheus
// 2.42's Group.RestoreForState), so that a restart neither drops nor re-fires alerts.
#include <optional>

#include "common/logging.h"
#include "rules/manager.h"
#include "rules/manager_internal.h"
#include "tsdb/sample.h"
#include "tsdb/series_iterator.h"

namespace gw::rules {
namespace {

// The newest sample of ALERTS_FOR_STATE for exactly `labels` in [mint, maxt], or nullopt
// (none, or the newest is a stale marker: the alert had ended).
std::optional<tsdb::Sample> LastForState(const tsdb::Querier& q, const tsdb::Labels& labels,
                                         int64_t mint, int64_t maxt) {
  std::vector<tsdb::Matcher> matchers;
  auto name = tsdb::Matcher::Create(tsdb::MatchType::kEqual, "__name__", "ALERTS_FOR_STATE");
  if (!name.ok()) return std::nullopt;
  matchers.push_back(*name);
  for (const tsdb::Label& l : labels) {
    auto m = tsdb::Matcher::Create(tsdb::MatchType::kEqual, l.name, l.value);
    if (m.ok()) matchers.push_back(*m);
  }
  auto found = q.Select(matchers, mint, maxt);
  if (!found.ok()) return std::nullopt;
  for (tsdb::SeriesChunks& sc : *found) {
    if (sc.labels.size() != labels.size() + 1) continue;  // exactly the alert's labels
    tsdb::SeriesIterator it(std::move(sc.chunks), mint, maxt);
    std::optional<tsdb::Sample> last;
    while (it.Next()) last = tsdb::Sample{it.t_ms(), it.value()};
    if (last && !tsdb::IsStaleMarker(last->v)) return last;
  }
  return std::nullopt;
}

}  // namespace

void RuleManager::RestoreForState(Group& g, int64_t t_ms) {
  const tsdb::Querier& q = storage_->querier();
  const int64_t mint = t_ms - options_.for_outage_tolerance_ms;
  for (size_t i = 0; i < g.def.rules.size(); ++i) {
    const Rule& rule = g.def.rules[i];
    internal::RuleState& st = g.states[i];
    if (rule.kind != Rule::Kind::kAlerting || st.restored) continue;
    // A hold shorter than the grace period is not worth restoring: waiting it out is shorter.
    if (rule.for_ms < options_.for_grace_period_ms) {
      st.restored = true;
      continue;
    }
    for (auto& [labels, a] : st.alerts) {
      if (a.state != AlertState::kPending) continue;
      std::optional<tsdb::Sample> s = LastForState(q, labels, mint, t_ms);
      if (!s) continue;
      int64_t active_at = static_cast<int64_t>(s->v) * 1000;
      const int64_t down_at = s->t_ms;
      const int64_t remaining = rule.for_ms - (down_at - active_at);
      if (remaining <= 0) {
        // Firing when the hub went down: the next evaluation fires it again.
      } else if (remaining < options_.for_grace_period_ms) {
        active_at = t_ms + options_.for_grace_period_ms - rule.for_ms;
      } else {
        active_at += t_ms - down_at;  // the time down does not count as pending
      }
      a.active_at_ms = active_at;
      GW_LOG_INFO("rule {}: restored the for-state of {} (active since {} ms)", rule.name,
                  labels.ToString(), active_at);
    }
    st.restored = true;
  }
}

}  // namespace gw::rules
