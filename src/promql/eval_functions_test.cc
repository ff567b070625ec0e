// The range functions. Expected values are Prometheus 2.42's answers (promtool test rules on the
// same series), or worked out by hand where the comment says so.
#include "promql/eval_functions.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status_matchers.h"
#include "promql/functions.h"

namespace gw::promql {
namespace {

using ::gw::testing::StatusIs;
using ::testing::HasSubstr;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int64_t kMinute = 60000;

// A series with one sample a minute from minute `first` (promtool's "values: a b c").
std::vector<tsdb::Sample> Minutely(std::vector<double> values, int first = 0) {
  std::vector<tsdb::Sample> out;
  for (size_t i = 0; i < values.size(); ++i) {
    out.push_back({(first + static_cast<int64_t>(i)) * kMinute, values[i]});
  }
  return out;
}

// `name(series[range_min m])` evaluated at minute `at_min`, as the engine would call it.
StatusOr<std::optional<double>> CallAt(std::string_view name,
                                       const std::vector<tsdb::Sample>& series, int range_min,
                                       int at_min, std::vector<double> scalars = {}) {
  const Function* f = FindFunction(name);
  EXPECT_NE(f, nullptr) << name;
  RangeWindow w;
  w.end_ms = at_min * kMinute;
  w.start_ms = w.end_ms - range_min * kMinute;
  w.eval_ms = w.end_ms;
  auto begin = series.begin();
  while (begin != series.end() && begin->t_ms < w.start_ms) ++begin;
  auto end = begin;
  while (end != series.end() && end->t_ms <= w.end_ms) ++end;
  w.samples = std::span<const tsdb::Sample>(begin, end);
  return CallRangeFunction(*f, w, scalars);
}

// The value, which must exist; NaN stands for "no value" in failure output only.
double ValueAt(std::string_view name, const std::vector<tsdb::Sample>& series, int range_min,
               int at_min, std::vector<double> scalars = {}) {
  StatusOr<std::optional<double>> r = CallAt(name, series, range_min, at_min, std::move(scalars));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return -12345;
  EXPECT_TRUE(r->has_value()) << name << ": no value";
  return r->value_or(-12345);
}

// NOLINTBEGIN(cert-err58-cpp): test data; should building it throw before main(), the test
// binary ends, which is the right outcome for a test.
const std::vector<tsdb::Sample> kCounter = Minutely({0, 10, 20, 5, 15});  // a reset at 3m
const std::vector<tsdb::Sample> kGauge = Minutely({5, 3, 8, 1});
// NOLINTEND(cert-err58-cpp)

TEST(IsRangeFunctionTest, MatrixArgumentsExceptAbsentOverTime) {
  EXPECT_TRUE(IsRangeFunction(*FindFunction("rate")));
  EXPECT_TRUE(IsRangeFunction(*FindFunction("quantile_over_time")));
  EXPECT_TRUE(IsRangeFunction(*FindFunction("holt_winters")));
  EXPECT_FALSE(IsRangeFunction(*FindFunction("absent_over_time")));
  EXPECT_FALSE(IsRangeFunction(*FindFunction("abs")));
  EXPECT_FALSE(IsRangeFunction(*FindFunction("label_replace")));
}

TEST(RangeFunctionTest, NotARangeFunctionIsInternal) {
  EXPECT_THAT(CallAt("abs", kGauge, 5, 5), StatusIs(StatusCode::kInternal, HasSubstr("abs")));
}

TEST(RangeFunctionTest, EmptyWindowHasNoValue) {
  for (const char* name : {"rate", "changes", "sum_over_time", "count_over_time",
                           "present_over_time", "last_over_time", "max_over_time"}) {
    StatusOr<std::optional<double>> r = CallAt(name, kGauge, 5, 100);
    ASSERT_TRUE(r.ok()) << name;
    EXPECT_FALSE(r->has_value()) << name;
  }
}

TEST(RangeFunctionTest, OneSampleIsTooFewForRatesAndRegressions) {
  std::vector<tsdb::Sample> one = Minutely({7});
  for (const char* name : {"rate", "increase", "delta", "irate", "idelta", "deriv"}) {
    StatusOr<std::optional<double>> r = CallAt(name, one, 5, 1);
    ASSERT_TRUE(r.ok()) << name;
    EXPECT_FALSE(r->has_value()) << name;
  }
  EXPECT_FALSE(CallAt("predict_linear", one, 5, 1, {60})->has_value());
  EXPECT_FALSE(CallAt("holt_winters", one, 5, 1, {0.5, 0.5})->has_value());
  EXPECT_EQ(ValueAt("sum_over_time", one, 5, 1), 7);
}

TEST(RateTest, CorrectsCounterResetsAndExtrapolates) {
  // Samples 0..4m in [0, 5m]: to the end is 60 s, under 1.1 * 60 s, so it extrapolates there.
  EXPECT_DOUBLE_EQ(ValueAt("rate", kCounter, 5, 5), 0.14583333333333334);
  EXPECT_DOUBLE_EQ(ValueAt("increase", kCounter, 5, 5), 43.75);
  EXPECT_DOUBLE_EQ(ValueAt("increase", kCounter, 4, 4), 35);  // no extrapolation: 20 + 15
}

TEST(RateTest, ExtrapolationStopsAtTheCounterZeroPoint) {
  // 1, 2, 3 at 3m..5m in [0, 5m]: the zero point is 60 s before the first sample, which is
  // under the threshold (2.42 compares after capping), so it extrapolates 60 s: 3, not 2.5.
  std::vector<tsdb::Sample> late = Minutely({1, 2, 3}, 3);
  EXPECT_DOUBLE_EQ(ValueAt("increase", late, 5, 5), 3);
  EXPECT_DOUBLE_EQ(ValueAt("rate", late, 5, 5), 0.01);
}

TEST(RateTest, ResetWithinTheWindow) {
  // Hand-computed: 100 then 50 (a reset) at 0 and 1m, range 2m at 2m: an increase of 50 over
  // 60 s, extrapolated by the 60 s to the end (under 1.1 * 60 s): 100 over 120 s.
  std::vector<tsdb::Sample> reset = Minutely({100, 50});
  EXPECT_DOUBLE_EQ(ValueAt("rate", reset, 2, 2), 0.8333333333333334);
  EXPECT_DOUBLE_EQ(ValueAt("increase", reset, 1, 1), 50);
}

TEST(RateTest, FarFromTheEdgesExtrapolatesHalfAnInterval) {
  // 10, 20 at 2m and 3m in [0, 5m]: 120 s to each edge, over 1.1 * 60 s, so 30 s on each side.
  std::vector<tsdb::Sample> middle = Minutely({10, 20}, 2);
  EXPECT_DOUBLE_EQ(ValueAt("delta", middle, 5, 5), 20);
  // As a counter, the zero point 60 s before the first sample moves the start in to 60 s,
  // which is under the threshold: (60 + 60 + 30) / 60 * 10.
  EXPECT_DOUBLE_EQ(ValueAt("increase", middle, 5, 5), 25);
}

TEST(DeltaTest, GaugesAreNotCorrectedForResets) {
  EXPECT_DOUBLE_EQ(ValueAt("delta", kGauge, 3, 3), -4);
  EXPECT_DOUBLE_EQ(ValueAt("delta", kGauge, 5, 4), -6.666666666666667);
}

TEST(IrateTest, UsesTheLastTwoSamples) {
  EXPECT_DOUBLE_EQ(ValueAt("irate", kCounter, 5, 4), 0.16666666666666666);
  std::vector<tsdb::Sample> reset = Minutely({10, 20, 5});
  EXPECT_DOUBLE_EQ(ValueAt("irate", reset, 5, 2), 0.08333333333333333);  // 5 after a reset
  EXPECT_DOUBLE_EQ(ValueAt("idelta", reset, 5, 2), -15);
}

TEST(DerivTest, LeastSquaresSlope) {
  EXPECT_DOUBLE_EQ(ValueAt("deriv", kGauge, 5, 3), -0.011666666666666667);
  EXPECT_EQ(ValueAt("deriv", Minutely({5, 5}), 5, 1), 0);
  EXPECT_TRUE(std::isnan(ValueAt("deriv", Minutely({kInf, kInf}), 5, 1)));
}

TEST(DerivTest, UsesCompensatedSums) {
  // Plain sums give -0.10642916666666657.
  std::vector<tsdb::Sample> s = Minutely({78.84, 0.201, 6.008, 46.625, 60.886, 0.738, 0.589});
  EXPECT_EQ(ValueAt("deriv", s, 6, 6), -0.1064291666666666);
}

TEST(PredictLinearTest, ExtrapolatesFromTheEvaluationTime) {
  EXPECT_DOUBLE_EQ(ValueAt("predict_linear", kGauge, 5, 5, {60}), 1.0999999999999996);
  EXPECT_EQ(ValueAt("predict_linear", Minutely({5, 5}), 5, 1, {10}), 5);
  EXPECT_TRUE(std::isnan(ValueAt("predict_linear", Minutely({kInf, kInf}), 5, 1, {10})));
}

TEST(HoltWintersTest, SmoothsWithTrend) {
  EXPECT_DOUBLE_EQ(ValueAt("holt_winters", kGauge, 5, 3, {0.5, 0.5}), 2.625);
  EXPECT_DOUBLE_EQ(ValueAt("holt_winters", kGauge, 5, 3, {0.1, 0.9}), 0.39700000000000024);
}

TEST(HoltWintersTest, RejectsFactorsOutsideTheOpenUnitInterval) {
  EXPECT_THAT(CallAt("holt_winters", kGauge, 5, 3, {1, 0.5}),
              StatusIs(StatusCode::kInvalidArgument,
                       "invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000"));
  EXPECT_THAT(CallAt("holt_winters", kGauge, 5, 3, {0.5, 0}),
              StatusIs(StatusCode::kInvalidArgument,
                       "invalid trend factor. Expected: 0 < tf < 1, got: 0.000000"));
  EXPECT_THAT(CallAt("holt_winters", kGauge, 5, 3, {0.5, kInf}),
              StatusIs(StatusCode::kInvalidArgument,
                       "invalid trend factor. Expected: 0 < tf < 1, got: +Inf"));
  // Checked before counting samples, but only for a window with samples.
  EXPECT_THAT(CallAt("holt_winters", Minutely({1}), 5, 0, {-2, 0.5}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("got: -2.000000")));
  EXPECT_TRUE(CallAt("holt_winters", kGauge, 5, 100, {2, 2}).ok());
  // NaN passes Prometheus' check.
  EXPECT_TRUE(std::isnan(ValueAt("holt_winters", Minutely({kInf, 1}), 5, 1, {kNaN, 0.5})));
}

TEST(ResetsAndChangesTest, Count) {
  EXPECT_EQ(ValueAt("resets", kCounter, 5, 5), 1);
  // 1→NaN counts, NaN→NaN does not, NaN→2 counts, 2→2 does not, 2→3 counts.
  EXPECT_EQ(ValueAt("changes", Minutely({1, kNaN, kNaN, 2, 2, 3}), 5, 5), 3);
  EXPECT_EQ(ValueAt("changes", Minutely({4}), 5, 0), 0);
}

// NOLINTNEXTLINE(cert-err58-cpp): test data, as kCounter above.
const std::vector<tsdb::Sample> kValues = Minutely({4, 1, 3, 2, 10});

TEST(OverTimeTest, Aggregates) {
  EXPECT_EQ(ValueAt("sum_over_time", kValues, 5, 4), 20);
  EXPECT_EQ(ValueAt("avg_over_time", kValues, 5, 4), 4);
  EXPECT_EQ(ValueAt("count_over_time", kValues, 5, 4), 5);
  EXPECT_EQ(ValueAt("last_over_time", kValues, 5, 4), 10);
  EXPECT_EQ(ValueAt("present_over_time", kValues, 5, 4), 1);
  EXPECT_EQ(ValueAt("max_over_time", kValues, 5, 4), 10);
  EXPECT_EQ(ValueAt("min_over_time", kValues, 5, 4), 1);
  EXPECT_DOUBLE_EQ(ValueAt("stdvar_over_time", kValues, 5, 4), 10);
  EXPECT_DOUBLE_EQ(ValueAt("stddev_over_time", kValues, 5, 4), 3.1622776601683795);
}

TEST(OverTimeTest, CompensatedSums) {
  std::vector<tsdb::Sample> big = Minutely({1e100, 1, -1e100});
  EXPECT_EQ(ValueAt("sum_over_time", big, 5, 2), 1);  // plain summation gives 0
  std::vector<tsdb::Sample> s = Minutely({78.84, 0.201, 6.008, 46.625, 60.886, 0.738, 0.589});
  EXPECT_EQ(ValueAt("avg_over_time", s, 6, 6), 27.69814285714286);     // plain: ...855
  EXPECT_EQ(ValueAt("stdvar_over_time", s, 6, 6), 966.2084895510204);  // plain: ...0203
}

TEST(OverTimeTest, Infinities) {
  EXPECT_EQ(ValueAt("avg_over_time", Minutely({kInf, 1}), 5, 1), kInf);
  EXPECT_TRUE(std::isnan(ValueAt("avg_over_time", Minutely({kInf, -kInf}), 5, 1)));
  EXPECT_EQ(ValueAt("sum_over_time", Minutely({1, kInf}), 5, 1), kInf);
  EXPECT_TRUE(std::isnan(ValueAt("stddev_over_time", Minutely({kInf, 1}), 5, 1)));
}

TEST(OverTimeTest, NaNIsReplacedByLaterValuesInMaxAndMin) {
  EXPECT_EQ(ValueAt("max_over_time", Minutely({kNaN, 1}), 5, 1), 1);
  EXPECT_EQ(ValueAt("min_over_time", Minutely({kNaN, 1}), 5, 1), 1);
  EXPECT_EQ(ValueAt("max_over_time", Minutely({1, kNaN, 3, -2, 5}), 5, 4), 5);
  EXPECT_EQ(ValueAt("min_over_time", Minutely({1, kNaN, 3, -2, 5}), 5, 4), -2);
  EXPECT_TRUE(std::isnan(ValueAt("avg_over_time", Minutely({1, kNaN, 3}), 5, 2)));
}

TEST(QuantileOverTimeTest, InterpolatesBetweenRanks) {
  EXPECT_EQ(ValueAt("quantile_over_time", kValues, 5, 4, {0.5}), 3);
  EXPECT_DOUBLE_EQ(ValueAt("quantile_over_time", kValues, 5, 4, {0.3}), 2.2);
  EXPECT_EQ(ValueAt("quantile_over_time", kValues, 5, 4, {0}), 1);
  EXPECT_EQ(ValueAt("quantile_over_time", kValues, 5, 4, {1}), 10);
  // NaN sorts first: [NaN, -2, 1, 3, 5], rank 1.2.
  EXPECT_DOUBLE_EQ(ValueAt("quantile_over_time", Minutely({1, kNaN, 3, -2, 5}), 5, 4, {0.3}), -1.4);
}

TEST(QuantileOverTimeTest, QuantileOutOfRange) {
  EXPECT_EQ(ValueAt("quantile_over_time", kValues, 5, 4, {-0.5}), -kInf);
  EXPECT_EQ(ValueAt("quantile_over_time", kValues, 5, 4, {1.5}), kInf);
  EXPECT_TRUE(std::isnan(ValueAt("quantile_over_time", kValues, 5, 4, {kNaN})));
}

}  // namespace
}  // namespace gw::promql
