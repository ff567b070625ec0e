// The PromQL syntax tree, as Prometheus 2.42's promql/parser builds it (ast.go), and its printer.
#ifndef GW_PROMQL_AST_H_
#define GW_PROMQL_AST_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tsdb/matcher.h"

namespace gw::promql {

// What an expression evaluates to. kNone only for functions that do not return (none here).
enum class ValueType { kNone, kScalar, kVector, kMatrix, kString };

// "scalar", "instant vector", "range vector", "string" (Prometheus' DocumentedType).
std::string_view DocumentedType(ValueType t);
// "scalar", "vector", "matrix", "string" (Prometheus' ValueType.String()).
std::string_view ValueTypeName(ValueType t);

enum class BinaryOp {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kAtan2,  // arithmetic
  kEql,
  kNeq,
  kGtr,
  kLss,
  kGte,
  kLte,  // comparison
  kAnd,
  kOr,
  kUnless,  // set
};
std::string_view BinaryOpName(BinaryOp op);  // "+", "==", "and", "atan2", ...
bool IsComparison(BinaryOp op);
bool IsSetOperator(BinaryOp op);

enum class AggregateOp {
  kSum,
  kAvg,
  kMin,
  kMax,
  kCount,
  kStddev,
  kStdvar,
  kGroup,
  kTopk,
  kBottomk,
  kQuantile,
  kCountValues,  // these take a parameter
};
std::string_view AggregateOpName(AggregateOp op);  // "sum", "count_values", ...
bool TakesParameter(AggregateOp op);

// Where `@` pins an evaluation: nowhere, a timestamp, or the query's start()/end().
enum class AtKind { kNone, kTimestamp, kStart, kEnd };

// The modifiers that selectors and subqueries share. offset_ms may be negative.
struct TimeModifiers {
  int64_t offset_ms = 0;
  AtKind at = AtKind::kNone;
  int64_t at_ms = 0;  // meaningful for AtKind::kTimestamp
};

struct Function;  // functions.h
struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct NumberLiteral {
  double value = 0;
};

struct StringLiteral {
  std::string value;  // unquoted
};

// `name{matchers}`. As in Prometheus, a name written outside the braces is also the last
// matcher (__name__="name"); `name` is empty when none was written outside the braces.
struct VectorSelector {
  std::string name;
  std::vector<tsdb::Matcher> matchers;
  TimeModifiers mods;
};

// `selector[range]`; offset and @ live in the selector's mods.
struct MatrixSelector {
  VectorSelector selector;
  int64_t range_ms = 0;
};

// `expr[range:step]`; step_ms is 0 when omitted (the engine then uses the default step).
struct SubqueryExpr {
  ExprPtr expr;
  int64_t range_ms = 0;
  int64_t step_ms = 0;
  TimeModifiers mods;
};

struct ParenExpr {
  ExprPtr expr;
};

// Unary minus or plus. The parser folds a sign directly in front of a number into the
// NumberLiteral, as Prometheus does, so `-1` is NumberLiteral{-1}.
struct UnaryExpr {
  char op = '-';  // '-' or '+'
  ExprPtr expr;
};

enum class Cardinality { kOneToOne, kManyToOne, kOneToMany, kManyToMany };

struct VectorMatching {
  Cardinality card = Cardinality::kOneToOne;
  bool on = false;                   // on(...) rather than ignoring(...)
  std::vector<std::string> labels;   // the on/ignoring labels
  std::vector<std::string> include;  // the group_left/group_right labels
};

// `lhs op [bool] [on|ignoring(...) [group_left|group_right(...)]] rhs`. `matching` is unset
// when either side is a scalar (Prometheus drops it there); set operators get kManyToMany.
struct BinaryExpr {
  BinaryOp op = BinaryOp::kAdd;
  ExprPtr lhs;
  ExprPtr rhs;
  bool return_bool = false;
  std::optional<VectorMatching> matching;
  size_t op_pos = 0;  // byte offset of the operator, for errors
};

struct AggregateExpr {
  AggregateOp op = AggregateOp::kSum;
  ExprPtr expr;
  ExprPtr param;  // set exactly when TakesParameter(op)
  std::vector<std::string> grouping;
  bool without = false;
};

struct Call {
  const Function* func = nullptr;  // never null in a parsed tree; points into the static table
  std::vector<ExprPtr> args;
};

struct Expr {
  std::variant<NumberLiteral, StringLiteral, VectorSelector, MatrixSelector, SubqueryExpr,
               ParenExpr, UnaryExpr, BinaryExpr, AggregateExpr, Call>
      node;
  size_t start = 0;  // byte offsets of the expression in the query: [start, end)
  size_t end = 0;
};

// The type the expression evaluates to (Prometheus' Expr.Type()).
ValueType TypeOf(const Expr& e);

// Prometheus' canonical text (Expr.String() in 2.42): `sum by (job) (rate(x[5m]))`,
// `a + on (b) group_left (c) d`, `x @ 1000.000 offset 5m`, `foo[1h:5m]`. Parentheses come only
// from ParenExpr nodes. One deliberate difference: `ignoring () group_left ()` is printed
// (Prometheus drops it, which changes the meaning).
std::string ToString(const Expr& e);

// Structural equality, for tests and the fuzzer's round trip. Ignores positions; compares
// numbers bitwise except that all NaNs are equal.
bool Equal(const Expr& a, const Expr& b);

// Helpers for the printer, exposed for tests.
std::string FormatDuration(int64_t ms);       // Prometheus' model.Duration.String(): 1h30m, 1d, 0s
std::string FormatNumber(double v);           // Go's fmt %v: 1, 0.5, 1e+06, +Inf, NaN
std::string QuoteString(std::string_view s);  // Go's %q

}  // namespace gw::promql

#endif  // GW_PROMQL_AST_H_
