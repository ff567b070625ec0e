// The rule manager over a scripted timeline: the alert state machine as Prometheus runs it,
// the ALERTS series, recording rules, sending, and restoring `for` state after a restart.
#include "rules/manager.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "promql/engine.h"
#include "promql/parser.h"
#include "tsdb/db.h"
#include "tsdb/file_env_fault.h"

namespace gw::rules {
namespace {

constexpr int64_t kMin = 60'000;

class RecordingNotifier : public Notifier {
 public:
  void Send(std::vector<NotifierAlert> alerts) override {
    std::lock_guard lock(mu_);
    for (NotifierAlert& a : alerts) sent_.push_back(std::move(a));
  }
  void AppendMetrics(std::vector<metrics::MetricFamily>&) const override {}
  void Stop(std::chrono::milliseconds) override {}
  std::vector<NotifierAlert> Take() {
    std::lock_guard lock(mu_);
    return std::exchange(sent_, {});
  }

 private:
  std::mutex mu_;
  std::vector<NotifierAlert> sent_;
};

Rule MakeRule(Rule::Kind kind, std::string name, std::string expr, int64_t for_ms = 0) {
  Rule r;
  r.kind = kind;
  r.name = std::move(name);
  r.expr_text = std::move(expr);
  auto parsed = promql::ParseExpr(r.expr_text);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  r.expr = std::shared_ptr<const promql::Expr>(std::move(*parsed));
  r.for_ms = for_ms;
  return r;
}

class RuleManagerTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    auto db = tsdb::Db::Open(&env_, "/db", tsdb::DbOptions{});
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = *std::move(db);
    engine_ = std::make_unique<promql::Engine>(&db_->querier(), promql::EngineOptions{});
  }

  std::unique_ptr<RuleManager> NewManager(std::vector<RuleGroup> groups) {
    ManagerOptions o;
    o.external_url = "http://hub:3000";
    auto m = std::make_unique<RuleManager>(
        [this](const promql::Expr& e, int64_t t) -> StatusOr<promql::Vector> {
          GW_ASSIGN_OR_RETURN(promql::Value v, engine_->InstantQuery(e, t, {}));
          if (auto* s = std::get_if<promql::Scalar>(&v)) return promql::Vector{{{}, t, s->v}};
          return std::get<promql::Vector>(std::move(v));
        },
        db_.get(), &notifier_, &clock_, o);
    m->Update(std::move(groups));
    return m;
  }

  void Temp(int64_t t_ms, double v) {
    auto app = db_->NewAppender();
    ASSERT_TRUE(app->Append(0, {{"__name__", "gpu_temp"}, {"Hostname", "n1"}, {"gpu", "0"}},
                            t_ms, v).ok());
    ASSERT_TRUE(app->Commit().ok());
  }

  // The value of `query` at t (an instant vector of at most one element), or NaN when empty.
  double ValueAt(const std::string& query, int64_t t_ms) {
    auto e = promql::ParseExpr(query);
    EXPECT_TRUE(e.ok());
    auto v = engine_->InstantQuery(**e, t_ms, {});
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    const auto& vec = std::get<promql::Vector>(*v);
    return vec.empty() ? std::nan("") : vec[0].v;
  }

  AlertState StateOf(RuleManager& m) {
    auto groups = m.Snapshot();
    return groups.at(0).rules.at(0).state;
  }

  tsdb::FaultInjectionEnv env_;
  std::unique_ptr<tsdb::Db> db_;
  std::unique_ptr<promql::Engine> engine_;
  RecordingNotifier notifier_;
  FakeClock clock_{0};
};

RuleGroup HotGroup(int64_t for_ms) {
  Rule r = MakeRule(Rule::Kind::kAlerting, "GpuHot", "gpu_temp > 85", for_ms);
  r.labels = {{"severity", "page"}};
  r.annotations = {{"summary", "hot"}};
  return RuleGroup{"gpu", "gpu.rules.yml", kMin, 0, {r}};
}

