// Test support for binop_test and aggregate_test: one data set and a small evaluator of
// selectors, numbers, unary minus, binary operators and aggregations at one step, so that a
// test reads as a query and its expected result.
//
// The expected results in those tests are what Prometheus 2.42.0 (Debian's build) answered to
// the same queries over the same series at one instant, in the order it returned them; values
// print as Go's %v (FormatNumber), labels as Labels::ToString.
#ifndef GW_PROMQL_OPERATORS_TEST_UTIL_H_
#define GW_PROMQL_OPERATORS_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "promql/operators.h"
#include "promql/parser.h"

namespace gw::promql::testutil {

inline constexpr int64_t kT = 1'700'000'000'000;

// Series as `selector value`; the selector's equality matchers become the labels.
inline const char* const kSeries[] = {
    R"(http_requests{job="api-server",instance="0",group="production"} 100)",
    R"(http_requests{job="api-server",instance="1",group="production"} 200)",
    R"(http_requests{job="api-server",instance="0",group="canary"} 300)",
    R"(http_requests{job="api-server",instance="1",group="canary"} 400)",
    R"(http_requests{job="app-server",instance="0",group="production"} 500)",
    R"(http_requests{job="app-server",instance="1",group="production"} 600)",
    R"(http_requests{job="app-server",instance="0",group="canary"} 700)",
    R"(http_requests{job="app-server",instance="1",group="canary"} 800)",
    R"(vector_matching_a{l="x"} 10)",
    R"(vector_matching_a{l="y"} 20)",
    R"(vector_matching_b{l="x"} 40)",
    R"(node_var{instance="abc",job="node"} 2)",
    R"(node_role{instance="abc",job="node",role="prometheus"} 1)",
    R"(node_cpu{instance="abc",job="node",mode="idle"} 3)",
    R"(node_cpu{instance="abc",job="node",mode="user"} 1)",
    R"(node_cpu{instance="def",job="node",mode="idle"} 8)",
    R"(node_cpu{instance="def",job="node",mode="user"} 2)",
    // Ties.
    R"(b{x="1",z="q"} 5)",
    R"(b{x="1",z="r"} 2)",
    R"(b{x="1",z="s"} 5)",
    R"(b{x="1",z="t"} 5)",
    R"(c{i="1"} 1)",
    R"(c{i="2"} 1)",
    R"(c{i="3"} 2)",
    R"(c{i="4"} 1)",
    R"(c{i="5"} 3)",
    R"(c{i="6"} 1)",
    R"(c{i="7"} 2)",
    R"(c{i="8"} 1)",
    // NaN, Inf, rounding.
    R"(n{i="1"} NaN)",
    R"(n{i="2"} NaN)",
    R"(n{i="3"} 1)",
    R"(n{i="4"} NaN)",
    R"(n{i="5"} 2)",
    R"(d{i="1"} 0.1)",
    R"(d{i="2"} 0.2)",
    R"(d{i="3"} 0.3)",
    R"(d{i="4"} 0.7)",
    R"(e{i="1"} 1e100)",
    R"(e{i="2"} 1)",
    R"(e{i="3"} -1e100)",
    R"(f{g="a",i="1"} +Inf)",
    R"(f{g="a",i="2"} 1)",
    R"(f{g="b",i="3"} +Inf)",
    R"(f{g="b",i="4"} -Inf)",
    R"(f{g="c",i="5"} 1)",
    R"(f{g="c",i="6"} NaN)",
    R"(f{g="d",i="7"} -Inf)",
    R"(f{g="d",i="8"} -Inf)",
    R"(f{g="e",i="9"} 1e308)",
    R"(f{g="e",i="10"} 1e308)",
    // count_values' formatting.
    R"(cv{i="1"} 0.1)",
    R"(cv{i="2"} 1e21)",
    R"(cv{i="3"} 1e-7)",
    R"(cv{i="4"} -0)",
    R"(cv{i="5"} 100)",
    R"(cv{i="6"} 123456789012345680000)",
    R"(cv{i="7"} 5e-324)",
    R"(cv{i="8"} -2.5)",
    R"(cv{i="9"} +Inf)",
    R"(cv{i="10"} NaN)",
    R"(cv{i="11"} 0.1)",
    R"(cv{i="12"} 1e23)",
};

// All series, sorted by labels as a selector returns them.
inline const Vector& Data() {
  static const Vector* data = [] {
    auto* v = new Vector;
    for (std::string_view line : kSeries) {
      size_t space = line.rfind(' ');
      StatusOr<ExprPtr> e = ParseExpr(line.substr(0, space));
      std::vector<tsdb::Label> labels;
      for (const tsdb::Matcher& m : std::get<VectorSelector>((*e)->node).matchers) {
        labels.push_back({m.name(), m.value()});
      }
      double value = std::strtod(std::string(line.substr(space + 1)).c_str(), nullptr);
      v->push_back({*tsdb::Labels::FromPairs(std::move(labels)), 0, value});
    }
    std::sort(v->begin(), v->end(), [](auto& a, auto& b) { return a.metric < b.metric; });
    return v;
  }();
  return *data;
}

using Result = std::variant<double, Vector>;

inline StatusOr<Result> Eval(const Expr& e);

inline StatusOr<Result> EvalBinary(const BinaryExpr& b) {
  GW_ASSIGN_OR_RETURN(Result lhs, Eval(*b.lhs));
  GW_ASSIGN_OR_RETURN(Result rhs, Eval(*b.rhs));
  auto* ls = std::get_if<double>(&lhs);
  auto* rs = std::get_if<double>(&rhs);
  if (ls && rs) return Result(ScalarBinop(b.op, *ls, *rs));
  if (rs)
    return Result(VectorScalarBinop(b.op, std::get<Vector>(lhs), *rs, false, b.return_bool, kT));
  if (ls)
    return Result(VectorScalarBinop(b.op, std::get<Vector>(rhs), *ls, true, b.return_bool, kT));
  GW_ASSIGN_OR_RETURN(Vector v, VectorBinop(b, std::get<Vector>(lhs), std::get<Vector>(rhs), kT));
  return Result(std::move(v));
}

inline StatusOr<Result> EvalAggregate(const AggregateExpr& a) {
  GW_ASSIGN_OR_RETURN(Result in, Eval(*a.expr));
  std::optional<double> param;
  std::string label;
  if (a.param) {
    if (auto* s = std::get_if<StringLiteral>(&a.param->node)) {
      label = s->value;
    } else {
      GW_ASSIGN_OR_RETURN(Result p, Eval(*a.param));
      param = std::get<double>(p);
    }
  }
  GW_ASSIGN_OR_RETURN(Vector v, Aggregate(a, std::get<Vector>(in), param, label, kT));
  return Result(std::move(v));
}

inline StatusOr<Result> Eval(const Expr& e) {
  if (auto* n = std::get_if<NumberLiteral>(&e.node)) return Result(n->value);
  if (auto* p = std::get_if<ParenExpr>(&e.node)) return Eval(*p->expr);
  if (auto* b = std::get_if<BinaryExpr>(&e.node)) return EvalBinary(*b);
  if (auto* a = std::get_if<AggregateExpr>(&e.node)) return EvalAggregate(*a);
  if (auto* u = std::get_if<UnaryExpr>(&e.node)) {  // -x is -1 * x, as Prometheus does it
    GW_ASSIGN_OR_RETURN(Result r, Eval(*u->expr));
    if (auto* d = std::get_if<double>(&r)) return Result(-*d);
    return Result(VectorScalarBinop(BinaryOp::kMul, std::get<Vector>(r), -1, true, false, kT));
  }
  Vector out;
  for (const VectorElement& el : Data()) {
    bool match = true;
    for (const tsdb::Matcher& m : std::get<VectorSelector>(e.node).matchers) {
      match = match && m.Matches(el.metric.Get(m.name()));
    }
    if (match) out.push_back(el);
  }
  return Result(std::move(out));
}

// The result of `query` at kT as lines `{labels} value` (a scalar: `value`), or the error.
inline StatusOr<std::vector<std::string>> Query(std::string_view query) {
  GW_ASSIGN_OR_RETURN(ExprPtr e, ParseExpr(query));
  GW_ASSIGN_OR_RETURN(Result r, Eval(*e));
  if (auto* d = std::get_if<double>(&r)) return std::vector<std::string>{FormatNumber(*d)};
  std::vector<std::string> lines;
  for (const VectorElement& el : std::get<Vector>(r)) {
    EXPECT_EQ(el.t_ms, kT) << query;
    lines.push_back(el.metric.ToString() + " " + FormatNumber(el.v));
  }
  return lines;
}

struct Case {
  const char* query;
  std::vector<std::string> want;
};

inline void CheckCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    StatusOr<std::vector<std::string>> got = Query(c.query);
    ASSERT_TRUE(got.ok()) << c.query << ": " << got.status().ToString();
    EXPECT_EQ(*got, c.want) << c.query;
  }
}

}  // namespace gw::promql::testutil

#endif  // GW_PROMQL_OPERATORS_TEST_UTIL_H_
