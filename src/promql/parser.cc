#include "promql/parser.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "promql/check.h"
#include "promql/functions.h"
#include "promql/lexer.h"
#include "promql/literals.h"

namespace gw::promql {
namespace {

// Binding power of the binary operators, highest last; unary +/- binds like `*`.
int Precedence(BinaryOp op) {
  switch (op) {
    case BinaryOp::kOr:
      return 1;
    case BinaryOp::kAnd:
    case BinaryOp::kUnless:
      return 2;
    case BinaryOp::kEql:
    case BinaryOp::kNeq:
    case BinaryOp::kGtr:
    case BinaryOp::kLss:
    case BinaryOp::kGte:
    case BinaryOp::kLte:
      return 3;
    case BinaryOp::kAdd:
    case BinaryOp::kSub:
      return 4;
    case BinaryOp::kMul:
    case BinaryOp::kDiv:
    case BinaryOp::kMod:
    case BinaryOp::kAtan2:
      return 5;
    case BinaryOp::kPow:
      return 6;
  }
  return 0;
}

std::optional<BinaryOp> BinaryOpOf(const Token& t) {
  if (t.type != TokenType::kOperator) return std::nullopt;
  for (int i = 0; i <= static_cast<int>(BinaryOp::kUnless); ++i) {
    if (BinaryOpName(static_cast<BinaryOp>(i)) == t.value) return static_cast<BinaryOp>(i);
  }
  return std::nullopt;
}

std::optional<AggregateOp> AggregateOpOf(std::string_view v) {
  for (int i = 0; i <= static_cast<int>(AggregateOp::kCountValues); ++i) {
    if (AggregateOpName(static_cast<AggregateOp>(i)) == v) return static_cast<AggregateOp>(i);
  }
  return std::nullopt;
}

bool IsLabelName(const Token& t) {
  switch (t.type) {
    case TokenType::kIdentifier:
    case TokenType::kKeyword:
    case TokenType::kAggregator:
      return true;
    case TokenType::kOperator:
      return t.value == "and" || t.value == "or" || t.value == "unless" || t.value == "atan2";
    default:
      return false;
  }
}

// Prometheus' metric_identifier: names, and the keywords it lets stand for a metric name.
bool IsMetricName(const Token& t) {
  switch (t.type) {
    case TokenType::kIdentifier:
    case TokenType::kMetricIdentifier:
    case TokenType::kAggregator:
      return true;
    case TokenType::kKeyword:
      return t.value == "by" || t.value == "without" || t.value == "offset" || t.value == "start" ||
             t.value == "end";
    case TokenType::kOperator:
      return t.value == "and" || t.value == "or" || t.value == "unless";
    default:
      return false;
  }
}

template <typename T>
ExprPtr Make(T node, size_t start, size_t end) {
  auto e = std::make_unique<Expr>();
  e->node = std::move(node);
  e->start = start;
  e->end = end;
  return e;
}

class Parser {
 public:
  Parser(std::string_view query, std::vector<Token> tokens) : q_(query), toks_(std::move(tokens)) {}

  StatusOr<ExprPtr> Parse() {
    if (Cur().type == TokenType::kEof) return Error(0, "no expression found in input");
    GW_ASSIGN_OR_RETURN(ExprPtr e, Binary(0));
    if (Cur().type != TokenType::kEof) return Unexpected("", "");
    GW_RETURN_IF_ERROR(CheckAst(q_, *e));
    return e;
  }

 private:
  StatusOr<ExprPtr> Binary(int min_prec) {
    GW_RETURN_IF_ERROR(Nest());
    GW_ASSIGN_OR_RETURN(ExprPtr lhs, Unary());
    size_t levels = 1;
    while (true) {
      std::optional<BinaryOp> op = BinaryOpOf(Cur());
      if (!op || Precedence(*op) < min_prec) {
        nesting_ -= levels;
        return lhs;
      }
      GW_RETURN_IF_ERROR(Nest());
      ++levels;
      BinaryExpr b;
      b.op = *op;
      b.op_pos = Next().pos;
      GW_RETURN_IF_ERROR(Modifiers(b));
      // ^ is right-associative, everything else left-associative.
      const int next_prec = *op == BinaryOp::kPow ? Precedence(*op) : Precedence(*op) + 1;
      GW_ASSIGN_OR_RETURN(b.rhs, Binary(next_prec));
      const size_t start = lhs->start, end = b.rhs->end;
      b.lhs = std::move(lhs);
      lhs = Make(std::move(b), start, end);
    }
  }

