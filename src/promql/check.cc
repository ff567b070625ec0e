#include "promql/check.h"

#include <string>

#include "promql/functions.h"
#include "promql/lexer.h"

namespace gw::promql {
namespace {

class Checker {
 public:
  explicit Checker(std::string_view query) : q_(query) {}

  Status Check(Expr& e) {
    return std::visit([&](auto& n) { return CheckNode(e, n); }, e.node);
  }

 private:
  Status CheckNode(Expr&, NumberLiteral&) { return Status::Ok(); }
  Status CheckNode(Expr&, StringLiteral&) { return Status::Ok(); }
  Status CheckNode(Expr&, ParenExpr& n) { return Check(*n.expr); }
  Status CheckNode(Expr& e, MatrixSelector& n) { return CheckSelector(e, n.selector); }
  Status CheckNode(Expr& e, VectorSelector& n) { return CheckSelector(e, n); }

  Status CheckSelector(const Expr& e, const VectorSelector& vs) {
    if (!vs.name.empty()) {
      // The last matcher is the name written outside the braces.
      for (size_t i = 0; i + 1 < vs.matchers.size(); ++i) {
        if (vs.matchers[i].name() == "__name__") {
          return Error(e.start, "metric name must not be set twice: \"" + vs.name + "\" or \"" +
                                    vs.matchers[i].value() + "\"");
        }
      }
      return Status::Ok();
    }
    for (const tsdb::Matcher& m : vs.matchers) {
      if (!m.Matches("")) return Status::Ok();
    }
    return Error(e.start, "vector selector must contain at least one non-empty matcher");
  }

  Status CheckNode(Expr& e, SubqueryExpr& n) {
    GW_RETURN_IF_ERROR(Check(*n.expr));
    const ValueType t = TypeOf(*n.expr);
    if (t != ValueType::kVector) {
      return Error(e.start, "subquery is only allowed on instant vector, got " +
                                std::string(ValueTypeName(t)) + " instead");
    }
    return Status::Ok();
  }

  Status CheckNode(Expr& e, UnaryExpr& n) {
    GW_RETURN_IF_ERROR(Check(*n.expr));
    const ValueType t = TypeOf(*n.expr);
    if (t != ValueType::kScalar && t != ValueType::kVector) {
      return Error(e.start,
                   "unary expression only allowed on expressions of type scalar or instant "
                   "vector, got \"" +
                       std::string(DocumentedType(t)) + "\"");
    }
    return Status::Ok();
  }

  Status CheckNode(Expr&, AggregateExpr& n) {
    GW_RETURN_IF_ERROR(ExpectType(*n.expr, ValueType::kVector, "aggregation expression"));
    if (n.param != nullptr) {
      const ValueType want =
          n.op == AggregateOp::kCountValues ? ValueType::kString : ValueType::kScalar;
      GW_RETURN_IF_ERROR(ExpectType(*n.param, want, "aggregation parameter"));
    }
    return Status::Ok();
  }

  Status CheckNode(Expr& e, Call& n) {
    const Function& f = *n.func;
    const size_t nargs = f.arg_types.size(), got = n.args.size();
    const std::string name = "\"" + std::string(f.name) + "\"";
    if (f.variadic == 0 && nargs != got) {
      return Error(e.start, "expected " + std::to_string(nargs) + " argument(s) in call to " +
                                name + ", got " + std::to_string(got));
    }
    if (f.variadic != 0 && nargs - 1 > got) {
      return Error(e.start, "expected at least " + std::to_string(nargs - 1) +
                                " argument(s) in call to " + name + ", got " + std::to_string(got));
    }
    if (f.variadic > 0 && nargs - 1 + static_cast<size_t>(f.variadic) < got) {
      return Error(e.start, "expected at most " + std::to_string(nargs - 1 + f.variadic) +
                                " argument(s) in call to " + name + ", got " + std::to_string(got));
    }
    for (size_t i = 0; i < got; ++i) {
      const ValueType want = f.arg_types[std::min(i, nargs - 1)];
      GW_RETURN_IF_ERROR(ExpectType(*n.args[i], want, "call to function " + name));
    }
    return Status::Ok();
  }

  Status CheckNode(Expr& e, BinaryExpr& n) {
    GW_RETURN_IF_ERROR(Check(*n.lhs));
    GW_RETURN_IF_ERROR(Check(*n.rhs));
    const ValueType lt = TypeOf(*n.lhs), rt = TypeOf(*n.rhs);
    const std::string op = "\"" + std::string(BinaryOpName(n.op)) + "\"";
    if (n.return_bool && !IsComparison(n.op)) {
      return Error(n.op_pos, "bool modifier can only be used on comparison operators");
    }
    if (IsComparison(n.op) && !n.return_bool && lt == ValueType::kScalar &&
        rt == ValueType::kScalar) {
      return Error(n.op_pos, "comparisons between scalars must use BOOL modifier");
    }
    VectorMatching& vm = *n.matching;
    if (IsSetOperator(n.op) && vm.card == Cardinality::kOneToOne) {
      vm.card = Cardinality::kManyToMany;
    }
    for (const std::string& l : vm.labels) {
      for (const std::string& inc : vm.include) {
        if (l == inc && vm.on) {
          return Error(n.op_pos,
                       "label \"" + l + "\" must not occur in ON and GROUP clause at once");
        }
      }
    }
    if (lt != ValueType::kScalar && lt != ValueType::kVector) {
      return Error(n.lhs->start,
                   "binary expression must contain only scalar and instant vector types");
    }
    if (rt != ValueType::kScalar && rt != ValueType::kVector) {
      return Error(n.rhs->start,
                   "binary expression must contain only scalar and instant vector types");
    }
    if (lt != ValueType::kVector || rt != ValueType::kVector) {
      if (!vm.labels.empty()) {
        return Error(e.start, "vector matching only allowed between instant vectors");
      }
      n.matching.reset();
    } else if (IsSetOperator(n.op)) {
      if (vm.card == Cardinality::kOneToMany || vm.card == Cardinality::kManyToOne) {
        return Error(e.start, "no grouping allowed for " + op + " operation");
      }
    }
    if ((lt == ValueType::kScalar || rt == ValueType::kScalar) && IsSetOperator(n.op)) {
      return Error(e.start, "set operator " + op + " not allowed in binary scalar expression");
    }
    return Status::Ok();
  }

  Status ExpectType(Expr& e, ValueType want, const std::string& context) {
    GW_RETURN_IF_ERROR(Check(e));
    const ValueType t = TypeOf(e);
    if (t == want) return Status::Ok();
    return Error(e.start, "expected type " + std::string(DocumentedType(want)) + " in " + context +
                              ", got " + std::string(DocumentedType(t)));
  }

  Status Error(size_t pos, std::string_view what) const {
    return InvalidArgumentError(LineColumn(q_, pos) + ": parse error: " + std::string(what));
  }

  std::string_view q_;
};

}  // namespace

Status CheckAst(std::string_view query, Expr& e) { return Checker(query).Check(e); }

}  // namespace gw::promql
