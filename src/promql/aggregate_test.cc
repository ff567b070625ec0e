#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "promql/operators.h"
#include "promql/operators_test_util.h"

namespace gw::promql {
namespace {

using ::gw::testing::StatusIs;
using ::testing::Eq;
using ::testing::IsEmpty;
using testutil::CheckCases;
using testutil::Query;

// by keeps only the listed labels (__name__ too); without drops the listed ones and
// __name__; groups in the order first seen. The odd last digits are 2.42's running mean and
// Welford variance.
TEST(AggregateTest, Grouping) {
  CheckCases({
      {"sum by (group) (http_requests)",
       {"{group=\"canary\"} 2200", "{group=\"production\"} 1400"}},
      {"sum without (instance) (http_requests)",
       {"{group=\"canary\", job=\"api-server\"} 700", "{group=\"canary\", job=\"app-server\"} 1500",
        "{group=\"production\", job=\"api-server\"} 300",
        "{group=\"production\", job=\"app-server\"} 1100"}},
      {"sum(http_requests)", {"{} 3600"}},
      {"sum by (__name__) (http_requests)", {"{__name__=\"http_requests\"} 3600"}},
      {"sum without () (http_requests)",
       {"{group=\"canary\", instance=\"0\", job=\"api-server\"} 300",
        "{group=\"canary\", instance=\"0\", job=\"app-server\"} 700",
        "{group=\"canary\", instance=\"1\", job=\"api-server\"} 400",
        "{group=\"canary\", instance=\"1\", job=\"app-server\"} 800",
        "{group=\"production\", instance=\"0\", job=\"api-server\"} 100",
        "{group=\"production\", instance=\"0\", job=\"app-server\"} 500",
        "{group=\"production\", instance=\"1\", job=\"api-server\"} 200",
        "{group=\"production\", instance=\"1\", job=\"app-server\"} 600"}},
      {"sum by () (http_requests)", {"{} 3600"}},
      {"avg by (job) (http_requests)",
       {"{job=\"api-server\"} 249.99999999999997", "{job=\"app-server\"} 650"}},
      {"count by (group) (http_requests)", {"{group=\"canary\"} 4", "{group=\"production\"} 4"}},
      {"count without (job, group) (http_requests)", {"{instance=\"0\"} 4", "{instance=\"1\"} 4"}},
      {"max by (job) (http_requests)", {"{job=\"api-server\"} 400", "{job=\"app-server\"} 800"}},
      {"min without (job) (http_requests)",
       {"{group=\"canary\", instance=\"0\"} 300", "{group=\"canary\", instance=\"1\"} 400",
        "{group=\"production\", instance=\"0\"} 100",
        "{group=\"production\", instance=\"1\"} 200"}},
      {"stddev by (job) (http_requests)",
       {"{job=\"api-server\"} 111.8033988749895", "{job=\"app-server\"} 111.80339887498947"}},
      {"stdvar by (job) (http_requests)",
       {"{job=\"api-server\"} 12500.000000000002", "{job=\"app-server\"} 12499.999999999996"}},
      {"group by (job) (http_requests)", {"{job=\"api-server\"} 1", "{job=\"app-server\"} 1"}},
      {"group without (instance) (node_cpu)",
       {"{job=\"node\", mode=\"idle\"} 1", "{job=\"node\", mode=\"user\"} 1"}},
      {"sum by (nonexistent) (http_requests)", {"{} 3600"}},
  });
}

// NaN and Inf: sum in input order without compensation (1e100 + 1 - 1e100 = 0); avg keeps
// an infinite mean; min/max prefer any number to NaN.
TEST(AggregateTest, SpecialValues) {
  CheckCases({
      {"avg(d)", {"{} 0.325"}},
      {"sum(d)", {"{} 1.3"}},
      {"sum(e)", {"{} 0"}},
      {"avg(e)", {"{} 0"}},
      {"avg by (g) (f)",
       {"{g=\"a\"} +Inf", "{g=\"b\"} NaN", "{g=\"c\"} NaN", "{g=\"d\"} -Inf", "{g=\"e\"} 1e+308"}},
      {"sum by (g) (f)",
       {"{g=\"a\"} +Inf", "{g=\"b\"} NaN", "{g=\"c\"} NaN", "{g=\"d\"} -Inf", "{g=\"e\"} +Inf"}},
      {"stddev(d)", {"{} 0.22776083947860742"}},
      {"stdvar(d)", {"{} 0.051874999999999984"}},
      {"stddev by (g) (f)",
       {"{g=\"a\"} NaN", "{g=\"b\"} NaN", "{g=\"c\"} NaN", "{g=\"d\"} NaN", "{g=\"e\"} 0"}},
      {"stdvar by (g) (f)",
       {"{g=\"a\"} NaN", "{g=\"b\"} NaN", "{g=\"c\"} NaN", "{g=\"d\"} NaN", "{g=\"e\"} 0"}},
      {"min by (g)(f)",
       {"{g=\"a\"} 1", "{g=\"b\"} -Inf", "{g=\"c\"} 1", "{g=\"d\"} -Inf", "{g=\"e\"} 1e+308"}},
      {"max by (g)(f)",
       {"{g=\"a\"} +Inf", "{g=\"b\"} +Inf", "{g=\"c\"} 1", "{g=\"d\"} -Inf", "{g=\"e\"} 1e+308"}},
      {"min(n)", {"{} 1"}},
      {"max(n)", {"{} 2"}},
      {"count(n)", {"{} 5"}},
  });
}

// topk/bottomk keep the inputs' labels. Which of equal values survive, and their order, follow
// Go's container/heap and sort; NaN is the first to be dropped and comes last. k is truncated;
// k < 1 gives nothing.
TEST(AggregateTest, TopkBottomk) {
  CheckCases({
      {"topk(3, b)",
       {"{__name__=\"b\", x=\"1\", z=\"s\"} 5", "{__name__=\"b\", x=\"1\", z=\"q\"} 5",
        "{__name__=\"b\", x=\"1\", z=\"t\"} 5"}},
      {"bottomk(3, b)",
       {"{__name__=\"b\", x=\"1\", z=\"r\"} 2", "{__name__=\"b\", x=\"1\", z=\"q\"} 5",
        "{__name__=\"b\", x=\"1\", z=\"s\"} 5"}},
      {"topk(1, n)", {"{__name__=\"n\", i=\"5\"} 2"}},
      {"topk(3, n)",
       {"{__name__=\"n\", i=\"5\"} 2", "{__name__=\"n\", i=\"3\"} 1",
        "{__name__=\"n\", i=\"1\"} NaN"}},
      {"bottomk(3, n)",
       {"{__name__=\"n\", i=\"3\"} 1", "{__name__=\"n\", i=\"5\"} 2",
        "{__name__=\"n\", i=\"1\"} NaN"}},
      {"topk(5, n)",
       {"{__name__=\"n\", i=\"5\"} 2", "{__name__=\"n\", i=\"3\"} 1",
        "{__name__=\"n\", i=\"1\"} NaN", "{__name__=\"n\", i=\"2\"} NaN",
        "{__name__=\"n\", i=\"4\"} NaN"}},
      {"bottomk(5, n)",
       {"{__name__=\"n\", i=\"3\"} 1", "{__name__=\"n\", i=\"5\"} 2",
        "{__name__=\"n\", i=\"1\"} NaN", "{__name__=\"n\", i=\"2\"} NaN",
        "{__name__=\"n\", i=\"4\"} NaN"}},
      {"topk(2.9, http_requests)",
       {"{__name__=\"http_requests\", group=\"canary\", instance=\"1\", job=\"app-server\"} 800",
        "{__name__=\"http_requests\", group=\"canary\", instance=\"0\", job=\"app-server\"} 700"}},
      {"bottomk(2.9, http_requests)",
       {"{__name__=\"http_requests\", group=\"production\", instance=\"0\", job=\"api-server\"} "
        "100",
        "{__name__=\"http_requests\", group=\"production\", instance=\"1\", job=\"api-server\"} "
        "200"}},
      {"topk by (group) (1, http_requests)",
       {"{__name__=\"http_requests\", group=\"canary\", instance=\"1\", job=\"app-server\"} 800",
        "{__name__=\"http_requests\", group=\"production\", instance=\"1\", job=\"app-server\"} "
        "600"}},
      {"bottomk without (instance) (1, http_requests)",
       {"{__name__=\"http_requests\", group=\"canary\", instance=\"0\", job=\"api-server\"} 300",
        "{__name__=\"http_requests\", group=\"canary\", instance=\"0\", job=\"app-server\"} 700",
        "{__name__=\"http_requests\", group=\"production\", instance=\"0\", job=\"api-server\"} "
        "100",
        "{__name__=\"http_requests\", group=\"production\", instance=\"0\", job=\"app-server\"} "
        "500"}},
      {"topk(100, vector_matching_a)",
       {"{__name__=\"vector_matching_a\", l=\"y\"} 20",
        "{__name__=\"vector_matching_a\", l=\"x\"} 10"}},
      {"topk(0.9, b)", {}},
      {"topk(-1, b)", {}},
      {"topk(3, c)",
       {"{__name__=\"c\", i=\"5\"} 3", "{__name__=\"c\", i=\"3\"} 2",
        "{__name__=\"c\", i=\"7\"} 2"}},
      {"bottomk(4, c)",
       {"{__name__=\"c\", i=\"4\"} 1", "{__name__=\"c\", i=\"2\"} 1", "{__name__=\"c\", i=\"1\"} 1",
        "{__name__=\"c\", i=\"6\"} 1"}},
  });
}

// quantile interpolates between ranks; NaNs sort first; phi < 0 gives -Inf, phi > 1 +Inf.
TEST(AggregateTest, Quantile) {
  CheckCases({
      {"quantile(0.3, d)", {"{} 0.19"}},
      {"quantile(0, d)", {"{} 0.1"}},
      {"quantile(1, d)", {"{} 0.7"}},
      {"quantile(-1, d)", {"{} -Inf"}},
      {"quantile(2, d)", {"{} +Inf"}},
      {"quantile(NaN, d)", {"{} NaN"}},
      {"quantile by (g) (0.5, f)",
       {"{g=\"a\"} +Inf", "{g=\"b\"} NaN", "{g=\"c\"} NaN", "{g=\"d\"} -Inf", "{g=\"e\"} 1e+308"}},
      {"quantile by (job) (0.75, http_requests)",
       {"{job=\"api-server\"} 325", "{job=\"app-server\"} 725"}},
      {"quantile(0.5, n)", {"{} NaN"}},
  });
}

// count_values formats values as Go's FormatFloat(v, 'f', -1, 64) and adds them to the
// by labels (replacing a label of that name), or to the labels left by without.
TEST(AggregateTest, CountValues) {
  CheckCases({
      {"count_values(\"v\", cv)",
       {"{v=\"0.1\"} 2", "{v=\"NaN\"} 1", "{v=\"100000000000000000000000\"} 1",
        "{v=\"1000000000000000000000\"} 1", "{v=\"0.0000001\"} 1", "{v=\"-0\"} 1", "{v=\"100\"} 1",
        "{v=\"123456789012345680000\"} 1",
        "{v=\"0."
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "000000000000000000000000000000000000000000000000000005\"} 1",
        "{v=\"-2.5\"} 1", "{v=\"+Inf\"} 1"}},
      {"count_values by (job) (\"v\", http_requests)",
       {"{job=\"api-server\", v=\"300\"} 1", "{job=\"app-server\", v=\"700\"} 1",
        "{job=\"api-server\", v=\"400\"} 1", "{job=\"app-server\", v=\"800\"} 1",
        "{job=\"api-server\", v=\"100\"} 1", "{job=\"app-server\", v=\"500\"} 1",
        "{job=\"api-server\", v=\"200\"} 1", "{job=\"app-server\", v=\"600\"} 1"}},
      {"count_values without (instance) (\"v\", http_requests)",
       {"{group=\"canary\", job=\"api-server\", v=\"300\"} 1",
        "{group=\"canary\", job=\"app-server\", v=\"700\"} 1",
        "{group=\"canary\", job=\"api-server\", v=\"400\"} 1",
        "{group=\"canary\", job=\"app-server\", v=\"800\"} 1",
        "{group=\"production\", job=\"api-server\", v=\"100\"} 1",
        "{group=\"production\", job=\"app-server\", v=\"500\"} 1",
        "{group=\"production\", job=\"api-server\", v=\"200\"} 1",
        "{group=\"production\", job=\"app-server\", v=\"600\"} 1"}},
      {"count_values(\"job\", http_requests)",
       {"{job=\"300\"} 1", "{job=\"700\"} 1", "{job=\"400\"} 1", "{job=\"800\"} 1",
        "{job=\"100\"} 1", "{job=\"500\"} 1", "{job=\"200\"} 1", "{job=\"600\"} 1"}},
      {"count_values without (group) (\"group\", http_requests)",
       {"{instance=\"0\", job=\"api-server\"} 2", "{instance=\"0\", job=\"app-server\"} 2",
        "{instance=\"1\", job=\"api-server\"} 2", "{instance=\"1\", job=\"app-server\"} 2"}},
      {"count_values(\"__name__\", c)",
       {"{__name__=\"1\"} 5", "{__name__=\"2\"} 2", "{__name__=\"3\"} 1"}},
  });
}

TEST(AggregateTest, Errors) {
  const struct {
    const char* query;
    const char* message;
  } cases[] = {
      {"topk(NaN, b)", "Scalar value NaN overflows int64"},
      {"bottomk(1e19, b)", "Scalar value 1e+19 overflows int64"},
      {"topk(-1e19, b)", "Scalar value -1e+19 overflows int64"},
      {"topk(9223372036854775808, b)", "Scalar value 9.223372036854776e+18 overflows int64"},
      {"count_values(\"1a\", d)", "invalid label name \"1a\""},
      {"count_values(\"a-b\", d)", "invalid label name \"a-b\""},
      {"count_values(\"\", d)", "invalid label name \"\""},
  };
  for (const auto& c : cases) {
    EXPECT_THAT(Query(c.query), StatusIs(StatusCode::kInvalidArgument, Eq(c.message))) << c.query;
  }
}

TEST(AggregateTest, EmptyInput) {
  for (const char* q : {"sum(nothing)", "topk(2, nothing)", "quantile(0.5, nothing)",
                        "count_values(\"v\", nothing)"}) {
    StatusOr<std::vector<std::string>> got = Query(q);
    ASSERT_TRUE(got.ok()) << q;
    EXPECT_THAT(*got, IsEmpty()) << q;
  }
}

// topk keeps the element's own time out of the result: every element carries the step's time.
TEST(AggregateTest, ResultsCarryTheEvaluationTime) {
  Vector in = {{tsdb::Labels{{"__name__", "x"}, {"a", "1"}}, 5, 1.0},
               {tsdb::Labels{{"__name__", "x"}, {"a", "2"}}, 6, 2.0}};
  for (const char* q : {"sum(x)", "topk(1, x)", "bottomk(5, x)", "quantile(0.5, x)"}) {
    StatusOr<ExprPtr> e = ParseExpr(q);
    ASSERT_TRUE(e.ok());
    const auto& agg = std::get<AggregateExpr>((*e)->node);
    std::optional<double> param;
    if (agg.param) param = std::get<NumberLiteral>(agg.param->node).value;
    StatusOr<Vector> got = Aggregate(agg, in, param, "", 42);
    ASSERT_TRUE(got.ok()) << q;
    ASSERT_FALSE(got->empty()) << q;
    for (const VectorElement& el : *got) EXPECT_EQ(el.t_ms, 42) << q;
  }
}

}  // namespace
}  // namespace gw::promql
