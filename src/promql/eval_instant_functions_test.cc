// The instant functions but label_replace and label_join. Expected values are Prometheus 2.42's
// answers (promtool test rules), or worked out by hand where the comment says so.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "promql/eval_functions.h"
#include "promql/functions.h"

namespace gw::promql {
namespace {

using ::gw::testing::StatusIs;
using ::testing::HasSubstr;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int64_t kT = 1700000000000;  // the evaluation time

Vector Call(std::string_view name, std::vector<ArgValue> args, int64_t t_ms = kT) {
  const Function* f = FindFunction(name);
  EXPECT_NE(f, nullptr) << name;
  StatusOr<Vector> r = CallInstantFunction(*f, args, t_ms);
  EXPECT_TRUE(r.ok()) << name << ": " << r.status().ToString();
  return r.ok() ? *r : Vector{};
}

// `name(x)` for x = one element {__name__="x", a="b"} with value v; the result's only value.
double Apply(std::string_view name, double v, std::vector<ArgValue> more = {}) {
  std::vector<ArgValue> args{Vector{{{{"__name__", "x"}, {"a", "b"}}, 0, v}}};
  args.insert(args.end(), more.begin(), more.end());
  Vector out = Call(name, args);
  EXPECT_EQ(out.size(), 1u) << name;
  if (out.empty()) return -12345;
  EXPECT_EQ(out[0].metric, (tsdb::Labels{{"a", "b"}})) << name << " must drop __name__";
  EXPECT_EQ(out[0].t_ms, kT);
  return out[0].v;
}

TEST(InstantFunctionTest, RangeFunctionIsInternal) {
  EXPECT_THAT(CallInstantFunction(*FindFunction("rate"), {}, kT),
              StatusIs(StatusCode::kInternal, HasSubstr("rate")));
}

TEST(MathTest, ExactResults) {
  EXPECT_EQ(Apply("abs", -2.5), 2.5);
  EXPECT_EQ(Apply("ceil", 1.2), 2);
  EXPECT_EQ(Apply("floor", -1.2), -2);
  EXPECT_EQ(Apply("exp", 0), 1);
  EXPECT_EQ(Apply("sqrt", 16), 4);
  EXPECT_EQ(Apply("ln", 1), 0);
  EXPECT_EQ(Apply("log2", 8), 3);
  EXPECT_EQ(Apply("log10", 1000), 3);
  EXPECT_EQ(Apply("sgn", -0.5), -1);
  EXPECT_EQ(Apply("sgn", 3), 1);
  EXPECT_EQ(Apply("sgn", 0), 0);
  EXPECT_EQ(Apply("deg", 1), 57.29577951308232);
  EXPECT_EQ(Apply("rad", 180), 3.141592653589793);
}

TEST(MathTest, LogarithmsAsGoComputesThem) {
  // The C library's log10(0.1) is -1; Go's log(x) * (1/ln 10) is one ulp off, and Prometheus
  // says so. Likewise ln and log2 to the last bit.
  EXPECT_EQ(Apply("log10", 0.1), -0.9999999999999999);
  EXPECT_EQ(Apply("log10", 1.0001), 4.342727686266485e-05);
  EXPECT_EQ(Apply("ln", 3), 1.0986122886681096);  // glibc: ...098
  EXPECT_EQ(Apply("ln", 1.3436424411240122), 0.29538416587547023);
  EXPECT_EQ(Apply("log2", 0.29040787574867943), -1.7838475156945695);
  EXPECT_EQ(Apply("log2", 10), 3.321928094887362);
}

TEST(MathTest, DomainEdges) {
  EXPECT_EQ(Apply("log2", 0), -kInf);
  EXPECT_EQ(Apply("ln", 0), -kInf);
  EXPECT_EQ(Apply("ln", kInf), kInf);
  EXPECT_TRUE(std::isnan(Apply("ln", -1)));
  EXPECT_TRUE(std::isnan(Apply("log10", -1)));
  EXPECT_TRUE(std::isnan(Apply("sqrt", -1)));
  EXPECT_TRUE(std::isnan(Apply("acosh", 0.5)));
  EXPECT_TRUE(std::isnan(Apply("sgn", kNaN)));
  EXPECT_EQ(Apply("exp", kInf), kInf);
  EXPECT_EQ(Apply("atanh", 1), kInf);
}

// Go's own trigonometry may differ from the C library's in the last bit (tan(1), atanh(0.5)):
// near is what this implementation promises.
TEST(MathTest, Trigonometry) {
  EXPECT_DOUBLE_EQ(Apply("sin", 0.5), 0.479425538604203);
  EXPECT_DOUBLE_EQ(Apply("cos", 0), 1);
  EXPECT_DOUBLE_EQ(Apply("tan", 1), 1.557407724654902);
  EXPECT_DOUBLE_EQ(Apply("asin", 1), 1.5707963267948966);
  EXPECT_DOUBLE_EQ(Apply("acos", 1), 0);
  EXPECT_DOUBLE_EQ(Apply("atan", 1), 0.7853981633974483);
  EXPECT_DOUBLE_EQ(Apply("sinh", 1), 1.1752011936438014);
  EXPECT_DOUBLE_EQ(Apply("cosh", 1), 1.5430806348152437);
  EXPECT_DOUBLE_EQ(Apply("tanh", 1), 0.7615941559557649);
  EXPECT_DOUBLE_EQ(Apply("asinh", 1), 0.881373587019543);
  EXPECT_DOUBLE_EQ(Apply("acosh", 2), 1.3169578969248166);
  EXPECT_DOUBLE_EQ(Apply("atanh", 0.5), 0.5493061443340548);
}

TEST(RoundTest, TiesRoundUp) {
  EXPECT_EQ(Apply("round", 2.5), 3);
  EXPECT_EQ(Apply("round", -2.5), -2);
  EXPECT_EQ(Apply("round", 1.234, {0.1}), 1.2);
  EXPECT_EQ(Apply("round", 1.25, {0.1}), 1.3);
  EXPECT_EQ(Apply("round", 7, {5.0}), 5);
}

TEST(ClampTest, Bounds) {
  EXPECT_EQ(Apply("clamp", 1, {0.0, 0.5}), 0.5);
  EXPECT_EQ(Apply("clamp", -1, {0.0, 0.5}), 0);
  EXPECT_EQ(Apply("clamp_max", 3, {2.0}), 2);
  EXPECT_EQ(Apply("clamp_min", 3, {4.0}), 4);
  EXPECT_EQ(Apply("clamp_min", 3, {2.0}), 3);
}

TEST(ClampTest, MinAboveMaxGivesNothing) {
  Vector x{{{{"a", "b"}}, 0, 5}};
  EXPECT_TRUE(Call("clamp", {x, 2.0, 1.0}).empty());
}

TEST(ClampTest, NaNAsGoMinAndMax) {
  EXPECT_TRUE(std::isnan(Apply("clamp", kNaN, {0.0, 1.0})));
  EXPECT_TRUE(std::isnan(Apply("clamp_min", kNaN, {1.0})));
  // Go's math.Max(NaN, +Inf) is +Inf, math.Min(NaN, -Inf) is -Inf.
  EXPECT_EQ(Apply("clamp_min", kNaN, {kInf}), kInf);
  EXPECT_EQ(Apply("clamp_max", kNaN, {-kInf}), -kInf);
  // +0 is greater than -0.
  EXPECT_FALSE(std::signbit(Apply("clamp_min", -0.0, {0.0})));
  EXPECT_TRUE(std::signbit(Apply("clamp_max", 0.0, {-0.0})));
}

TEST(ScalarFunctionsTest, ScalarVectorTimePi) {
  Vector one{{{{"a", "b"}}, 0, 7}};
  Vector two{{{{"a", "b"}}, 0, 7}, {{{"a", "c"}}, 0, 8}};
  EXPECT_EQ(Call("scalar", {one})[0].v, 7);
  EXPECT_TRUE(std::isnan(Call("scalar", {two})[0].v));
  EXPECT_TRUE(std::isnan(Call("scalar", {Vector{}})[0].v));
  Vector s = Call("scalar", {one});
  ASSERT_EQ(s.size(), 1u);
  EXPECT_TRUE(s[0].metric.empty());
  Vector v = Call("vector", {3.5});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_TRUE(v[0].metric.empty());
  EXPECT_EQ(v[0].v, 3.5);
  EXPECT_EQ(Call("time", {}, 60000)[0].v, 60);
  EXPECT_EQ(Call("time", {}, 1500)[0].v, 1.5);
  EXPECT_EQ(Call("pi", {})[0].v, 3.141592653589793);
}

TEST(TimestampTest, TheSampleTimeInSeconds) {
  Vector x{{{{"__name__", "x"}}, 61500, 7}};
  Vector out = Call("timestamp", {x});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].v, 61.5);
  EXPECT_TRUE(out[0].metric.empty());
  EXPECT_EQ(out[0].t_ms, kT);
}

