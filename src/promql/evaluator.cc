#include "promql/evaluator.h"

#include <cmath>
#include <unordered_map>
#include <utility>

#include "promql/functions.h"
#include "promql/operators.h"

namespace gw::promql {
namespace {

constexpr char kDuplicateLabelSets[] = "vector cannot contain metrics with the same labelset";

// The value of a scalar argument (one series, no labels) at step time `t_ms`; `cursor`
// remembers where the previous step's point was.
double ScalarAt(const Matrix& m, int64_t t_ms, size_t* cursor) {
  if (m.empty()) return std::nan("");
  const std::vector<tsdb::Sample>& points = m[0].points;
  while (*cursor < points.size() && points[*cursor].t_ms < t_ms) ++*cursor;
  if (*cursor < points.size() && points[*cursor].t_ms == t_ms) return points[*cursor].v;
  return std::nan("");
}

// The elements of `m` present at step time `t_ms`.
Vector VectorAt(const Matrix& m, int64_t t_ms, std::vector<size_t>* cursors) {
  Vector out;
  out.reserve(m.size());
  for (size_t i = 0; i < m.size(); ++i) {
    const std::vector<tsdb::Sample>& points = m[i].points;
    size_t& c = (*cursors)[i];
    while (c < points.size() && points[c].t_ms < t_ms) ++c;
    if (c < points.size() && points[c].t_ms == t_ms) out.push_back({m[i].metric, t_ms, points[c].v});
  }
  return out;
}

// Gathers each step's output vector into series, keyed by label set.
class SeriesCollector {
 public:
  explicit SeriesCollector(bool single_step) : single_step_(single_step) {}

  Status Add(Vector&& step_output, int64_t t_ms) {
    if (single_step_) {
      // One step: keep the output's order (sort(), topk() and selectors define it).
      GW_RETURN_IF_ERROR(CheckDistinctLabelSets(step_output));
      for (VectorElement& e : step_output) out_.push_back({std::move(e.metric), {{t_ms, e.v}}});
      return Status::Ok();
    }
    for (VectorElement& e : step_output) {
      std::vector<size_t>& candidates = index_[e.metric.Hash()];
      Series* series = nullptr;
      for (size_t i : candidates) {
        if (out_[i].metric == e.metric) series = &out_[i];
      }
      if (series == nullptr) {
        candidates.push_back(out_.size());
        series = &out_.emplace_back(Series{std::move(e.metric), {}});
      } else if (!series->points.empty() && series->points.back().t_ms == t_ms) {
        return InvalidArgumentError(kDuplicateLabelSets);
      }
      series->points.push_back({t_ms, e.v});
    }
    return Status::Ok();
  }

  Matrix Take() { return std::move(out_); }

 private:
  bool single_step_;
  Matrix out_;
  std::unordered_map<uint64_t, std::vector<size_t>> index_;
};

}  // namespace

const Expr& Unparen(const Expr& e) {
  const Expr* cur = &e;
  while (const auto* p = std::get_if<ParenExpr>(&cur->node)) cur = p->expr.get();
  return *cur;
}

Status CheckDistinctLabelSets(const Vector& v) {
  std::unordered_map<uint64_t, std::vector<size_t>> seen;
  for (size_t i = 0; i < v.size(); ++i) {
    std::vector<size_t>& same_hash = seen[v[i].metric.Hash()];
    for (size_t j : same_hash) {
      if (v[j].metric == v[i].metric) return InvalidArgumentError(kDuplicateLabelSets);
    }
    same_hash.push_back(i);
  }
  return Status::Ok();
}

Status CheckDistinctLabelSets(const Matrix& m) {
  std::unordered_map<uint64_t, std::vector<size_t>> seen;
  for (size_t i = 0; i < m.size(); ++i) {
    std::vector<size_t>& same_hash = seen[m[i].metric.Hash()];
    for (size_t j : same_hash) {
      if (m[j].metric == m[i].metric) return InvalidArgumentError(kDuplicateLabelSets);
    }
    same_hash.push_back(i);
  }
  return Status::Ok();
}

StatusOr<Matrix> Evaluator::Eval(const Expr& e) {
  GW_RETURN_IF_ERROR(CheckDeadline());
  return std::visit(
      [&](const auto& node) -> StatusOr<Matrix> {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, NumberLiteral>) {
          return Constant(node.value);
        } else if constexpr (std::is_same_v<T, VectorSelector>) {
          return EvalVectorSelector(node, /*sample_times=*/false);
        } else if constexpr (std::is_same_v<T, ParenExpr>) {
          return Eval(*node.expr);
        } else if constexpr (std::is_same_v<T, UnaryExpr>) {
          return EvalUnary(node);
        } else if constexpr (std::is_same_v<T, BinaryExpr>) {
          return EvalBinary(node);
        } else if constexpr (std::is_same_v<T, AggregateExpr>) {
          return EvalAggregate(node);
        } else if constexpr (std::is_same_v<T, Call>) {
          return EvalCall(node);
        } else {
          // Strings and range vectors never reach here: the parser's type checks put them
          // only where EvalRangeVector, ReadRange and RangeEval take them.
          return InternalError("expression of type " +
                                  std::string(DocumentedType(TypeOf(e))) +
                                  " where a scalar or instant vector was expected");
        }
      },
      e.node);
}

Matrix Evaluator::Constant(double v) const {
  Series s;
  s.points.reserve(static_cast<size_t>(steps()));
  for (int64_t t = start_ms_; t <= end_ms_; t += interval_ms_) s.points.push_back({t, v});
  return Matrix{std::move(s)};
}

