#include "promql/ast.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <tuple>

#include "promql/functions.h"

namespace gw::promql {

std::string_view DocumentedType(ValueType t) {
  switch (t) {
    case ValueType::kScalar:
      return "scalar";
    case ValueType::kVector:
      return "instant vector";
    case ValueType::kMatrix:
      return "range vector";
    case ValueType::kString:
      return "string";
    case ValueType::kNone:
      break;
  }
  return "none";
}

std::string_view ValueTypeName(ValueType t) {
  switch (t) {
    case ValueType::kScalar:
      return "scalar";
    case ValueType::kVector:
      return "vector";
    case ValueType::kMatrix:
      return "matrix";
    case ValueType::kString:
      return "string";
    case ValueType::kNone:
      break;
  }
  return "none";
}

std::string_view BinaryOpName(BinaryOp op) {
  static constexpr std::string_view kNames[] = {"+",     "-",   "*",  "/",     "%", "^",
                                                "atan2", "==",  "!=", ">",     "<", ">=",
                                                "<=",    "and", "or", "unless"};
  return kNames[static_cast<int>(op)];
}

bool IsComparison(BinaryOp op) { return op >= BinaryOp::kEql && op <= BinaryOp::kLte; }
bool IsSetOperator(BinaryOp op) { return op >= BinaryOp::kAnd; }

std::string_view AggregateOpName(AggregateOp op) {
  static constexpr std::string_view kNames[] = {"sum",   "avg",     "min",      "max",
                                                "count", "stddev",  "stdvar",   "group",
                                                "topk",  "bottomk", "quantile", "count_values"};
  return kNames[static_cast<int>(op)];
}

bool TakesParameter(AggregateOp op) { return op >= AggregateOp::kTopk; }

ValueType TypeOf(const Expr& e) {
  struct Visitor {
    ValueType operator()(const NumberLiteral&) const { return ValueType::kScalar; }
    ValueType operator()(const StringLiteral&) const { return ValueType::kString; }
    ValueType operator()(const VectorSelector&) const { return ValueType::kVector; }
    ValueType operator()(const MatrixSelector&) const { return ValueType::kMatrix; }
    ValueType operator()(const SubqueryExpr&) const { return ValueType::kMatrix; }
    ValueType operator()(const ParenExpr& n) const { return TypeOf(*n.expr); }
    ValueType operator()(const UnaryExpr& n) const { return TypeOf(*n.expr); }
    ValueType operator()(const BinaryExpr& n) const {
      return TypeOf(*n.lhs) == ValueType::kScalar && TypeOf(*n.rhs) == ValueType::kScalar
                 ? ValueType::kScalar
                 : ValueType::kVector;
    }
    ValueType operator()(const AggregateExpr&) const { return ValueType::kVector; }
    ValueType operator()(const Call& n) const { return n.func->return_type; }
  };
  return std::visit(Visitor{}, e.node);
}

namespace {

bool SameNumber(double a, double b) {
  if (std::isnan(a) && std::isnan(b)) return true;
  return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b);  // 0 and -0 differ
}

// As sets: the printer sorts matchers, as Prometheus does.
bool SameMatchers(const std::vector<tsdb::Matcher>& a, const std::vector<tsdb::Matcher>& b) {
  auto keys = [](const std::vector<tsdb::Matcher>& ms) {
    std::vector<std::tuple<std::string, int, std::string>> out;
    out.reserve(ms.size());
    for (const tsdb::Matcher& m : ms)
      out.emplace_back(m.name(), static_cast<int>(m.type()), m.value());
    std::sort(out.begin(), out.end());
    return out;
  };
  return keys(a) == keys(b);
}

bool SameMods(const TimeModifiers& a, const TimeModifiers& b) {
  return a.offset_ms == b.offset_ms && a.at == b.at &&
         (a.at != AtKind::kTimestamp || a.at_ms == b.at_ms);
}

bool SameSelector(const VectorSelector& a, const VectorSelector& b) {
  return a.name == b.name && SameMatchers(a.matchers, b.matchers) && SameMods(a.mods, b.mods);
}

bool SameMatching(const std::optional<VectorMatching>& a, const std::optional<VectorMatching>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return true;
  return a->card == b->card && a->on == b->on && a->labels == b->labels && a->include == b->include;
}

bool SamePtr(const ExprPtr& a, const ExprPtr& b) {
  if (a == nullptr || b == nullptr) return a == b;
  return Equal(*a, *b);
}

}  // namespace

bool Equal(const Expr& a, const Expr& b) {
  if (a.node.index() != b.node.index()) return false;
  if (auto* x = std::get_if<NumberLiteral>(&a.node)) {
    return SameNumber(x->value, std::get<NumberLiteral>(b.node).value);
  }
  if (auto* x = std::get_if<StringLiteral>(&a.node)) {
    return x->value == std::get<StringLiteral>(b.node).value;
  }
  if (auto* x = std::get_if<VectorSelector>(&a.node)) {
    return SameSelector(*x, std::get<VectorSelector>(b.node));
  }
  if (auto* x = std::get_if<MatrixSelector>(&a.node)) {
    const auto& y = std::get<MatrixSelector>(b.node);
    return x->range_ms == y.range_ms && SameSelector(x->selector, y.selector);
  }
  if (auto* x = std::get_if<SubqueryExpr>(&a.node)) {
    const auto& y = std::get<SubqueryExpr>(b.node);
    return x->range_ms == y.range_ms && x->step_ms == y.step_ms && SameMods(x->mods, y.mods) &&
           SamePtr(x->expr, y.expr);
  }
  if (auto* x = std::get_if<ParenExpr>(&a.node)) {
    return SamePtr(x->expr, std::get<ParenExpr>(b.node).expr);
  }
  if (auto* x = std::get_if<UnaryExpr>(&a.node)) {
    const auto& y = std::get<UnaryExpr>(b.node);
    return x->op == y.op && SamePtr(x->expr, y.expr);
  }
  if (auto* x = std::get_if<BinaryExpr>(&a.node)) {
    const auto& y = std::get<BinaryExpr>(b.node);
    return x->op == y.op && x->return_bool == y.return_bool &&
           SameMatching(x->matching, y.matching) && SamePtr(x->lhs, y.lhs) &&
           SamePtr(x->rhs, y.rhs);
  }
  if (auto* x = std::get_if<AggregateExpr>(&a.node)) {
    const auto& y = std::get<AggregateExpr>(b.node);
    return x->op == y.op && x->without == y.without && x->grouping == y.grouping &&
           SamePtr(x->param, y.param) && SamePtr(x->expr, y.expr);
  }
  const auto& x = std::get<Call>(a.node);
  const auto& y = std::get<Call>(b.node);
  if (x.func != y.func || x.args.size() != y.args.size()) return false;
  for (size_t i = 0; i < x.args.size(); ++i) {
    if (!Equal(*x.args[i], *y.args[i])) return false;
  }
  return true;
}

}  // namespace gw::promql
