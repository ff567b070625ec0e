// The engine over a real store (in memory): lookback, staleness, offset and @, subqueries,
// step alignment, result shapes and the limits. The functions' and operators' arithmetic has
// its own tests; the differential test compares whole queries with Prometheus.
#include "promql/engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <thread>

#include "promql/parser.h"
#include "tsdb/db.h"
#include "tsdb/file_env_fault.h"
#include "tsdb/sample.h"

namespace gw::promql {
namespace {

using tsdb::Labels;

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = tsdb::Db::Open(&env_, "/db", tsdb::DbOptions{});
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = *std::move(db);
  }

  // Samples values[i] at (start_s + i * step_s) seconds.
  void Add(const Labels& labels, int64_t start_s, int64_t step_s, std::vector<double> values) {
    auto app = db_->NewAppender();
    for (size_t i = 0; i < values.size(); ++i) {
      ASSERT_TRUE(app->Append(0, labels, (start_s + static_cast<int64_t>(i) * step_s) * 1000,
                              values[i]).ok());
    }
    ASSERT_TRUE(app->Commit().ok());
  }

  StatusOr<Value> Instant(const std::string& q, int64_t t_s, QueryOptions opts = {}) {
    auto expr = ParseExpr(q);
    EXPECT_TRUE(expr.ok()) << q << ": " << expr.status().ToString();
    if (!expr.ok()) return expr.status();
    return Engine(&db_->querier(), options_).InstantQuery(**expr, t_s * 1000, opts);
  }

  StatusOr<Matrix> Range(const std::string& q, int64_t start_s, int64_t end_s, int64_t step_s) {
    auto expr = ParseExpr(q);
    EXPECT_TRUE(expr.ok()) << q << ": " << expr.status().ToString();
    if (!expr.ok()) return expr.status();
    return Engine(&db_->querier(), options_)
        .RangeQuery(**expr, start_s * 1000, end_s * 1000, step_s * 1000, {});
  }

  // The instant vector's values, by label set text.
  std::map<std::string, double> VectorOf(const std::string& q, int64_t t_s) {
    StatusOr<Value> v = Instant(q, t_s);
    EXPECT_TRUE(v.ok()) << q << ": " << v.status().ToString();
    std::map<std::string, double> out;
    if (!v.ok()) return out;
    const Vector* vec = std::get_if<Vector>(&*v);
    EXPECT_NE(vec, nullptr) << q;
    if (vec == nullptr) return out;
    for (const VectorElement& e : *vec) {
      EXPECT_EQ(e.t_ms, t_s * 1000) << q;
      out[e.metric.ToString()] = e.v;
    }
    return out;
  }

  tsdb::FaultInjectionEnv env_;
  std::unique_ptr<tsdb::Db> db_;
  EngineOptions options_;
  const Labels gpu0_{{"__name__", "gpu_temp"}, {"gpu", "0"}};
  const Labels gpu1_{{"__name__", "gpu_temp"}, {"gpu", "1"}};
};

TEST_F(EngineTest, InstantSelectorTakesTheNewestSampleWithinTheLookback) {
  Add(gpu0_, 0, 10, {50, 51, 52});  // t = 0, 10, 20 s
  EXPECT_EQ(VectorOf("gpu_temp", 25), (std::map<std::string, double>{{gpu0_.ToString(), 52}}));
  EXPECT_EQ(VectorOf("gpu_temp", 10), (std::map<std::string, double>{{gpu0_.ToString(), 51}}));
  // Exactly five minutes after the last sample it still counts (Prometheus 2.42); after, not.
  EXPECT_EQ(VectorOf("gpu_temp", 320).size(), 1u);
  EXPECT_TRUE(VectorOf("gpu_temp", 321).empty());
  // Before the first sample: nothing.
  Add(gpu1_, 100, 10, {70});
  EXPECT_EQ(VectorOf("gpu_temp", 99).size(), 1u);
  // A per-query lookback.
  QueryOptions short_lookback{.lookback_ms = 1000};
  StatusOr<Value> v = Instant("gpu_temp", 105, short_lookback);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(std::get<Vector>(*v).empty());
}

TEST_F(EngineTest, StaleMarkerEndsASeriesAtOnce) {
  Add(gpu0_, 0, 10, {50, 51, tsdb::StaleMarker()});
  EXPECT_EQ(VectorOf("gpu_temp", 15).size(), 1u);
  EXPECT_TRUE(VectorOf("gpu_temp", 20).empty());
  EXPECT_TRUE(VectorOf("gpu_temp", 60).empty());
  // Range functions never see the marker.
  EXPECT_EQ(VectorOf("count_over_time(gpu_temp[1m])", 30),
            (std::map<std::string, double>{{"{gpu=\"0\"}", 2}}));
}

