// Reading the store: instant selectors, the data of range functions, subqueries.
#include <utility>

#include "promql/evaluator.h"
#include "tsdb/sample.h"
#include "tsdb/series_iterator.h"

namespace gw::promql {

StatusOr<Matrix> Evaluator::Select(const VectorSelector& vs, int64_t mint_ms, int64_t maxt_ms,
                                   bool keep_stale) {
  GW_ASSIGN_OR_RETURN(std::vector<tsdb::SeriesChunks> found,
                      ctx_->querier->Select(vs.matchers, mint_ms, maxt_ms));
  Matrix out;
  out.reserve(found.size());
  for (tsdb::SeriesChunks& sc : found) {
    GW_RETURN_IF_ERROR(CheckDeadline());
    Series s{std::move(sc.labels), {}};
    tsdb::SeriesIterator it(std::move(sc.chunks), mint_ms, maxt_ms);
    while (it.Next()) {
      if (!keep_stale && tsdb::IsStaleMarker(it.value())) continue;
      s.points.push_back({it.t_ms(), it.value()});
    }
    GW_RETURN_IF_ERROR(it.status());
    GW_RETURN_IF_ERROR(CountSamples(static_cast<int64_t>(s.points.size())));
    if (!s.points.empty()) out.push_back(std::move(s));
  }
  return out;
}

StatusOr<Matrix> Evaluator::EvalVectorSelector(const VectorSelector& vs, bool sample_times) {
  const int64_t lookback = ctx_->lookback_ms;
  GW_ASSIGN_OR_RETURN(Matrix raw, Select(vs, RefTime(vs.mods, start_ms_) - lookback,
                                         RefTime(vs.mods, end_ms_), /*keep_stale=*/true));
  Matrix out;
  out.reserve(raw.size());
  for (Series& s : raw) {
    Series selected{std::move(s.metric), {}};
    size_t next = 0;  // the first sample after the step's reference time
    for (int64_t t = start_ms_; t <= end_ms_; t += interval_ms_) {
      const int64_t ref = RefTime(vs.mods, t);
      while (next < s.points.size() && s.points[next].t_ms <= ref) ++next;
      if (next == 0) continue;
      const tsdb::Sample& newest = s.points[next - 1];
      // Prometheus 2.42 includes a sample exactly `lookback` old.
      if (newest.t_ms < ref - lookback || tsdb::IsStaleMarker(newest.v)) continue;
      const double v = sample_times ? static_cast<double>(newest.t_ms) / 1000.0 : newest.v;
      selected.points.push_back({t, v});
    }
    if (!selected.points.empty()) out.push_back(std::move(selected));
  }
  return out;
}

StatusOr<RangeInput> Evaluator::ReadRange(const Expr& e) {
  const Expr& inner = Unparen(e);
  if (const auto* ms = std::get_if<MatrixSelector>(&inner.node)) return ReadMatrixSelector(*ms);
  if (const auto* sq = std::get_if<SubqueryExpr>(&inner.node)) return EvalSubquery(*sq);
  return InternalError("expression of type " + std::string(DocumentedType(TypeOf(e))) +
                       " where a range vector was expected");
}

StatusOr<RangeInput> Evaluator::ReadMatrixSelector(const MatrixSelector& ms) {
  const TimeModifiers& mods = ms.selector.mods;
  GW_ASSIGN_OR_RETURN(Matrix m, Select(ms.selector, RefTime(mods, start_ms_) - ms.range_ms,
                                       RefTime(mods, end_ms_), /*keep_stale=*/false));
  return RangeInput{std::move(m), ms.range_ms, mods};
}

StatusOr<RangeInput> Evaluator::EvalSubquery(const SubqueryExpr& sq) {
  const int64_t step = sq.step_ms > 0 ? sq.step_ms : ctx_->default_subquery_step_ms;
  const int64_t first = RefTime(sq.mods, start_ms_) - sq.range_ms;
  const int64_t last = RefTime(sq.mods, end_ms_);
  // The subquery's steps are multiples of its step (Prometheus aligns them so, so that a
  // subquery gives the same points whatever time the outer query runs at).
  int64_t aligned = step * (first / step);
  if (aligned < first) aligned += step;
  if (aligned > last) return RangeInput{{}, sq.range_ms, sq.mods};
  Evaluator sub(ctx_, aligned, last, step);
  GW_ASSIGN_OR_RETURN(Matrix m, sub.Eval(*sq.expr));
  int64_t points = 0;
  for (const Series& s : m) points += static_cast<int64_t>(s.points.size());
  GW_RETURN_IF_ERROR(CountSamples(points));
  return RangeInput{std::move(m), sq.range_ms, sq.mods};
}

StatusOr<Matrix> Evaluator::EvalRangeVector(const Expr& e) {
  GW_ASSIGN_OR_RETURN(RangeInput in, ReadRange(e));
  // One evaluation time: the input was read for exactly its window, except that a subquery's
  // points need no cut either (its steps start inside the window).
  Matrix out;
  for (Series& s : in.series) {
    if (!s.points.empty()) out.push_back(std::move(s));
  }
  return out;
}

}  // namespace gw::promql