TEST_F(RuleManagerTest, PendingThenFiringThenResolvedAndResent) {
  auto m = NewManager({HotGroup(2 * kMin)});
  for (int i = 0; i <= 20; ++i) Temp(i * kMin, i >= 1 && i <= 5 ? 90 : 50);
  m->EvalGroup(0, 0);
  EXPECT_EQ(StateOf(*m), AlertState::kInactive);
  m->EvalGroup(0, 1 * kMin);  // hot: pending
  EXPECT_EQ(StateOf(*m), AlertState::kPending);
  EXPECT_TRUE(notifier_.Take().empty());  // pending alerts are never sent
  m->EvalGroup(0, 2 * kMin);
  EXPECT_EQ(StateOf(*m), AlertState::kPending);
  m->EvalGroup(0, 3 * kMin);  // two minutes pending: firing
  EXPECT_EQ(StateOf(*m), AlertState::kFiring);
  std::vector<NotifierAlert> sent = notifier_.Take();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].labels, (tsdb::Labels{{"Hostname", "n1"}, {"alertname", "GpuHot"},
                                          {"gpu", "0"}, {"severity", "page"}}));
  EXPECT_EQ(sent[0].annotations.Get("summary"), "hot");
  EXPECT_EQ(sent[0].starts_at_ms, 3 * kMin);
  EXPECT_EQ(sent[0].ends_at_ms, 3 * kMin + 4 * kMin);  // valid for 4 x max(interval, resend)
  EXPECT_THAT(sent[0].generator_url, ::testing::StartsWith("http://hub:3000/graph?g0.expr="));
  m->EvalGroup(0, 4 * kMin);
  EXPECT_TRUE(notifier_.Take().empty());  // sent a minute ago: not yet again
  m->EvalGroup(0, 5 * kMin);
  EXPECT_EQ(notifier_.Take().size(), 1u);  // resend after resend_delay
  m->EvalGroup(0, 6 * kMin);               // cool again: resolved, sent at once
  EXPECT_EQ(StateOf(*m), AlertState::kInactive);
  sent = notifier_.Take();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].ends_at_ms, 6 * kMin);
  // Re-sent while kept (15 minutes), then dropped.
  int resends = 0;
  for (int i = 7; i <= 23; ++i) {
    m->EvalGroup(0, i * kMin);
    resends += static_cast<int>(notifier_.Take().size());
  }
  EXPECT_GE(resends, 7);
  m->EvalGroup(0, 24 * kMin);
  EXPECT_TRUE(notifier_.Take().empty());
}

TEST_F(RuleManagerTest, AlertsSeriesFollowTheState) {
  auto m = NewManager({HotGroup(kMin)});
  for (int i = 0; i <= 5; ++i) Temp(i * kMin, i >= 1 && i <= 3 ? 90 : 50);
  for (int i = 0; i <= 5; ++i) m->EvalGroup(0, i * kMin);
  EXPECT_EQ(ValueAt("ALERTS{alertname=\"GpuHot\", alertstate=\"pending\"}", 1 * kMin), 1);
  EXPECT_EQ(ValueAt("ALERTS{alertname=\"GpuHot\", alertstate=\"firing\"}", 2 * kMin), 1);
  EXPECT_TRUE(std::isnan(ValueAt("ALERTS{alertstate=\"pending\"}", 2 * kMin)));  // stale
  EXPECT_EQ(ValueAt("ALERTS_FOR_STATE{alertname=\"GpuHot\"}", 3 * kMin), 60);  // active at 60 s
  EXPECT_TRUE(std::isnan(ValueAt("ALERTS", 4 * kMin)));  // resolved: marked stale
}

TEST_F(RuleManagerTest, KeepFiringForHoldsAResolvedAlert) {
  RuleGroup g = HotGroup(0);
  g.rules[0].keep_firing_for_ms = 2 * kMin;
  auto m = NewManager({g});
  for (int i = 0; i <= 6; ++i) Temp(i * kMin, i == 1 ? 90 : 50);
  m->EvalGroup(0, 1 * kMin);
  EXPECT_EQ(StateOf(*m), AlertState::kFiring);
  m->EvalGroup(0, 2 * kMin);
  m->EvalGroup(0, 3 * kMin);
  EXPECT_EQ(StateOf(*m), AlertState::kFiring);  // kept for two minutes after it stopped
  m->EvalGroup(0, 4 * kMin);
  EXPECT_EQ(StateOf(*m), AlertState::kInactive);
}