TEST_F(EngineTest, OffsetAndAtMoveTheReadTime) {
  Add(gpu0_, 0, 10, {0, 1, 2, 3, 4, 5, 6});  // value = t / 10 s
  EXPECT_EQ(VectorOf("gpu_temp offset 20s", 60).begin()->second, 4);
  EXPECT_EQ(VectorOf("gpu_temp offset -20s", 20).begin()->second, 4);
  EXPECT_EQ(VectorOf("gpu_temp @ 30", 60).begin()->second, 3);
  EXPECT_EQ(VectorOf("gpu_temp @ 30 offset 10s", 60).begin()->second, 2);
  // @ start() and end() in a range query: every step sees the same sample.
  StatusOr<Matrix> m = Range("gpu_temp @ end()", 10, 40, 10);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->size(), 1u);
  ASSERT_EQ((*m)[0].points.size(), 4u);
  for (const tsdb::Sample& p : (*m)[0].points) EXPECT_EQ(p.v, 4);
  EXPECT_EQ((*m)[0].points[0].t_ms, 10'000);
}

TEST_F(EngineTest, RangeQueryEvaluatesEveryStepAndSortsSeries) {
  Add(gpu1_, 0, 10, {10, 20, 30, 40});
  Add(gpu0_, 0, 10, {1, 2, 3, 4});
  StatusOr<Matrix> m = Range("gpu_temp * 2", 0, 30, 15);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->size(), 2u);
  EXPECT_EQ((*m)[0].metric, (Labels{{"gpu", "0"}}));
  ASSERT_EQ((*m)[0].points.size(), 3u);
  EXPECT_EQ((*m)[0].points[1].t_ms, 15'000);
  EXPECT_EQ((*m)[0].points[1].v, 4);  // the sample at 10 s
  EXPECT_EQ((*m)[1].points[2].v, 80);
}

TEST_F(EngineTest, RangeWindowIncludesBothEnds) {
  Add(gpu0_, 0, 10, {1, 1, 1, 1, 1, 1, 1});
  // [30 s, 60 s] holds the samples at 30, 40, 50 and 60 s (Prometheus 2.42: closed at both ends).
  EXPECT_EQ(VectorOf("count_over_time(gpu_temp[30s])", 60).begin()->second, 4);
  // last_over_time keeps the name; the other range functions drop it.
  EXPECT_EQ(VectorOf("last_over_time(gpu_temp[30s])", 60).begin()->first, gpu0_.ToString());
}