  // [bool] [on|ignoring (labels) [group_left|group_right [(labels)]]]
  Status Modifiers(BinaryExpr& b) {
    b.matching.emplace();
    if (IsKeyword("bool")) Next(), b.return_bool = true;
    if (!IsKeyword("on") && !IsKeyword("ignoring")) return Status::Ok();
    b.matching->on = Next().value == "on";
    GW_ASSIGN_OR_RETURN(b.matching->labels, GroupingLabels());
    if (IsKeyword("group_left") || IsKeyword("group_right")) {
      b.matching->card =
          Next().value == "group_left" ? Cardinality::kManyToOne : Cardinality::kOneToMany;
      if (Cur().type == TokenType::kLeftParen) {
        GW_ASSIGN_OR_RETURN(b.matching->include, GroupingLabels());
      }
    }
    return Status::Ok();
  }

  StatusOr<ExprPtr> Unary() {
    const Token& t = Cur();
    if (t.type == TokenType::kOperator && (t.value == "-" || t.value == "+")) {
      const size_t start = t.pos;
      const char op = Next().value[0];
      GW_ASSIGN_OR_RETURN(ExprPtr operand, Binary(Precedence(BinaryOp::kPow)));
      if (auto* n = std::get_if<NumberLiteral>(&operand->node)) {
        if (op == '-') n->value = -n->value;
        operand->start = start;
        return operand;
      }
      const size_t end = operand->end;
      return Make(UnaryExpr{op, std::move(operand)}, start, end);
    }
    GW_ASSIGN_OR_RETURN(ExprPtr e, Primary());
    return Postfix(std::move(e));
  }

  StatusOr<ExprPtr> Primary() {
    const Token& t = Cur();
    const TokenType next = toks_[std::min(i_ + 1, toks_.size() - 1)].type;
    switch (t.type) {
      case TokenType::kNumber: {
        std::optional<double> v = ParseNumber(t.text);
        if (!v) return Error(t.pos, "error parsing number: \"" + t.text + "\"");
        const Token& n = Next();
        return Make(NumberLiteral{*v}, n.pos, End(n));
      }
      case TokenType::kString: {
        const Token& s = Next();
        return Make(StringLiteral{s.value}, s.pos, End(s));
      }
      case TokenType::kLeftParen: {
        const size_t start = Next().pos;
        GW_ASSIGN_OR_RETURN(ExprPtr inner, Binary(0));
        if (Cur().type != TokenType::kRightParen) return Unexpected("paren expression", "\")\"");
        return Make(ParenExpr{std::move(inner)}, start, End(Next()));
      }
      case TokenType::kLeftBrace:
        return Selector(t.pos, "");
      case TokenType::kIdentifier:
        if (next == TokenType::kLeftParen) return FunctionCall();
        break;
      case TokenType::kAggregator:
        if (next == TokenType::kLeftParen) return Aggregation();
        if (next == TokenType::kKeyword) {
          const std::string& kw = toks_[i_ + 1].value;
          if (kw == "by" || kw == "without") return Aggregation();
        }
        break;
      default:
        break;
    }
    if (IsMetricName(t)) {
      const Token& name = Next();
      return Selector(name.pos, name.text);
    }
    return Unexpected("", "");
  }