std::vector<double> Values(const Vector& v) {
  std::vector<double> out;
  for (const VectorElement& e : v) out.push_back(e.v);
  return out;
}

std::vector<std::string> Names(const Vector& v) {
  std::vector<std::string> out;
  for (const VectorElement& e : v) out.emplace_back(e.metric.Get("a"));
  return out;
}

TEST(SortTest, NaNsLastBothWays) {
  Vector in{{{{"__name__", "x"}, {"a", "1"}}, 0, 1},
            {{{"a", "2"}}, 0, kNaN},
            {{{"a", "3"}}, 0, 3},
            {{{"a", "4"}}, 0, kNaN},
            {{{"a", "5"}}, 0, 2},
            {{{"a", "6"}}, 0, 1}};
  Vector asc = Call("sort", {in});
  EXPECT_THAT(Names(asc), ::testing::ElementsAre("1", "6", "5", "3", "2", "4"));
  EXPECT_EQ(asc[0].metric.Get("__name__"), "x");  // kept
  EXPECT_EQ(asc[0].t_ms, kT);
  Vector desc = Call("sort_desc", {in});
  EXPECT_THAT(Names(desc), ::testing::ElementsAre("3", "5", "1", "6", "2", "4"));
}

// One bucket series of histogram `name`.
VectorElement Bucket(std::string name, std::string le, double count, std::string job = "j") {
  return {tsdb::Labels{{"__name__", std::move(name)}, {"job", std::move(job)}, {"le", le}}, 0,
          count};
}

