// The engine's evaluator (internal to the engine): evaluates an expression at every step of
// [start, end], as Prometheus' promql.evaluator does. Every vector- or scalar-valued
// expression evaluates to a Matrix whose points sit on the steps; a scalar is one series
// without labels holding a point at every step.
#ifndef GW_PROMQL_EVALUATOR_H_
#define GW_PROMQL_EVALUATOR_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <variant>
#include <vector>

#include "common/status.h"
#include "promql/ast.h"
#include "promql/eval_functions.h"
#include "promql/value.h"
#include "tsdb/storage.h"

namespace gw::promql {

// What one query shares across its evaluators (subqueries get their own evaluator).
struct QueryContext {
  const tsdb::Querier* querier = nullptr;
  int64_t lookback_ms = 0;
  int64_t max_samples = 0;
  int64_t default_subquery_step_ms = 0;
  std::chrono::steady_clock::time_point deadline;
  int64_t query_start_ms = 0;  // what @ start() and @ end() mean
  int64_t query_end_ms = 0;
  int64_t samples = 0;  // loaded so far, against max_samples
};

// Series with their samples in time order, read for range functions: from the store (stale
// markers removed) or from a subquery, and how to cut a step's window out of them.
struct RangeInput {
  Matrix series;
  int64_t range_ms = 0;
  TimeModifiers mods;
};

class Evaluator {
 public:
  // REQUIRES: start <= end, interval > 0.
  Evaluator(QueryContext* ctx, int64_t start_ms, int64_t end_ms, int64_t interval_ms)
      : ctx_(ctx), start_ms_(start_ms), end_ms_(end_ms), interval_ms_(interval_ms) {}

  // A vector or scalar expression: one Matrix over the steps.
  StatusOr<Matrix> Eval(const Expr& e);
  // A range-vector expression (a matrix selector or subquery) at a single evaluation time, as
  // an instant query of it answers: the raw samples of each series in the window.
  StatusOr<Matrix> EvalRangeVector(const Expr& e);

  int64_t steps() const { return (end_ms_ - start_ms_) / interval_ms_ + 1; }
  int64_t start_ms() const { return start_ms_; }

 private:
  using StepFn = std::function<StatusOr<Vector>(std::span<const ArgValue>, int64_t t_ms)>;

  // Evaluates the arguments, then calls `fn` at every step with each argument's value there
  // (a vector's elements present at the step, a scalar's value, a string) and gathers the
  // results into series. A scalar-typed result is one series without labels.
  StatusOr<Matrix> RangeEval(std::span<const Expr* const> args, bool scalar_result,
                             const StepFn& fn);
  StatusOr<Matrix> EvalBinary(const BinaryExpr& e);
  StatusOr<Matrix> EvalAggregate(const AggregateExpr& e);
  StatusOr<Matrix> EvalCall(const Call& e);
  StatusOr<Matrix> EvalRangeCall(const Call& e, size_t matrix_arg);
  // One series of a range function call: `f` over the series' window at every step, given the
  // scalar arguments' values at that step. A step whose window is empty gets no point.
  StatusOr<std::vector<tsdb::Sample>> RangeCallPoints(const Function& f, const RangeInput& in,
                                                      std::span<const tsdb::Sample> points,
                                                      const std::vector<Matrix>& scalar_args);
  StatusOr<Matrix> EvalAbsent(const Call& e);
  StatusOr<Matrix> EvalTimestampOfSelector(const VectorSelector& vs);
  StatusOr<Matrix> EvalUnary(const UnaryExpr& e);
  Matrix Constant(double v) const;

  // Instant selector: at every step the newest sample at or before the step (less offset,
  // or at @) within the lookback window, unless it is a stale marker. With
  // `sample_times`, the value is the sample's own time in seconds (timestamp()).
  StatusOr<Matrix> EvalVectorSelector(const VectorSelector& vs, bool sample_times);
  // The data a range function reads: a matrix selector's series or a subquery's result.
  StatusOr<RangeInput> ReadRange(const Expr& e);
  StatusOr<RangeInput> ReadMatrixSelector(const MatrixSelector& ms);
  StatusOr<RangeInput> EvalSubquery(const SubqueryExpr& sq);
  // The store's series matching `vs` with samples in [mint, maxt], samples decoded.
  StatusOr<Matrix> Select(const VectorSelector& vs, int64_t mint_ms, int64_t maxt_ms,
                          bool keep_stale);

  // The time a selector with `mods` reads at for evaluation time `t_ms`.
  int64_t RefTime(const TimeModifiers& mods, int64_t t_ms) const;
  Status CountSamples(int64_t n);
  Status CheckDeadline() const;

  QueryContext* ctx_;
  int64_t start_ms_;
  int64_t end_ms_;
  int64_t interval_ms_;
};

// Prometheus' "vector cannot contain metrics with the same labelset" check.
Status CheckDistinctLabelSets(const Matrix& m);
Status CheckDistinctLabelSets(const Vector& v);

// The expression inside any parentheses.
const Expr& Unparen(const Expr& e);

}  // namespace gw::promql

#endif  // GW_PROMQL_EVALUATOR_H_