  StatusOr<ExprPtr> Selector(size_t start, std::string name) {
    VectorSelector vs;
    size_t end = toks_[i_ - (name.empty() ? 0 : 1)].pos + name.size();
    if (Cur().type == TokenType::kLeftBrace) {
      Next();
      GW_RETURN_IF_ERROR(Matchers(vs.matchers));
      end = End(Next());  // the closing brace
    }
    if (!name.empty()) {
      GW_ASSIGN_OR_RETURN(tsdb::Matcher m,
                          tsdb::Matcher::Create(tsdb::MatchType::kEqual, "__name__", name));
      vs.matchers.push_back(std::move(m));
      vs.name = std::move(name);
    }
    return Make(std::move(vs), start, end);
  }

  // After "{", up to (not including) "}".
  Status Matchers(std::vector<tsdb::Matcher>& out) {
    while (Cur().type != TokenType::kRightBrace) {
      if (Cur().type != TokenType::kIdentifier) {
        return Unexpected("label matching", "identifier or \"}\"");
      }
      const Token& name = Next();
      tsdb::MatchType type;
      switch (Cur().type) {
        case TokenType::kAssign:
          type = tsdb::MatchType::kEqual;
          break;
        case TokenType::kEqualRegex:
          type = tsdb::MatchType::kRegexMatch;
          break;
        case TokenType::kNotEqualRegex:
          type = tsdb::MatchType::kRegexNoMatch;
          break;
        case TokenType::kOperator:
          if (Cur().value == "!=") {
            type = tsdb::MatchType::kNotEqual;
            break;
          }
          [[fallthrough]];
        default:
          return Unexpected("label matching", "label matching operator");
      }
      Next();
      if (Cur().type != TokenType::kString) return Unexpected("label matching", "string");
      StatusOr<tsdb::Matcher> m = tsdb::Matcher::Create(type, name.text, Next().value);
      if (!m.ok()) return Error(name.pos, m.status().message());
      out.push_back(*std::move(m));
      if (Cur().type == TokenType::kComma) {
        Next();
      } else if (Cur().type != TokenType::kRightBrace) {
        return Unexpected("label matching", "\",\" or \"}\"");
      }
    }
    return Status::Ok();
  }

  StatusOr<std::vector<std::string>> GroupingLabels() {
    if (Cur().type != TokenType::kLeftParen) return Unexpected("grouping opts", "\"(\"");
    Next();
    std::vector<std::string> labels;
    while (Cur().type != TokenType::kRightParen) {
      if (!IsLabelName(Cur())) return Unexpected("grouping opts", "label");
      labels.push_back(Next().text);
      if (Cur().type == TokenType::kComma) {
        Next();
      } else if (Cur().type != TokenType::kRightParen) {
        return Unexpected("grouping opts", "\",\" or \")\"");
      }
    }
    Next();
    return labels;
  }

  // "(" [expr {"," expr} [","]] ")"; returns the position after ")".
  StatusOr<size_t> Arguments(std::vector<ExprPtr>& args, std::string_view context) {
    Next();  // "("
    while (Cur().type != TokenType::kRightParen) {
      GW_ASSIGN_OR_RETURN(ExprPtr arg, Binary(0));
      args.push_back(std::move(arg));
      if (Cur().type == TokenType::kComma) {
        Next();
      } else if (Cur().type != TokenType::kRightParen) {
        return Unexpected(context, "\",\" or \")\"");
      }
    }
    return End(Next());
  }

  StatusOr<ExprPtr> FunctionCall() {
    const Token& name = Next();
    Call call;
    call.func = FindFunction(name.text);
    if (call.func == nullptr) {
      return Error(name.pos, "unknown function with name \"" + name.text + "\"");
    }
    GW_ASSIGN_OR_RETURN(size_t end, Arguments(call.args, "function call"));
    return Make(std::move(call), name.pos, end);
  }