TEST_F(RuleManagerTest, RestartNeitherDropsNorRefiresPendingTime) {
  // for = 20 minutes (longer than the 10-minute grace period, so it is restored).
  for (int i = 0; i <= 60; ++i) Temp(i * kMin, 90);
  {
    auto m = NewManager({HotGroup(20 * kMin)});
    for (int i = 0; i <= 10; ++i) m->EvalGroup(0, i * kMin);  // pending since 0, for 10 min
    EXPECT_EQ(StateOf(*m), AlertState::kPending);
  }
  // Down for 5 minutes; a new manager on the same store.
  auto m = NewManager({HotGroup(20 * kMin)});
  m->EvalGroup(0, 15 * kMin);  // restores: active_at moves by the 5 minutes down
  auto snap = m->Snapshot();
  ASSERT_EQ(snap[0].rules[0].alerts.size(), 1u);
  EXPECT_EQ(snap[0].rules[0].alerts[0].active_at_ms, 5 * kMin);
  m->EvalGroup(0, 24 * kMin);
  EXPECT_EQ(StateOf(*m), AlertState::kPending);  // not fired early
  m->EvalGroup(0, 25 * kMin);
  EXPECT_EQ(StateOf(*m), AlertState::kFiring);   // 20 minutes of pending, the downtime aside
}

TEST_F(RuleManagerTest, RestartOfAFiringAlertKeepsItFiring) {
  for (int i = 0; i <= 60; ++i) Temp(i * kMin, 90);
  {
    auto m = NewManager({HotGroup(20 * kMin)});
    for (int i = 0; i <= 30; ++i) m->EvalGroup(0, i * kMin);
    EXPECT_EQ(StateOf(*m), AlertState::kFiring);
  }
  auto m = NewManager({HotGroup(20 * kMin)});
  m->EvalGroup(0, 32 * kMin);  // pending again for one evaluation, active since 0
  EXPECT_EQ(m->Snapshot()[0].rules[0].alerts[0].active_at_ms, 0);
  m->EvalGroup(0, 33 * kMin);
  EXPECT_EQ(StateOf(*m), AlertState::kFiring);
}

TEST_F(RuleManagerTest, RecordingRulesWriteTheirSeries) {
  Rule r = MakeRule(Rule::Kind::kRecording, "node:gpu_temp:max", "max by (Hostname) (gpu_temp)");
  r.labels = {{"source", "rule"}};
  auto m = NewManager({RuleGroup{"rec", "rec.yml", kMin, 0, {r}}});
  Temp(0, 70);
  m->EvalGroup(0, 30'000);
  EXPECT_EQ(ValueAt("node:gpu_temp:max{Hostname=\"n1\", source=\"rule\"}", 30'000), 70);
  EXPECT_EQ(m->Snapshot()[0].rules[0].health, "ok");
}

TEST_F(RuleManagerTest, BadResultsAreRuleErrors) {
  // Dropping gpu makes two GPUs one label set.
  auto app = db_->NewAppender();
  ASSERT_TRUE(app->Append(0, {{"__name__", "x"}, {"gpu", "0"}}, 0, 1).ok());
  ASSERT_TRUE(app->Append(0, {{"__name__", "x"}, {"gpu", "1"}}, 0, 1).ok());
  ASSERT_TRUE(app->Commit().ok());
  Rule r = MakeRule(Rule::Kind::kRecording, "y", "x");
  r.labels = {{"gpu", "all"}};
  Rule limited = MakeRule(Rule::Kind::kAlerting, "Many", "x > 0");
  auto m = NewManager({RuleGroup{"g", "g.yml", kMin, 1, {r, limited}}});
  m->EvalGroup(0, 1000);
  auto snap = m->Snapshot();
  EXPECT_EQ(snap[0].rules[0].health, "err");
  EXPECT_THAT(snap[0].rules[0].last_error, ::testing::HasSubstr("same labelset"));
  EXPECT_THAT(snap[0].rules[1].last_error, ::testing::HasSubstr("exceeded limit of 1 with 2"));
}

}  // namespace
}  // namespace gw::rules