TEST_F(EngineTest, SubqueryStepsAreAlignedToTheStep) {
  Add(gpu0_, 0, 1, std::vector<double>(100, 1));  // one sample a second
  // [60s:20s] at 95 s: steps at 40, 60 and 80 s (multiples of 20 s inside [35 s, 95 s]).
  StatusOr<Value> v = Instant("gpu_temp[60s:20s]", 95);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  const Matrix& m = std::get<Matrix>(*v);
  ASSERT_EQ(m.size(), 1u);
  ASSERT_EQ(m[0].points.size(), 3u);
  EXPECT_EQ(m[0].points[0].t_ms, 40'000);
  EXPECT_EQ(m[0].points[2].t_ms, 80'000);
  EXPECT_EQ(VectorOf("count_over_time(gpu_temp[60s:20s])", 95).begin()->second, 3);
  EXPECT_EQ(VectorOf("count_over_time(gpu_temp[60s:20s] offset 20s)", 95).begin()->second, 3);
}

TEST_F(EngineTest, AbsentTakesLabelsFromEqualityMatchers) {
  Add(gpu0_, 0, 10, {1});
  EXPECT_TRUE(VectorOf("absent(gpu_temp)", 5).empty());
  EXPECT_EQ(VectorOf("absent(nothing{job=\"slurm\", node=~\"n.*\"})", 5),
            (std::map<std::string, double>{{"{job=\"slurm\"}", 1}}));
  EXPECT_EQ(VectorOf("absent(nothing{job=\"a\", job=\"b\"})", 5),
            (std::map<std::string, double>{{"{}", 1}}));
  EXPECT_EQ(VectorOf("absent_over_time(gpu_temp{gpu=\"0\"}[1m])", 400),
            (std::map<std::string, double>{{"{gpu=\"0\"}", 1}}));
  EXPECT_TRUE(VectorOf("absent_over_time(gpu_temp[1m])", 30).empty());
}

TEST_F(EngineTest, TimestampOfASelectorIsTheSampleTime) {
  Add(gpu0_, 10, 10, {1});
  EXPECT_EQ(VectorOf("timestamp(gpu_temp)", 100),
            (std::map<std::string, double>{{"{gpu=\"0\"}", 10}}));
  // Of any other expression: the evaluation time.
  EXPECT_EQ(VectorOf("timestamp(gpu_temp + 1)", 100).begin()->second, 100);
}

TEST_F(EngineTest, ScalarAndStringResults) {
  StatusOr<Value> v = Instant("1 + 1", 4);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(std::get<Scalar>(*v).v, 2);
  EXPECT_EQ(std::get<Scalar>(*v).t_ms, 4000);
  v = Instant("\"hello\"", 4);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(std::get<String>(*v).v, "hello");
  StatusOr<Matrix> m = Range("time()", 0, 20, 10);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->size(), 1u);
  EXPECT_TRUE((*m)[0].metric.empty());
  EXPECT_EQ((*m)[0].points[2].v, 20);
}

TEST_F(EngineTest, DuplicateLabelSetsAfterDroppingTheNameFail) {
  Add(Labels{{"__name__", "a"}, {"gpu", "0"}}, 0, 10, {1, 2});
  Add(Labels{{"__name__", "b"}, {"gpu", "0"}}, 0, 10, {1, 2});
  StatusOr<Value> v = Instant("rate({gpu=\"0\"}[1m])", 10);
  EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(v.status().message(), ::testing::HasSubstr("same labelset"));
  StatusOr<Matrix> m = Range("-{gpu=\"0\"}", 0, 10, 5);
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(EngineTest, RangeQueryParametersAreChecked) {
  auto expr = ParseExpr("gpu_temp");
  ASSERT_TRUE(expr.ok());
  EXPECT_TRUE(ValidateRangeQuery(**expr, 0, int64_t{11000} * 1000, 1000).ok());
  EXPECT_EQ(ValidateRangeQuery(**expr, 0, int64_t{11001} * 1000, 1000).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateRangeQuery(**expr, 10, 0, 1000).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateRangeQuery(**expr, 0, 10, 0).code(), StatusCode::kInvalidArgument);
  auto matrix = ParseExpr("gpu_temp[5m]");
  ASSERT_TRUE(matrix.ok());
  EXPECT_THAT(ValidateRangeQuery(**matrix, 0, 10, 1).message(),
              ::testing::HasSubstr("invalid expression type \"range vector\""));
}

TEST_F(EngineTest, SampleLimitAndTimeoutAreErrors) {
  Add(gpu0_, 0, 1, std::vector<double>(50, 1));
  options_.max_samples = 20;
  StatusOr<Value> v = Instant("count_over_time(gpu_temp[1m])", 50);
  EXPECT_EQ(v.status().code(), StatusCode::kResourceExhausted);
  options_.max_samples = 1000;
  EXPECT_TRUE(Instant("count_over_time(gpu_temp[1m])", 50).ok());
  QueryOptions expired{.timeout = std::chrono::milliseconds(-1)};
  EXPECT_EQ(Instant("gpu_temp", 50, expired).status().code(), StatusCode::kDeadlineExceeded);
}

// A querier that, after each Select and before the engine decodes what it got, commits new
// samples to the same series from another thread and waits for the commit: were any store lock
// held across evaluation, the commit would block and the query with it.
class IngestingQuerier : public tsdb::Querier {
 public:
  explicit IngestingQuerier(tsdb::Db* db) : db_(db) {}

  StatusOr<std::vector<tsdb::SeriesChunks>> Select(const std::vector<tsdb::Matcher>& m,
                                                   int64_t mint, int64_t maxt) const override {
    auto found = db_->querier().Select(m, mint, maxt);
    if (!found.ok()) return found;
    std::thread writer([&] {
      auto app = db_->NewAppender();
      for (const tsdb::SeriesChunks& s : *found) {
        for (int i = 0; i < 50; ++i) {
          if (app->Append(0, s.labels, next_t_ms_ + int64_t{i} * 1000, 1e6).ok()) ++appended_;
        }
      }
      if (!app->Commit().ok()) appended_ = -1'000'000;
    });
    writer.join();
    next_t_ms_ += 50'000;
    return found;
  }
  StatusOr<std::vector<std::string>> LabelNames(const std::vector<tsdb::Matcher>& m, int64_t a,
                                                int64_t b) const override {
    return db_->querier().LabelNames(m, a, b);
  }
  StatusOr<std::vector<std::string>> LabelValues(std::string_view n,
                                                 const std::vector<tsdb::Matcher>& m, int64_t a,
                                                 int64_t b) const override {
    return db_->querier().LabelValues(n, m, a, b);
  }
  int appended() const { return appended_; }

 private:
  tsdb::Db* db_;
  mutable int appended_ = 0;
  mutable int64_t next_t_ms_ = 1'000'000;
};

TEST_F(EngineTest, IngestionGoesOnWhileAQueryEvaluates) {
  Add(gpu0_, 0, 1, std::vector<double>(600, 1));
  Add(gpu1_, 0, 1, std::vector<double>(600, 2));
  IngestingQuerier querier(db_.get());
  const Engine engine(&querier, options_);
  auto expr = ParseExpr("sum(count_over_time(gpu_temp[10m]))");
  ASSERT_TRUE(expr.ok());
  // The query sees its snapshot (the samples up to 599 s), whatever was committed meanwhile.
  StatusOr<Value> v = engine.InstantQuery(**expr, 599'000, {});
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(std::get<Vector>(*v)[0].v, 1200);
  EXPECT_EQ(querier.appended(), 100);
  StatusOr<Matrix> m = engine.RangeQuery(**expr, 0, 599'000, 60'000, {});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(querier.appended(), 200);
}

}  // namespace
}  // namespace gw::promql