  StatusOr<ExprPtr> Aggregation() {
    const Token& op_tok = Next();
    AggregateExpr agg;
    agg.op = *AggregateOpOf(op_tok.value);
    bool grouped = false;
    if (IsKeyword("by") || IsKeyword("without")) {
      agg.without = Next().value == "without";
      GW_ASSIGN_OR_RETURN(agg.grouping, GroupingLabels());
      grouped = true;
    }
    if (Cur().type != TokenType::kLeftParen) return Unexpected("aggregation", "\"(\"");
    std::vector<ExprPtr> args;
    GW_ASSIGN_OR_RETURN(size_t end, Arguments(args, "aggregation"));
    if (!grouped && (IsKeyword("by") || IsKeyword("without"))) {
      agg.without = Next().value == "without";
      GW_ASSIGN_OR_RETURN(agg.grouping, GroupingLabels());
      end = End(toks_[i_ - 1]);
    }
    if (args.empty()) return Error(op_tok.pos, "no arguments for aggregate expression provided");
    const size_t want = TakesParameter(agg.op) ? 2 : 1;
    if (args.size() != want) {
      return Error(op_tok.pos,
                   "wrong number of arguments for aggregate expression provided, "
                   "expected " +
                       std::to_string(want) + ", got " + std::to_string(args.size()));
    }
    if (want == 2) agg.param = std::move(args[0]);
    agg.expr = std::move(args.back());
    return Make(std::move(agg), op_tok.pos, end);
  }

  // Ranges, subqueries, offset and @ after a primary expression.
  StatusOr<ExprPtr> Postfix(ExprPtr e) {
    size_t levels = 0;
    while (true) {
      if (Cur().type == TokenType::kLeftBracket) {
        GW_RETURN_IF_ERROR(Nest());
        ++levels;
        GW_ASSIGN_OR_RETURN(e, RangeOrSubquery(std::move(e)));
      } else if (IsKeyword("offset")) {
        GW_RETURN_IF_ERROR(Offset(*e));
      } else if (Cur().type == TokenType::kAt) {
        GW_RETURN_IF_ERROR(At(*e));
      } else {
        nesting_ -= levels;
        return e;
      }
    }
  }

  // Bounds the height of the tree (every later pass recurses over it) and the parser's own
  // recursion. Callers undo their increments when they return successfully.
  Status Nest() {
    if (++nesting_ <= kMaxNesting) return Status::Ok();
    return Error(Cur().pos, "expression nested too deeply (more than " +
                                std::to_string(kMaxNesting) + " levels)");
  }

  StatusOr<ExprPtr> RangeOrSubquery(ExprPtr e) {
    const size_t open = Next().pos;
    if (Cur().type != TokenType::kDuration) return Unexpected("subquery or range", "duration");
    GW_ASSIGN_OR_RETURN(int64_t range_ms, Duration());
    if (Cur().type == TokenType::kRightBracket) {
      const size_t end = End(Next());
      auto* vs = std::get_if<VectorSelector>(&e->node);
      if (vs == nullptr) return Error(open, "ranges only allowed for vector selectors");
      if (vs->mods.offset_ms != 0) return Error(open, "no offset modifiers allowed before range");
      if (vs->mods.at != AtKind::kNone) return Error(open, "no @ modifiers allowed before range");
      const size_t start = e->start;
      return Make(MatrixSelector{std::move(*vs), range_ms}, start, end);
    }
    if (Cur().type != TokenType::kColon) return Unexpected("subquery or range", "\":\" or \"]\"");
    Next();
    SubqueryExpr sq;
    sq.range_ms = range_ms;
    if (Cur().type == TokenType::kDuration) {
      GW_ASSIGN_OR_RETURN(sq.step_ms, Duration());
    }
    if (Cur().type != TokenType::kRightBracket) {
      return Unexpected("subquery selector", sq.step_ms == 0 ? "duration or \"]\"" : "\"]\"");
    }
    const size_t start = e->start, end = End(Next());
    sq.expr = std::move(e);
    return Make(std::move(sq), start, end);
  }

  // The modifiers of the node `offset` and `@` apply to, or an error.
  StatusOr<TimeModifiers*> ModsOf(Expr& e, std::string_view what) {
    if (auto* vs = std::get_if<VectorSelector>(&e.node)) return &vs->mods;
    if (auto* ms = std::get_if<MatrixSelector>(&e.node)) return &ms->selector.mods;
    if (auto* sq = std::get_if<SubqueryExpr>(&e.node)) return &sq->mods;
    return Error(e.start, std::string(what) +
                              " must be preceded by an instant vector selector "
                              "or range vector selector or a subquery");
  }

