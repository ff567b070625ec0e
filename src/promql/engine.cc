#include "promql/engine.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "promql/evaluator.h"

namespace gw::promql {
namespace {

QueryContext MakeContext(const tsdb::Querier* querier, const EngineOptions& options,
                         const QueryOptions& opts, int64_t start_ms, int64_t end_ms) {
  QueryContext ctx;
  ctx.querier = querier;
  ctx.lookback_ms = opts.lookback_ms.value_or(options.lookback_ms);
  ctx.max_samples = options.max_samples;
  ctx.default_subquery_step_ms = options.default_subquery_step_ms;
  ctx.deadline = std::chrono::steady_clock::now() + opts.timeout.value_or(options.timeout);
  ctx.query_start_ms = start_ms;
  ctx.query_end_ms = end_ms;
  return ctx;
}

}  // namespace

Status ValidateRangeQuery(const Expr& expr, int64_t start_ms, int64_t end_ms, int64_t step_ms) {
  const ValueType type = TypeOf(expr);
  if (type != ValueType::kScalar && type != ValueType::kVector) {
    return InvalidArgumentError("invalid expression type \"" +
                                std::string(DocumentedType(type)) +
                                "\" for range query, must be Scalar or instant Vector");
  }
  if (end_ms < start_ms) {
    return InvalidArgumentError("end timestamp must not be before start time");
  }
  if (step_ms <= 0) {
    return InvalidArgumentError(
        "zero or negative query resolution step widths are not accepted. Try a positive "
        "integer");
  }
  if ((end_ms - start_ms) / step_ms > kMaxPointsPerSeries) {
    return InvalidArgumentError(
        "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the "
        "query resolution (?step=XX)");
  }
  return Status::Ok();
}

StatusOr<Value> Engine::InstantQuery(const Expr& expr, int64_t t_ms,
                                     const QueryOptions& opts) const {
  QueryContext ctx = MakeContext(querier_, options_, opts, t_ms, t_ms);
  Evaluator ev(&ctx, t_ms, t_ms, 1);
  switch (TypeOf(expr)) {
    case ValueType::kString:
      return Value{String{t_ms, std::get<StringLiteral>(Unparen(expr).node).value}};
    case ValueType::kMatrix: {
      GW_ASSIGN_OR_RETURN(Matrix m, ev.EvalRangeVector(expr));
      return Value{std::move(m)};
    }
    case ValueType::kScalar: {
      GW_ASSIGN_OR_RETURN(Matrix m, ev.Eval(expr));
      const bool has = !m.empty() && !m[0].points.empty();
      return Value{Scalar{t_ms, has ? m[0].points[0].v : std::nan("")}};
    }
    default: {
      GW_ASSIGN_OR_RETURN(Matrix m, ev.Eval(expr));
      Vector v;
      v.reserve(m.size());
      for (Series& s : m) v.push_back({std::move(s.metric), t_ms, s.points[0].v});
      return Value{std::move(v)};
    }
  }
}

StatusOr<Matrix> Engine::RangeQuery(const Expr& expr, int64_t start_ms, int64_t end_ms,
                                    int64_t step_ms, const QueryOptions& opts) const {
  GW_RETURN_IF_ERROR(ValidateRangeQuery(expr, start_ms, end_ms, step_ms));
  QueryContext ctx = MakeContext(querier_, options_, opts, start_ms, end_ms);
  Evaluator ev(&ctx, start_ms, end_ms, step_ms);
  GW_ASSIGN_OR_RETURN(Matrix m, ev.Eval(expr));
  std::sort(m.begin(), m.end(),
            [](const Series& a, const Series& b) { return a.metric < b.metric; });
  return m;
}

}  // namespace gw::promql