double Quantile(double q, Vector buckets) {
  Vector out = Call("histogram_quantile", {q, std::move(buckets)});
  EXPECT_EQ(out.size(), 1u);
  if (out.empty()) return -12345;
  EXPECT_EQ(out[0].metric, (tsdb::Labels{{"job", "j"}}));
  return out[0].v;
}

// Test data; should building it throw before main(), the test binary ends, which is the right
// outcome for a test.
// NOLINTNEXTLINE(cert-err58-cpp)
const Vector kHistogram{Bucket("h", "0.1", 1), Bucket("h", "+Inf", 10), Bucket("h", "0.5", 3),
                        Bucket("h", "1", 7)};

TEST(HistogramQuantileTest, InterpolatesWithinTheBucket) {
  EXPECT_DOUBLE_EQ(Quantile(0.5, kHistogram), 0.75);
  EXPECT_DOUBLE_EQ(Quantile(0.05, kHistogram), 0.05);
  EXPECT_EQ(Quantile(0.95, kHistogram), 1);  // in the +Inf bucket: the highest finite bound
}

TEST(HistogramQuantileTest, QuantileOutOfRange) {
  EXPECT_EQ(Quantile(-1, kHistogram), -kInf);
  EXPECT_EQ(Quantile(2, kHistogram), kInf);
  EXPECT_TRUE(std::isnan(Quantile(kNaN, kHistogram)));
  EXPECT_EQ(Quantile(-1, {Bucket("n", "1", 1)}), -kInf);  // checked before the +Inf bucket
}

TEST(HistogramQuantileTest, NoValueWithoutInfBucketOrObservations) {
  EXPECT_TRUE(std::isnan(Quantile(0.5, {Bucket("n", "1", 1), Bucket("n", "2", 2)})));
  EXPECT_TRUE(std::isnan(Quantile(0.5, {Bucket("i", "+Inf", 3)})));
  EXPECT_TRUE(std::isnan(Quantile(0.5, {Bucket("z", "1", 0), Bucket("z", "+Inf", 0)})));
}

TEST(HistogramQuantileTest, NonMonotonicCountsAreRaised) {
  // le=2's count 4 becomes 5; rank 5 is reached in the first bucket.
  EXPECT_EQ(Quantile(0.5, {Bucket("m", "1", 5), Bucket("m", "2", 4), Bucket("m", "+Inf", 10)}), 1);
}