StatusOr<Matrix> Evaluator::RangeEval(std::span<const Expr* const> args, bool scalar_result,
                                      const StepFn& fn) {
  std::vector<Matrix> values(args.size());
  std::vector<ArgValue> step_args(args.size());
  std::vector<std::vector<size_t>> cursors(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    const Expr& arg = Unparen(*args[i]);
    if (const auto* s = std::get_if<StringLiteral>(&arg.node)) {
      step_args[i] = s->value;
      continue;
    }
    GW_ASSIGN_OR_RETURN(values[i], Eval(arg));
    cursors[i].assign(values[i].size(), 0);
  }
  SeriesCollector collector(/*single_step=*/steps() == 1);
  for (int64_t t = start_ms_; t <= end_ms_; t += interval_ms_) {
    GW_RETURN_IF_ERROR(CheckDeadline());
    for (size_t i = 0; i < args.size(); ++i) {
      if (std::holds_alternative<std::string>(step_args[i])) continue;
      if (TypeOf(*args[i]) == ValueType::kScalar) {
        step_args[i] = ScalarAt(values[i], t, cursors[i].data());
      } else {
        step_args[i] = VectorAt(values[i], t, &cursors[i]);
      }
    }
    GW_ASSIGN_OR_RETURN(Vector out, fn(step_args, t));
    if (scalar_result && !out.empty()) out.resize(1);
    GW_RETURN_IF_ERROR(collector.Add(std::move(out), t));
  }
  return collector.Take();
}

StatusOr<Matrix> Evaluator::EvalUnary(const UnaryExpr& e) {
  GW_ASSIGN_OR_RETURN(Matrix m, Eval(*e.expr));
  if (e.op != '-') return m;
  const bool vector = TypeOf(*e.expr) == ValueType::kVector;
  for (Series& s : m) {
    if (vector) s.metric = DropMetricName(s.metric);
    for (tsdb::Sample& p : s.points) p.v = -p.v;
  }
  if (vector) GW_RETURN_IF_ERROR(CheckDistinctLabelSets(m));
  return m;
}

StatusOr<Matrix> Evaluator::EvalBinary(const BinaryExpr& e) {
  const bool lhs_scalar = TypeOf(*e.lhs) == ValueType::kScalar;
  const bool rhs_scalar = TypeOf(*e.rhs) == ValueType::kScalar;
  const Expr* args[] = {e.lhs.get(), e.rhs.get()};
  if (lhs_scalar && rhs_scalar) {
    return RangeEval(args, true, [&](std::span<const ArgValue> a, int64_t t) -> StatusOr<Vector> {
      return Vector{{{}, t, ScalarBinop(e.op, std::get<double>(a[0]), std::get<double>(a[1]))}};
    });
  }
  BinopCache cache;  // per series work, kept across the steps
  return RangeEval(args, false, [&](std::span<const ArgValue> a, int64_t t) -> StatusOr<Vector> {
    if (lhs_scalar) {
      return VectorScalarBinop(e.op, std::get<Vector>(a[1]), std::get<double>(a[0]),
                               /*scalar_on_left=*/true, e.return_bool, t);
    }
    if (rhs_scalar) {
      return VectorScalarBinop(e.op, std::get<Vector>(a[0]), std::get<double>(a[1]),
                               /*scalar_on_left=*/false, e.return_bool, t);
    }
    return VectorBinop(e, std::get<Vector>(a[0]), std::get<Vector>(a[1]), t, &cache);
  });
}

StatusOr<Matrix> Evaluator::EvalAggregate(const AggregateExpr& e) {
  if (e.op == AggregateOp::kCountValues) {
    const std::string label = std::get<StringLiteral>(Unparen(*e.param).node).value;
    const Expr* args[] = {e.expr.get()};
    return RangeEval(args, false, [&](std::span<const ArgValue> a, int64_t t) {
      return Aggregate(e, std::get<Vector>(a[0]), std::nullopt, label, t);
    });
  }
  if (e.param != nullptr) {
    const Expr* args[] = {e.param.get(), e.expr.get()};
    return RangeEval(args, false, [&](std::span<const ArgValue> a, int64_t t) {
      return Aggregate(e, std::get<Vector>(a[1]), std::get<double>(a[0]), "", t);
    });
  }
  const Expr* args[] = {e.expr.get()};
  return RangeEval(args, false, [&](std::span<const ArgValue> a, int64_t t) {
    return Aggregate(e, std::get<Vector>(a[0]), std::nullopt, "", t);
  });
}

int64_t Evaluator::RefTime(const TimeModifiers& mods, int64_t t_ms) const {
  int64_t base = t_ms;
  if (mods.at == AtKind::kTimestamp) base = mods.at_ms;
  if (mods.at == AtKind::kStart) base = ctx_->query_start_ms;
  if (mods.at == AtKind::kEnd) base = ctx_->query_end_ms;
  return base - mods.offset_ms;
}

Status Evaluator::CountSamples(int64_t n) {
  ctx_->samples += n;
  if (ctx_->samples > ctx_->max_samples) {
    return ResourceExhaustedError(
        "query processing would load too many samples into memory in query execution");
  }
  return Status::Ok();
}

Status Evaluator::CheckDeadline() const {
  if (std::chrono::steady_clock::now() > ctx_->deadline) {
    return DeadlineExceededError("query timed out in expression evaluation");
  }
  return Status::Ok();
}

}  // namespace gw::promql
