#include "promql/parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "common/status_matchers.h"
#include "promql/functions.h"

namespace gw::promql {
namespace {

using ::testing::ElementsAre;

ExprPtr P(std::string_view q) {
  StatusOr<ExprPtr> e = ParseExpr(q);
  EXPECT_TRUE(e.ok()) << q << ": " << e.status().ToString();
  return e.ok() ? *std::move(e) : nullptr;
}

// The tree with every binary and unary expression in brackets, to show precedence.
std::string Shape(const Expr& e) {
  if (auto* b = std::get_if<BinaryExpr>(&e.node)) {
    return "[" + Shape(*b->lhs) + " " + std::string(BinaryOpName(b->op)) + " " + Shape(*b->rhs) +
           "]";
  }
  if (auto* u = std::get_if<UnaryExpr>(&e.node))
    return "[" + std::string(1, u->op) + Shape(*u->expr) + "]";
  if (auto* p = std::get_if<ParenExpr>(&e.node)) return "(" + Shape(*p->expr) + ")";
  return ToString(e);
}

std::string ShapeOf(std::string_view q) {
  ExprPtr e = P(q);
  return e ? Shape(*e) : "<error>";
}

TEST(ParserTest, Literals) {
  EXPECT_EQ(std::get<NumberLiteral>(P("1")->node).value, 1);
  EXPECT_EQ(std::get<NumberLiteral>(P("0x1f")->node).value, 31);
  EXPECT_EQ(std::get<NumberLiteral>(P("010")->node).value, 8);  // Go's ParseInt(s, 0, 64)
  EXPECT_EQ(std::get<NumberLiteral>(P("1.5e3")->node).value, 1500);
  EXPECT_EQ(std::get<NumberLiteral>(P(".5")->node).value, 0.5);
  EXPECT_TRUE(std::isinf(std::get<NumberLiteral>(P("Inf")->node).value));
  EXPECT_EQ(std::get<NumberLiteral>(P("-Inf")->node).value, -INFINITY);
  EXPECT_TRUE(std::isnan(std::get<NumberLiteral>(P("NaN")->node).value));
  EXPECT_EQ(std::get<NumberLiteral>(P("-1")->node).value, -1);  // folded, as Prometheus
  EXPECT_EQ(std::get<NumberLiteral>(P("+2")->node).value, 2);
  EXPECT_EQ(std::get<StringLiteral>(P("'a\\tb'")->node).value, "a\tb");
  EXPECT_EQ(TypeOf(*P("\"x\"")), ValueType::kString);
}

TEST(ParserTest, VectorSelectors) {
  ExprPtr e = P("up{job=\"gpu\", gpu=~\"0|1\", host!=\"\", x!~'y'}");
  const auto& vs = std::get<VectorSelector>(e->node);
  EXPECT_EQ(vs.name, "up");
  std::vector<std::string> ms;
  for (const tsdb::Matcher& m : vs.matchers) ms.push_back(m.ToString());
  // The name comes last, as in Prometheus.
  EXPECT_THAT(
      ms, ElementsAre("job=\"gpu\"", "gpu=~\"0|1\"", "host!=\"\"", "x!~\"y\"", "__name__=\"up\""));
  EXPECT_EQ(std::get<VectorSelector>(P("{__name__=~\"a.*\"}")->node).name, "");
  EXPECT_EQ(std::get<VectorSelector>(P("job:gpu_util:avg5m")->node).name, "job:gpu_util:avg5m");
  // Keywords that Prometheus lets stand for metric names; a trailing comma.
  EXPECT_EQ(std::get<VectorSelector>(P("sum{a=\"b\",}")->node).name, "sum");
  EXPECT_EQ(std::get<VectorSelector>(P("offset")->node).name, "offset");
  EXPECT_EQ(TypeOf(*P("up")), ValueType::kVector);
}

TEST(ParserTest, OffsetAtAndRanges) {
  ExprPtr e = P("x offset 5m @ 1000");
  const auto& vs = std::get<VectorSelector>(e->node);
  EXPECT_EQ(vs.mods.offset_ms, 300000);
  EXPECT_EQ(vs.mods.at, AtKind::kTimestamp);
  EXPECT_EQ(vs.mods.at_ms, 1000000);
  EXPECT_EQ(std::get<VectorSelector>(P("x offset -1h30m")->node).mods.offset_ms, -5400000);
  EXPECT_EQ(std::get<VectorSelector>(P("x @ -1.5")->node).mods.at_ms, -1500);
  EXPECT_EQ(std::get<VectorSelector>(P("x @ start()")->node).mods.at, AtKind::kStart);
  EXPECT_EQ(std::get<VectorSelector>(P("x @ end()")->node).mods.at, AtKind::kEnd);

  ExprPtr m = P("x[1d] offset 1w @ end()");
  const auto& ms = std::get<MatrixSelector>(m->node);
  EXPECT_EQ(ms.range_ms, 86400000);
  EXPECT_EQ(ms.selector.mods.offset_ms, 7 * 86400000LL);
  EXPECT_EQ(TypeOf(*m), ValueType::kMatrix);

  ExprPtr s = P("rate(x[5m])[1h:30s] offset 1m");
  const auto& sq = std::get<SubqueryExpr>(s->node);
  EXPECT_EQ(sq.range_ms, 3600000);
  EXPECT_EQ(sq.step_ms, 30000);
  EXPECT_EQ(sq.mods.offset_ms, 60000);
  EXPECT_EQ(TypeOf(*s), ValueType::kMatrix);
  EXPECT_EQ(std::get<SubqueryExpr>(P("x[5m:]")->node).step_ms, 0);
  EXPECT_EQ(ParseDurationMs("1y2w3d4h5m6s7ms").value(),
            ((((365LL + 14 + 3) * 24 + 4) * 60 + 5) * 60 + 6) * 1000 + 7);
}

TEST(ParserTest, Aggregations) {
  ExprPtr e = P("sum by (job, instance) (x)");
  const auto& a = std::get<AggregateExpr>(e->node);
  EXPECT_EQ(a.op, AggregateOp::kSum);
  EXPECT_THAT(a.grouping, ElementsAre("job", "instance"));
  EXPECT_FALSE(a.without);
  ExprPtr after_e = P("avg(x) without (gpu)");
  const auto& after = std::get<AggregateExpr>(after_e->node);
  EXPECT_TRUE(after.without);
  EXPECT_THAT(after.grouping, ElementsAre("gpu"));
  ExprPtr topk_e = P("topk(5, x)");
  const auto& topk = std::get<AggregateExpr>(topk_e->node);
  EXPECT_EQ(std::get<NumberLiteral>(topk.param->node).value, 5);
  EXPECT_EQ(std::get<AggregateExpr>(P("count_values(\"v\", x)")->node).op,
            AggregateOp::kCountValues);
  EXPECT_EQ(std::get<AggregateExpr>(P("quantile(0.9, x)")->node).op, AggregateOp::kQuantile);
  // Keywords are label names in grouping lists.
  EXPECT_THAT(std::get<AggregateExpr>(P("max by (on, sum, offset) (x)")->node).grouping,
              ElementsAre("on", "sum", "offset"));
  for (std::string_view op : {"sum", "avg", "min", "max", "count", "stddev", "stdvar", "group"}) {
    ExprPtr x = P(std::string(op) + "(x)");
    ASSERT_NE(x, nullptr);
    EXPECT_EQ(AggregateOpName(std::get<AggregateExpr>(x->node).op), op);
  }
  EXPECT_EQ(std::get<AggregateExpr>(P("bottomk(1, x)")->node).op, AggregateOp::kBottomk);
}

TEST(ParserTest, Calls) {
  ExprPtr e = P("label_replace(up, \"a\", \"$1\", \"b\", \"(.*)\")");
  const auto& c = std::get<Call>(e->node);
  EXPECT_EQ(c.func->name, "label_replace");
  EXPECT_EQ(c.args.size(), 5u);
  EXPECT_EQ(TypeOf(*P("time()")), ValueType::kScalar);
  EXPECT_EQ(TypeOf(*P("scalar(x)")), ValueType::kScalar);
  EXPECT_EQ(TypeOf(*P("vector(1)")), ValueType::kVector);
  // Optional and variadic arguments.
  P("hour()");
  P("hour(x)");
  P("round(x)");
  P("round(x, 5)");
  P("label_join(x, \"d\", \",\", \"a\", \"b\", \"c\")");
  P("label_join(x, \"d\", \",\")");
  P("clamp(x, 0, 1)");
  P("quantile_over_time(0.5, x[5m])");
  P("predict_linear(x[1h], 3600)");
  P("histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))");
  for (std::string_view f :
       {"rate", "irate", "increase", "delta", "idelta", "deriv", "resets", "changes",
        "avg_over_time", "min_over_time", "max_over_time", "sum_over_time", "count_over_time",
        "last_over_time", "stddev_over_time", "stdvar_over_time", "absent_over_time"}) {
    P(std::string(f) + "(x[5m])");
  }
  for (std::string_view f : {"absent", "abs", "ceil", "floor", "exp", "ln", "log2", "log10", "sqrt",
                             "timestamp", "sort", "sort_desc", "day_of_month", "day_of_week",
                             "day_of_year", "days_in_month", "minute", "month", "year"}) {
    P(std::string(f) + "(x)");
  }
  P("clamp_min(x, 0)");
  P("clamp_max(x, 0)");
}

TEST(ParserTest, BinaryModifiers) {
  ExprPtr e = P("a + on(b, c) group_left(d) e");
  const auto& b = std::get<BinaryExpr>(e->node);
  ASSERT_TRUE(b.matching.has_value());
  EXPECT_TRUE(b.matching->on);
  EXPECT_EQ(b.matching->card, Cardinality::kManyToOne);
  EXPECT_THAT(b.matching->labels, ElementsAre("b", "c"));
  EXPECT_THAT(b.matching->include, ElementsAre("d"));
  ExprPtr r_e = P("a / ignoring(x) group_right b");
  const auto& r = std::get<BinaryExpr>(r_e->node);
  EXPECT_FALSE(r.matching->on);
  EXPECT_EQ(r.matching->card, Cardinality::kOneToMany);
  EXPECT_TRUE(std::get<BinaryExpr>(P("a > bool b")->node).return_bool);
  EXPECT_TRUE(std::get<BinaryExpr>(P("1 == bool 2")->node).return_bool);
  EXPECT_EQ(std::get<BinaryExpr>(P("a and b")->node).matching->card, Cardinality::kManyToMany);
  // Prometheus drops vector matching when a side is a scalar.
  EXPECT_FALSE(std::get<BinaryExpr>(P("a * 2")->node).matching.has_value());
  EXPECT_EQ(TypeOf(*P("1 + 2")), ValueType::kScalar);
  EXPECT_EQ(TypeOf(*P("1 + a")), ValueType::kVector);
}

TEST(ParserTest, PrecedenceAndAssociativity) {
  EXPECT_EQ(ShapeOf("a + b * c"), "[a + [b * c]]");
  EXPECT_EQ(ShapeOf("a * b + c"), "[[a * b] + c]");
  EXPECT_EQ(ShapeOf("a - b - c"), "[[a - b] - c]");
  EXPECT_EQ(ShapeOf("a / b % c atan2 d"), "[[[a / b] % c] atan2 d]");
  EXPECT_EQ(ShapeOf("a ^ b ^ c"), "[a ^ [b ^ c]]");
  EXPECT_EQ(ShapeOf("a * b ^ c"), "[a * [b ^ c]]");
  EXPECT_EQ(ShapeOf("a + b > c - d"), "[[a + b] > [c - d]]");
  EXPECT_EQ(ShapeOf("a > b == c"), "[[a > b] == c]");
  EXPECT_EQ(ShapeOf("a == b and c != d"), "[[a == b] and [c != d]]");
  EXPECT_EQ(ShapeOf("a and b unless c"), "[[a and b] unless c]");
  EXPECT_EQ(ShapeOf("a or b and c"), "[a or [b and c]]");
  EXPECT_EQ(ShapeOf("a or b or c"), "[[a or b] or c]");
  EXPECT_EQ(ShapeOf("a unless b or c and d"), "[[a unless b] or [c and d]]");
  EXPECT_EQ(ShapeOf("(a + b) * c"), "[([a + b]) * c]");
  // Unary minus binds like *, below ^: -a ^ b is -(a ^ b); -a * b is (-a) * b.
  EXPECT_EQ(ShapeOf("-a ^ b"), "[-[a ^ b]]");
  EXPECT_EQ(ShapeOf("-a * b"), "[[-a] * b]");
  EXPECT_EQ(ShapeOf("-1 ^ 2"), "[-[1 ^ 2]]");
  EXPECT_EQ(ShapeOf("2 ^ -1"), "[2 ^ -1]");
  EXPECT_EQ(ShapeOf("a - -b"), "[a - [-b]]");
  // Postfix modifiers bind tightest.
  EXPECT_EQ(ShapeOf("a + b offset 5m"), "[a + b offset 5m]");
  EXPECT_EQ(ShapeOf("-a offset 5m"), "[-a offset 5m]");
}

TEST(ParserTest, MultiLineInputWithComments) {
  ExprPtr e = P("sum by (job) (  # per job\n  rate(x[5m])\n)");
  EXPECT_EQ(ToString(*e), "sum by (job) (rate(x[5m]))");
}

}  // namespace
}  // namespace gw::promql