TEST(HistogramQuantileTest, SameBoundsCoalesceAndInvalidBoundsAreSkipped) {
  Vector d{Bucket("d", "1", 2),
           Bucket("d", "1.0", 2),
           Bucket("d", "abc", 100),
           Bucket("d", "+Inf", 8),
           {{{"__name__", "d"}, {"job", "j"}}, 0, 50}};
  EXPECT_EQ(Quantile(0.5, d), 1);  // le=1 counts 4: rank 4 is its top
  EXPECT_EQ(Quantile(0.75, d), 1);
  // Go's float syntax: hex with an exponent; no spaces.
  Vector hex{Bucket("d", "0x1p1", 4), Bucket("d", " 1", 100), Bucket("d", "+Inf", 8)};
  EXPECT_EQ(Quantile(0.25, hex), 1);  // hand-computed: rank 2 of 4 in [0, 2]
}

TEST(HistogramQuantileTest, NegativeLowestBound) {
  Vector e{Bucket("e", "-1", 5), Bucket("e", "+Inf", 10)};
  EXPECT_EQ(Quantile(0.2, e), -1);
  EXPECT_EQ(Quantile(0.7, e), -1);
}

TEST(HistogramQuantileTest, GroupsByAllLabelsButLe) {
  // Prometheus 2.42 groups with __name__, so h and g give two results with the same labels
  // (which the engine then refuses); each job is its own histogram.
  Vector in{Bucket("h", "1", 1),    Bucket("g", "1", 1),      Bucket("h", "+Inf", 2),
            Bucket("g", "+Inf", 2), Bucket("h", "1", 4, "k"), Bucket("h", "+Inf", 4, "k")};
  Vector out = Call("histogram_quantile", {0.5, in});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].metric, (tsdb::Labels{{"job", "j"}}));
  EXPECT_EQ(out[1].metric, (tsdb::Labels{{"job", "j"}}));
  EXPECT_EQ(out[2].metric, (tsdb::Labels{{"job", "k"}}));
  EXPECT_THAT(Values(out), ::testing::ElementsAre(1, 1, 0.5));
}

TEST(DateTest, FieldsOfEachValueInUtc) {
  // 1700000000 is Tuesday 2023-11-14 22:13:20 UTC.
  EXPECT_EQ(Apply("year", 1700000000), 2023);
  EXPECT_EQ(Apply("month", 1700000000), 11);
  EXPECT_EQ(Apply("day_of_month", 1700000000), 14);
  EXPECT_EQ(Apply("day_of_week", 1700000000), 2);
  EXPECT_EQ(Apply("day_of_year", 1700000000), 318);
  EXPECT_EQ(Apply("days_in_month", 1700000000), 30);
  EXPECT_EQ(Apply("hour", 1700000000), 22);
  EXPECT_EQ(Apply("minute", 1700000000), 13);
  // 951782400 is 2000-02-29.
  EXPECT_EQ(Apply("days_in_month", 951782400), 29);
  EXPECT_EQ(Apply("day_of_month", 951782400), 29);
  EXPECT_EQ(Apply("day_of_year", 951782400), 60);
  EXPECT_EQ(Apply("year", -1), 1969);
  EXPECT_EQ(Apply("day_of_month", 1.9), 1);  // truncated to whole seconds
}

TEST(DateTest, ValuesOutsideAnyDateAsGoComputesThem) {
  // NaN and ±Inf become the least int64 seconds; Go's calendar arithmetic wraps around.
  EXPECT_EQ(Apply("year", kNaN), 292277026596);
  EXPECT_EQ(Apply("year", kInf), 292277026596);
  EXPECT_EQ(Apply("year", -1e20), 292277026596);
  EXPECT_EQ(Apply("month", kNaN), 12);
  EXPECT_EQ(Apply("day_of_month", kNaN), 4);
  EXPECT_EQ(Apply("day_of_week", kNaN), 0);
  EXPECT_EQ(Apply("day_of_year", kNaN), 339);
  EXPECT_EQ(Apply("hour", kNaN), 15);
  EXPECT_EQ(Apply("minute", kNaN), 30);
  EXPECT_EQ(Apply("days_in_month", kNaN), 31);
  EXPECT_EQ(Apply("year", 1e15), 31690708);
  EXPECT_EQ(Apply("month", 1e15), 7);
  EXPECT_EQ(Apply("day_of_month", 1e15), 5);
}

TEST(DateTest, NoArgumentMeansTheEvaluationTime) {
  Vector out = Call("minute", {}, 300000);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].v, 5);
  EXPECT_TRUE(out[0].metric.empty());
  EXPECT_EQ(Call("year", {}, 300000)[0].v, 1970);
}

}  // namespace
}  // namespace gw::promql
