#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "promql/operators.h"
#include "promql/operators_test_util.h"

namespace gw::promql {
namespace {

using ::gw::testing::StatusIs;
using ::testing::Eq;
using testutil::CheckCases;
using testutil::Query;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// One-to-one matching with on/ignoring: __name__ dropped by arithmetic (not atan2), only
// the on labels kept, the ignoring labels removed.
TEST(BinopTest, OneToOne) {
  CheckCases({
      {"http_requests{group=\"canary\"} + on(instance, job) http_requests{group=\"production\"}",
       {"{instance=\"0\", job=\"api-server\"} 400", "{instance=\"0\", job=\"app-server\"} 1200",
        "{instance=\"1\", job=\"api-server\"} 600", "{instance=\"1\", job=\"app-server\"} 1400"}},
      {"http_requests{group=\"canary\"} - ignoring(group) http_requests{group=\"production\"}",
       {"{instance=\"0\", job=\"api-server\"} 200", "{instance=\"0\", job=\"app-server\"} 200",
        "{instance=\"1\", job=\"api-server\"} 200", "{instance=\"1\", job=\"app-server\"} 200"}},
      {"http_requests{group=\"canary\"} / ignoring(group) http_requests{group=\"production\"}",
       {"{instance=\"0\", job=\"api-server\"} 3", "{instance=\"0\", job=\"app-server\"} 1.4",
        "{instance=\"1\", job=\"api-server\"} 2",
        "{instance=\"1\", job=\"app-server\"} 1.3333333333333333"}},
      {"http_requests{job=\"api-server\"} % on(instance, group) http_requests{job=\"app-server\"}",
       {"{group=\"canary\", instance=\"0\"} 300", "{group=\"canary\", instance=\"1\"} 400",
        "{group=\"production\", instance=\"0\"} 100",
        "{group=\"production\", instance=\"1\"} 200"}},
      {"vector_matching_a - on(l) vector_matching_b", {"{l=\"x\"} -30"}},
      {"vector_matching_a ^ on(l) vector_matching_b", {"{l=\"x\"} 1e+40"}},
      {"vector_matching_a - vector_matching_b", {"{l=\"x\"} -30"}},
      {"vector_matching_a atan2 on(l) vector_matching_b", {"{l=\"x\"} 0.24497866312686414"}},
      {"nonexistent + on(instance) node_cpu", {}},
      {"vector_matching_a + on(__name__, l) vector_matching_a", {"{l=\"x\"} 20", "{l=\"y\"} 40"}},
      {"vector_matching_a + on(l) vector_matching_a * 0", {"{l=\"x\"} 10", "{l=\"y\"} 20"}},
  });
}

// Comparisons filter and keep the lhs value and __name__; bool gives 1/0 and drops __name__.
// NaN compares false (NaN != NaN holds).
TEST(BinopTest, Comparison) {
  CheckCases({
      {"vector_matching_a < on(l) vector_matching_b", {"{l=\"x\"} 10"}},
      {"vector_matching_b < on(l) vector_matching_a", {}},
      {"vector_matching_a < bool on(l) vector_matching_b", {"{l=\"x\"} 1"}},
      {"vector_matching_a >= bool on(l) vector_matching_b", {"{l=\"x\"} 0"}},
      {"vector_matching_a != on(l) vector_matching_b", {"{l=\"x\"} 10"}},
      {"vector_matching_a <= on(l) vector_matching_b", {"{l=\"x\"} 10"}},
      {"vector_matching_a == on(l) vector_matching_b", {}},
      {"node_var == node_var", {"{__name__=\"node_var\", instance=\"abc\", job=\"node\"} 2"}},
      {"n == n", {"{__name__=\"n\", i=\"3\"} 1", "{__name__=\"n\", i=\"5\"} 2"}},
  });
}

// group_left/group_right: the many side's labels plus the include labels from the one side
// (deleted where the one side lacks them); group_right keeps the operand order, and its
// comparisons give the lhs ("one" side) value, as 2.42 does.
TEST(BinopTest, GroupLeftRight) {
  CheckCases({
      {"node_cpu * on(instance) group_left(role) node_role",
       {"{instance=\"abc\", job=\"node\", mode=\"idle\", role=\"prometheus\"} 3",
        "{instance=\"abc\", job=\"node\", mode=\"user\", role=\"prometheus\"} 1"}},
      {"node_cpu * ignoring(role, mode) group_left(role) node_role",
       {"{instance=\"abc\", job=\"node\", mode=\"idle\", role=\"prometheus\"} 3",
        "{instance=\"abc\", job=\"node\", mode=\"user\", role=\"prometheus\"} 1"}},
      {"node_role - on(instance) group_right(role) node_cpu",
       {"{instance=\"abc\", job=\"node\", mode=\"idle\", role=\"prometheus\"} -2",
        "{instance=\"abc\", job=\"node\", mode=\"user\", role=\"prometheus\"} 0"}},
      {"node_var < on(instance) group_right node_cpu",
       {"{__name__=\"node_cpu\", instance=\"abc\", job=\"node\", mode=\"idle\"} 2"}},
      {"node_var < bool on(instance) group_right node_cpu",
       {"{instance=\"abc\", job=\"node\", mode=\"idle\"} 1",
        "{instance=\"abc\", job=\"node\", mode=\"user\"} 0"}},
      {"node_cpu > on(instance) group_left node_var",
       {"{__name__=\"node_cpu\", instance=\"abc\", job=\"node\", mode=\"idle\"} 3"}},
      {"node_cpu == bool on(instance) group_left node_var",
       {"{instance=\"abc\", job=\"node\", mode=\"idle\"} 0",
        "{instance=\"abc\", job=\"node\", mode=\"user\"} 0"}},
      {"node_cpu atan2 on(instance) group_left node_var",
       {"{__name__=\"node_cpu\", instance=\"abc\", job=\"node\", mode=\"idle\"} 0.982793723247329",
        R"({__name__="node_cpu", instance="abc", job="node", mode="user"} 0.4636476090008061)"}},
      {"node_var + on(instance) group_right(job) node_cpu",
       {"{instance=\"abc\", job=\"node\", mode=\"idle\"} 5",
        "{instance=\"abc\", job=\"node\", mode=\"user\"} 3"}},
      {"node_cpu{mode=\"idle\"} - on(instance) group_left(mode) node_var",
       {"{instance=\"abc\", job=\"node\"} 1"}},
      {"node_cpu / on(instance) group_left(role, nothere) node_role",
       {"{instance=\"abc\", job=\"node\", mode=\"idle\", role=\"prometheus\"} 3",
        "{instance=\"abc\", job=\"node\", mode=\"user\", role=\"prometheus\"} 1"}},
  });
}

// and/or/unless match on all labels but __name__, or the on/ignoring labels; output in lhs
// order, then (or) the rhs elements whose signature the lhs lacks.
TEST(BinopTest, SetOperators) {
  CheckCases({
      {"http_requests{job=\"api-server\"} and http_requests{instance=\"0\"}",
       {"{__name__=\"http_requests\", group=\"canary\", instance=\"0\", job=\"api-server\"} 300",
        R"({__name__="http_requests", group="production", instance="0", job="api-server"} 100)"}},
      {"http_requests{job=\"api-server\"} and on(instance) http_requests{group=\"canary\", "
       "job=\"app-server\", instance=\"1\"}",
       {"{__name__=\"http_requests\", group=\"canary\", instance=\"1\", job=\"api-server\"} 400",
        R"({__name__="http_requests", group="production", instance="1", job="api-server"} 200)"}},
      {"http_requests{job=\"api-server\"} and ignoring(group) http_requests{group=\"canary\", "
       "job=\"app-server\"}",
       {}},
      {"http_requests{job=\"api-server\", instance=\"0\"} or http_requests{group=\"canary\"}",
       {"{__name__=\"http_requests\", group=\"canary\", instance=\"0\", job=\"api-server\"} 300",
        R"({__name__="http_requests", group="production", instance="0", job="api-server"} 100)",
        "{__name__=\"http_requests\", group=\"canary\", instance=\"0\", job=\"app-server\"} 700",
        "{__name__=\"http_requests\", group=\"canary\", instance=\"1\", job=\"api-server\"} 400",
        "{__name__=\"http_requests\", group=\"canary\", instance=\"1\", job=\"app-server\"} 800"}},
      {"http_requests{job=\"api-server\", instance=\"0\"} or on(job) "
       "http_requests{group=\"canary\"}",
       {"{__name__=\"http_requests\", group=\"canary\", instance=\"0\", job=\"api-server\"} 300",
        R"({__name__="http_requests", group="production", instance="0", job="api-server"} 100)",
        "{__name__=\"http_requests\", group=\"canary\", instance=\"0\", job=\"app-server\"} 700",
        "{__name__=\"http_requests\", group=\"canary\", instance=\"1\", job=\"app-server\"} 800"}},
      {"http_requests{job=\"api-server\", instance=\"0\"} or ignoring(group) "
       "http_requests{group=\"canary\"}",
       {"{__name__=\"http_requests\", group=\"canary\", instance=\"0\", job=\"api-server\"} 300",
        R"({__name__="http_requests", group="production", instance="0", job="api-server"} 100)",
        "{__name__=\"http_requests\", group=\"canary\", instance=\"0\", job=\"app-server\"} 700",
        "{__name__=\"http_requests\", group=\"canary\", instance=\"1\", job=\"api-server\"} 400",
        "{__name__=\"http_requests\", group=\"canary\", instance=\"1\", job=\"app-server\"} 800"}},
      {"vector_matching_a or vector_matching_b",
       {"{__name__=\"vector_matching_a\", l=\"x\"} 10",
        "{__name__=\"vector_matching_a\", l=\"y\"} 20"}},
      {"http_requests{job=\"api-server\"} unless http_requests{instance=\"0\"}",
       {"{__name__=\"http_requests\", group=\"canary\", instance=\"1\", job=\"api-server\"} 400",
        R"({__name__="http_requests", group="production", instance="1", job="api-server"} 200)"}},
      {"http_requests{job=\"api-server\"} unless on(job) http_requests{instance=\"0\"}", {}},
      {"http_requests{job=\"api-server\"} unless ignoring(group, instance) "
       "http_requests{job=\"app-server\"}",
       {"{__name__=\"http_requests\", group=\"canary\", instance=\"0\", job=\"api-server\"} 300",
        "{__name__=\"http_requests\", group=\"canary\", instance=\"1\", job=\"api-server\"} 400",
        R"({__name__="http_requests", group="production", instance="0", job="api-server"} 100)",
        R"({__name__="http_requests", group="production", instance="1", job="api-server"} 200)"}},
      {"nonexistent or vector_matching_a",
       {"{__name__=\"vector_matching_a\", l=\"x\"} 10",
        "{__name__=\"vector_matching_a\", l=\"y\"} 20"}},
      {"vector_matching_a or nonexistent",
       {"{__name__=\"vector_matching_a\", l=\"x\"} 10",
        "{__name__=\"vector_matching_a\", l=\"y\"} 20"}},
      {"nonexistent and vector_matching_a", {}},
      {"vector_matching_a unless nonexistent",
       {"{__name__=\"vector_matching_a\", l=\"x\"} 10",
        "{__name__=\"vector_matching_a\", l=\"y\"} 20"}},
      {"vector_matching_a and on(__name__) vector_matching_b", {}},
      {"vector_matching_a or on(__name__, l) vector_matching_b",
       {"{__name__=\"vector_matching_a\", l=\"x\"} 10",
        "{__name__=\"vector_matching_a\", l=\"y\"} 20",
        "{__name__=\"vector_matching_b\", l=\"x\"} 40"}},
  });
}

// vector op scalar and scalar op vector: a comparison keeps the vector's value on either side.
TEST(BinopTest, VectorScalar) {
  CheckCases({
      {"http_requests > 300",
       {"{__name__=\"http_requests\", group=\"canary\", instance=\"0\", job=\"app-server\"} 700",
        "{__name__=\"http_requests\", group=\"canary\", instance=\"1\", job=\"api-server\"} 400",
        "{__name__=\"http_requests\", group=\"canary\", instance=\"1\", job=\"app-server\"} 800",
        R"({__name__="http_requests", group="production", instance="0", job="app-server"} 500)",
        R"({__name__="http_requests", group="production", instance="1", job="app-server"} 600)"}},
      {"http_requests >= bool 300",
       {"{group=\"canary\", instance=\"0\", job=\"api-server\"} 1",
        "{group=\"canary\", instance=\"0\", job=\"app-server\"} 1",
        "{group=\"canary\", instance=\"1\", job=\"api-server\"} 1",
        "{group=\"canary\", instance=\"1\", job=\"app-server\"} 1",
        "{group=\"production\", instance=\"0\", job=\"api-server\"} 0",
        "{group=\"production\", instance=\"0\", job=\"app-server\"} 1",
        "{group=\"production\", instance=\"1\", job=\"api-server\"} 0",
        "{group=\"production\", instance=\"1\", job=\"app-server\"} 1"}},
      {"300 < http_requests",
       {"{__name__=\"http_requests\", group=\"canary\", instance=\"0\", job=\"app-server\"} 700",
        "{__name__=\"http_requests\", group=\"canary\", instance=\"1\", job=\"api-server\"} 400",
        "{__name__=\"http_requests\", group=\"canary\", instance=\"1\", job=\"app-server\"} 800",
        R"({__name__="http_requests", group="production", instance="0", job="app-server"} 500)",
        R"({__name__="http_requests", group="production", instance="1", job="app-server"} 600)"}},
      {"300 != bool http_requests",
       {"{group=\"canary\", instance=\"0\", job=\"api-server\"} 0",
        "{group=\"canary\", instance=\"0\", job=\"app-server\"} 1",
        "{group=\"canary\", instance=\"1\", job=\"api-server\"} 1",
        "{group=\"canary\", instance=\"1\", job=\"app-server\"} 1",
        "{group=\"production\", instance=\"0\", job=\"api-server\"} 1",
        "{group=\"production\", instance=\"0\", job=\"app-server\"} 1",
        "{group=\"production\", instance=\"1\", job=\"api-server\"} 1",
        "{group=\"production\", instance=\"1\", job=\"app-server\"} 1"}},
      {"http_requests % 300",
       {"{group=\"canary\", instance=\"0\", job=\"api-server\"} 0",
        "{group=\"canary\", instance=\"0\", job=\"app-server\"} 100",
        "{group=\"canary\", instance=\"1\", job=\"api-server\"} 100",
        "{group=\"canary\", instance=\"1\", job=\"app-server\"} 200",
        "{group=\"production\", instance=\"0\", job=\"api-server\"} 100",
        "{group=\"production\", instance=\"0\", job=\"app-server\"} 200",
        "{group=\"production\", instance=\"1\", job=\"api-server\"} 200",
        "{group=\"production\", instance=\"1\", job=\"app-server\"} 0"}},
      {"2 ^ vector_matching_a", {"{l=\"x\"} 1024", "{l=\"y\"} 1.048576e+06"}},
      {"vector_matching_a ^ 0.5", {"{l=\"x\"} 3.1622776601683795", "{l=\"y\"} 4.47213595499958"}},
      {"vector_matching_a atan2 3",
       {"{__name__=\"vector_matching_a\", l=\"x\"} 1.2793395323170293",
        "{__name__=\"vector_matching_a\", l=\"y\"} 1.4219063791853994"}},
      {"3 atan2 vector_matching_a",
       {"{__name__=\"vector_matching_a\", l=\"x\"} 0.2914567944778671",
        "{__name__=\"vector_matching_a\", l=\"y\"} 0.14888994760949725"}},
      {"1000 - http_requests{job=\"api-server\"}",
       {"{group=\"canary\", instance=\"0\", job=\"api-server\"} 700",
        "{group=\"canary\", instance=\"1\", job=\"api-server\"} 600",
        "{group=\"production\", instance=\"0\", job=\"api-server\"} 900",
        "{group=\"production\", instance=\"1\", job=\"api-server\"} 800"}},
      {"http_requests{job=\"api-server\"} / 0",
       {"{group=\"canary\", instance=\"0\", job=\"api-server\"} +Inf",
        "{group=\"canary\", instance=\"1\", job=\"api-server\"} +Inf",
        "{group=\"production\", instance=\"0\", job=\"api-server\"} +Inf",
        "{group=\"production\", instance=\"1\", job=\"api-server\"} +Inf"}},
      {"-http_requests{job=\"api-server\"} / 0",
       {"{group=\"canary\", instance=\"0\", job=\"api-server\"} -Inf",
        "{group=\"canary\", instance=\"1\", job=\"api-server\"} -Inf",
        "{group=\"production\", instance=\"0\", job=\"api-server\"} -Inf",
        "{group=\"production\", instance=\"1\", job=\"api-server\"} -Inf"}},
      {"n > 1", {"{__name__=\"n\", i=\"5\"} 2"}},
      {"n != bool 1", {"{i=\"1\"} 1", "{i=\"2\"} 1", "{i=\"3\"} 0", "{i=\"4\"} 1", "{i=\"5\"} 1"}},
  });
}

// scalar op scalar; ^ is Go's math.Pow (1.1 ^ 10 differs from libm's pow in the last bit).
TEST(BinopTest, Scalar) {
  CheckCases({
      {"1.1 ^ 10", {"2.593742460100002"}},
      {"1.0000001 ^ 123456789", {"229964.0541151152"}},  // libm: 229964.05427356533
      {"0.99 ^ -1000.5", {"23280.258865327636"}},
      {"3 ^ 40", {"1.2157665459056929e+19"}},
      {"1.1 ^ -10.3", {"0.37467554083121263"}},
      {"2.5 ^ 1.7", {"4.747861205827336"}},
      {"-7.5 % 2", {"-1.5"}},
      {"7.5 % -2", {"1.5"}},
      {"5 % 0", {"NaN"}},
      {"-8 ^ (1/3)", {"-1.9999999999999998"}},
      {"0 ^ -1", {"+Inf"}},
      {"(-0) ^ -3", {"-Inf"}},
      {"2 ^ 1024", {"+Inf"}},
      {"2 ^ -1075", {"0"}},
      {"3 > bool 2", {"1"}},
      {"3 atan2 5", {"0.5404195002705842"}},
      {"10 atan2 3", {"1.2793395323170293"}},  // libm: 1.2793395323170296
      {"-5 atan2 -0.3", {"-1.6307244819161044"}},
      {"1e-300 atan2 7", {"1.4285714285714285e-301"}},
      {"0.5 atan2 0.9", {"0.507098504392337"}},
      {"3 atan2 -7", {"2.7367008673047097"}},
      {"100 atan2 1", {"1.5607966601082313"}},
      {"-2 atan2 3", {"-0.5880026035475675"}},
      {"0.7 atan2 -0.1", {"1.7126933813990606"}},
  });
}

TEST(BinopTest, ScalarBinopSpecialValues) {
  EXPECT_EQ(ScalarBinop(BinaryOp::kEql, kNaN, kNaN), 0);
  EXPECT_EQ(ScalarBinop(BinaryOp::kNeq, kNaN, kNaN), 1);
  EXPECT_EQ(ScalarBinop(BinaryOp::kGte, kInf, kInf), 1);
  EXPECT_EQ(ScalarBinop(BinaryOp::kLte, 1, 2), 1);
  EXPECT_EQ(ScalarBinop(BinaryOp::kLss, 2, 1), 0);
  EXPECT_EQ(ScalarBinop(BinaryOp::kMod, 5, kInf), 5);  // Go: Mod(x, ±Inf) = x
  EXPECT_TRUE(std::isnan(ScalarBinop(BinaryOp::kMod, kInf, 2)));
  EXPECT_TRUE(std::signbit(ScalarBinop(BinaryOp::kMod, -4, 2)));  // -0, the sign of x
  EXPECT_EQ(ScalarBinop(BinaryOp::kPow, 1, kNaN), 1);
  EXPECT_EQ(ScalarBinop(BinaryOp::kPow, kNaN, 0), 1);
  EXPECT_EQ(ScalarBinop(BinaryOp::kPow, -1, kInf), 1);
  EXPECT_EQ(ScalarBinop(BinaryOp::kPow, 0.5, kInf), 0);
  EXPECT_EQ(ScalarBinop(BinaryOp::kPow, -kInf, 3), -kInf);
  EXPECT_EQ(ScalarBinop(BinaryOp::kPow, -kInf, -3), -0.0);
  EXPECT_TRUE(std::isnan(ScalarBinop(BinaryOp::kPow, -2, 0.5)));
  EXPECT_EQ(ScalarBinop(BinaryOp::kPow, 3, 40), 12157665459056928801.0);
  EXPECT_EQ(ScalarBinop(BinaryOp::kPow, 10, -2), 0.01);
  EXPECT_EQ(ScalarBinop(BinaryOp::kAtan2, 0, -1), M_PI);
  EXPECT_TRUE(std::signbit(ScalarBinop(BinaryOp::kAtan2, -0.0, 1)));
  EXPECT_EQ(ScalarBinop(BinaryOp::kAtan2, -kInf, -kInf), -3 * M_PI_4);
  EXPECT_EQ(ScalarBinop(BinaryOp::kAtan2, 1, -kInf), M_PI);
  EXPECT_EQ(ScalarBinop(BinaryOp::kAtan2, kInf, 5), M_PI_2);
}

TEST(BinopTest, Errors) {
  const struct {
    const char* query;
    const char* message;
  } cases[] = {
      {"node_var + on(instance) node_cpu",
       "found duplicate series for the match group {instance=\"abc\"} on the right hand-side of "
       "the operation: [{__name__=\"node_cpu\", instance=\"abc\", job=\"node\", mode=\"user\"}, "
       "{__name__=\"node_cpu\", instance=\"abc\", job=\"node\", mode=\"idle\"}];many-to-many "
       "matching not allowed: matching labels must be unique on one side"},
      {"node_cpu * on(job) group_right node_var",
       "found duplicate series for the match group {job=\"node\"} on the left hand-side of the "
       "operation: [{__name__=\"node_cpu\", instance=\"abc\", job=\"node\", mode=\"user\"}, "
       "{__name__=\"node_cpu\", instance=\"abc\", job=\"node\", mode=\"idle\"}];many-to-many "
       "matching not allowed: matching labels must be unique on one side"},
      {"http_requests{job=\"api-server\"} + ignoring(group, instance) "
       "http_requests{instance=\"0\"}",
       "found duplicate series for the match group {job=\"api-server\"} on the right hand-side "
       "of the operation: [{__name__=\"http_requests\", group=\"production\", instance=\"0\", "
       "job=\"api-server\"}, {__name__=\"http_requests\", group=\"canary\", instance=\"0\", "
       "job=\"api-server\"}];many-to-many matching not allowed: matching labels must be unique "
       "on one side"},
      {"node_cpu + on(instance) node_var",
       "multiple matches for labels: many-to-one matching must be explicit "
       "(group_left/group_right)"},
      {"node_cpu == bool on(instance) node_var",
       "multiple matches for labels: many-to-one matching must be explicit "
       "(group_left/group_right)"},
      {"vector_matching_a == bool ignoring(l) vector_matching_b",
       "multiple matches for labels: many-to-one matching must be explicit "
       "(group_left/group_right)"},
      // group_left(job) makes api-server and app-server series alike.
      {"http_requests{group=\"canary\"} * on(instance) group_left(job) "
       "http_requests{group=\"production\", job=\"app-server\"}",
       "multiple matches for labels: grouping labels must ensure unique matches"},
      // The one side has no mode, so group_left(mode) deletes it: idle and user collide.
      {"node_cpu - on(instance, job) group_left(mode) node_var",
       "multiple matches for labels: grouping labels must ensure unique matches"},
      // Series that differ only in __name__, which arithmetic drops.
      {"{__name__=~\"vector_matching_a|vector_matching_b\", l=\"x\"} + on(l) group_left "
       "vector_matching_a{l=\"x\"}",
       "multiple matches for labels: grouping labels must ensure unique matches"},
  };
  for (const auto& c : cases) {
    EXPECT_THAT(Query(c.query), StatusIs(StatusCode::kInvalidArgument, Eq(c.message))) << c.query;
  }
}

TEST(BinopTest, ResultsCarryTheEvaluationTime) {
  Vector lhs = {{tsdb::Labels{{"__name__", "x"}, {"a", "1"}}, 5, 1.0}};
  Vector rhs = {{tsdb::Labels{{"__name__", "y"}, {"a", "1"}}, 6, 2.0}};
  for (const char* q : {"x + y", "x or y", "x and y", "x unless y"}) {
    StatusOr<ExprPtr> e = ParseExpr(q);
    ASSERT_TRUE(e.ok());
    const auto& b = std::get<BinaryExpr>((*e)->node);
    StatusOr<Vector> got = VectorBinop(b, lhs, b.op == BinaryOp::kUnless ? Vector{} : rhs, 42);
    ASSERT_TRUE(got.ok()) << q;
    ASSERT_EQ(got->size(), 1u) << q;
    EXPECT_EQ((*got)[0].t_ms, 42) << q;
  }
  Vector out = VectorScalarBinop(BinaryOp::kLss, lhs, 3, true, false, 42);  // 3 < x
  EXPECT_TRUE(out.empty());
  out = VectorScalarBinop(BinaryOp::kGtr, lhs, 3, true, false, 42);  // 3 > x
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].v, 1);
  EXPECT_EQ(out[0].t_ms, 42);
  EXPECT_EQ(out[0].metric, lhs[0].metric);
}

}  // namespace
}  // namespace gw::promql