  Status Offset(Expr& e) {
    Next();
    GW_ASSIGN_OR_RETURN(TimeModifiers * mods, ModsOf(e, "offset modifier"));
    const bool negative = Cur().type == TokenType::kOperator && Cur().value == "-";
    if (negative) Next();
    if (Cur().type != TokenType::kDuration) return Unexpected("offset", "duration");
    GW_ASSIGN_OR_RETURN(int64_t ms, Duration());
    if (mods->offset_ms != 0) return Error(e.start, "offset may not be set multiple times");
    mods->offset_ms = negative ? -ms : ms;
    e.end = End(toks_[i_ - 1]);
    return Status::Ok();
  }

  Status At(Expr& e) {
    Next();
    GW_ASSIGN_OR_RETURN(TimeModifiers * mods, ModsOf(e, "@ modifier"));
    if (mods->at != AtKind::kNone)
      return Error(e.start, "@ <timestamp> may not be set multiple times");
    if (IsKeyword("start") || IsKeyword("end")) {
      mods->at = Next().value == "start" ? AtKind::kStart : AtKind::kEnd;
      if (Cur().type != TokenType::kLeftParen) return Unexpected("@", "\"(\"");
      Next();
      if (Cur().type != TokenType::kRightParen) return Unexpected("@", "\")\"");
      e.end = End(Next());
      return Status::Ok();
    }
    double sign = 1;
    if (Cur().type == TokenType::kOperator && (Cur().value == "-" || Cur().value == "+")) {
      if (Next().value == "-") sign = -1;
    }
    if (Cur().type != TokenType::kNumber) return Unexpected("@", "timestamp");
    std::optional<double> v = ParseNumber(Cur().text);
    if (!v) return Error(Cur().pos, "error parsing number: \"" + Cur().text + "\"");
    const double ts = sign * *v;
    if (std::isnan(ts) || ts >= 9.2233720368547758e15 || ts <= -9.2233720368547758e15) {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%f", ts);
      return Error(Cur().pos, std::string("timestamp out of bounds for @ modifier: ") + buf);
    }
    mods->at = AtKind::kTimestamp;
    mods->at_ms = static_cast<int64_t>(std::round(ts * 1000));
    e.end = End(Next());
    return Status::Ok();
  }

  StatusOr<int64_t> Duration() {
    const Token& t = Next();
    StatusOr<int64_t> ms = ParseDurationMs(t.text);
    if (!ms.ok()) return Error(t.pos, ms.status().message());
    return ms;
  }

  bool IsKeyword(std::string_view kw) const {
    return Cur().type == TokenType::kKeyword && Cur().value == kw;
  }
  const Token& Cur() const { return toks_[i_]; }
  const Token& Next() { return toks_[i_ < toks_.size() - 1 ? i_++ : i_]; }
  static size_t End(const Token& t) { return t.pos + t.text.size(); }

  Status Unexpected(std::string_view context, std::string_view expected) const {
    std::string msg = "unexpected " + Describe(Cur());
    if (!context.empty()) msg += " in " + std::string(context);
    if (!expected.empty()) msg += ", expected " + std::string(expected);
    return Error(Cur().pos, msg);
  }
  Status Error(size_t pos, std::string_view what) const {
    return InvalidArgumentError(LineColumn(q_, pos) + ": parse error: " + std::string(what));
  }

  static constexpr size_t kMaxNesting = 1000;

  std::string_view q_;
  std::vector<Token> toks_;
  size_t i_ = 0;
  size_t nesting_ = 0;
};

}  // namespace

StatusOr<ExprPtr> ParseExpr(std::string_view query) {
  GW_ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(query));
  return Parser(query, std::move(tokens)).Parse();
}

}  // namespace gw::promql
