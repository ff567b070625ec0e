// Function calls: range functions per series and window, absent(), timestamp() of a
// selector, and the instant functions step by step.
#include <algorithm>
#include <cmath>
#include <utility>

#include "promql/evaluator.h"
#include "promql/functions.h"

namespace gw::promql {
namespace {

// absent()'s labels: those of the selector's equality matchers, except a label that another
// matcher also constrains (Prometheus' createLabelsForAbsentFunction).
tsdb::Labels AbsentLabels(const Expr& arg) {
  const Expr& e = Unparen(arg);
  const VectorSelector* vs = std::get_if<VectorSelector>(&e.node);
  if (const auto* ms = std::get_if<MatrixSelector>(&e.node)) vs = &ms->selector;
  if (vs == nullptr) return {};
  std::vector<tsdb::Label> set;
  std::vector<std::string> dropped;
  for (const tsdb::Matcher& m : vs->matchers) {
    if (m.name() == tsdb::kMetricNameLabel) continue;
    const bool seen = std::any_of(set.begin(), set.end(),
                                  [&](const tsdb::Label& l) { return l.name == m.name(); });
    if (m.type() == tsdb::MatchType::kEqual && !seen) {
      set.push_back({m.name(), m.value()});
    } else {
      dropped.push_back(m.name());
    }
  }
  std::erase_if(set, [&](const tsdb::Label& l) {
    return l.value.empty() || std::find(dropped.begin(), dropped.end(), l.name) != dropped.end();
  });
  std::sort(set.begin(), set.end());
  return tsdb::Labels::FromSortedUnchecked(std::move(set));
}

}  // namespace

StatusOr<Matrix> Evaluator::EvalCall(const Call& e) {
  const Function& f = *e.func;
  if (f.name == "absent" || f.name == "absent_over_time") return EvalAbsent(e);
  if (f.name == "timestamp") {
    if (const auto* vs = std::get_if<VectorSelector>(&Unparen(*e.args[0]).node)) {
      return EvalTimestampOfSelector(*vs);
    }
  }
  if (IsRangeFunction(f)) {
    for (size_t i = 0; i < f.arg_types.size(); ++i) {
      if (f.arg_types[i] == ValueType::kMatrix) return EvalRangeCall(e, i);
    }
  }
  std::vector<const Expr*> args;
  for (const ExprPtr& a : e.args) args.push_back(a.get());
  return RangeEval(args, f.return_type == ValueType::kScalar,
                   [&](std::span<const ArgValue> a, int64_t t) {
                     return CallInstantFunction(f, a, t);
                   });
}

StatusOr<Matrix> Evaluator::EvalRangeCall(const Call& e, size_t matrix_arg) {
  // The other arguments are scalars; evaluate them over the steps first.
  std::vector<Matrix> scalar_args;
  for (size_t i = 0; i < e.args.size(); ++i) {
    if (i == matrix_arg) continue;
    GW_ASSIGN_OR_RETURN(scalar_args.emplace_back(), Eval(*e.args[i]));
  }
  GW_ASSIGN_OR_RETURN(RangeInput in, ReadRange(*e.args[matrix_arg]));
  // last_over_time() only moves a sample in time; every other function changes what the
  // series measures, so its name goes.
  const bool keep_name = e.func->name == "last_over_time";
  Matrix out;
  for (const Series& s : in.series) {
    GW_RETURN_IF_ERROR(CheckDeadline());
    GW_ASSIGN_OR_RETURN(std::vector<tsdb::Sample> points,
                        RangeCallPoints(*e.func, in, s.points, scalar_args));
    if (points.empty()) continue;
    out.push_back({keep_name ? s.metric : DropMetricName(s.metric), std::move(points)});
  }
  GW_RETURN_IF_ERROR(CheckDistinctLabelSets(out));
  return out;
}

StatusOr<std::vector<tsdb::Sample>> Evaluator::RangeCallPoints(
    const Function& f, const RangeInput& in, std::span<const tsdb::Sample> points,
    const std::vector<Matrix>& scalar_args) {
  std::vector<double> scalars(scalar_args.size());
  std::vector<tsdb::Sample> out;
  size_t lo = 0;
  size_t hi = 0;  // the window is points[lo, hi)
  int64_t step = 0;
  for (int64_t t = start_ms_; t <= end_ms_; t += interval_ms_, ++step) {
    const int64_t end = RefTime(in.mods, t);
    const int64_t start = end - in.range_ms;
    while (hi < points.size() && points[hi].t_ms <= end) ++hi;
    while (lo < hi && points[lo].t_ms < start) ++lo;
    if (lo == hi) continue;
    for (size_t j = 0; j < scalar_args.size(); ++j) {
      const Matrix& arg = scalar_args[j];
      const bool has = !arg.empty() && step < static_cast<int64_t>(arg[0].points.size());
      scalars[j] = has ? arg[0].points[static_cast<size_t>(step)].v : std::nan("");
    }
    const RangeWindow window{points.subspan(lo, hi - lo), start, end, t};
    GW_ASSIGN_OR_RETURN(std::optional<double> v, CallRangeFunction(f, window, scalars));
    if (v.has_value()) out.push_back({t, *v});
  }
  return out;
}

StatusOr<Matrix> Evaluator::EvalAbsent(const Call& e) {
  const tsdb::Labels labels = AbsentLabels(*e.args[0]);
  Series result{labels, {}};
  if (TypeOf(*e.args[0]) == ValueType::kVector) {
    GW_ASSIGN_OR_RETURN(Matrix m, Eval(*e.args[0]));
    std::vector<size_t> cursors(m.size(), 0);
    for (int64_t t = start_ms_; t <= end_ms_; t += interval_ms_) {
      bool present = false;
      for (size_t i = 0; i < m.size() && !present; ++i) {
        const std::vector<tsdb::Sample>& p = m[i].points;
        while (cursors[i] < p.size() && p[cursors[i]].t_ms < t) ++cursors[i];
        present = cursors[i] < p.size() && p[cursors[i]].t_ms == t;
      }
      if (!present) result.points.push_back({t, 1});
    }
  } else {
    GW_ASSIGN_OR_RETURN(RangeInput in, ReadRange(*e.args[0]));
    for (int64_t t = start_ms_; t <= end_ms_; t += interval_ms_) {
      const int64_t end = RefTime(in.mods, t);
      const int64_t start = end - in.range_ms;
      const bool present = std::any_of(in.series.begin(), in.series.end(), [&](const Series& s) {
        auto it = std::lower_bound(
            s.points.begin(), s.points.end(), start,
            [](const tsdb::Sample& p, int64_t when) { return p.t_ms < when; });
        return it != s.points.end() && it->t_ms <= end;
      });
      if (!present) result.points.push_back({t, 1});
    }
  }
  if (result.points.empty()) return Matrix{};
  return Matrix{std::move(result)};
}

StatusOr<Matrix> Evaluator::EvalTimestampOfSelector(const VectorSelector& vs) {
  GW_ASSIGN_OR_RETURN(Matrix m, EvalVectorSelector(vs, /*sample_times=*/true));
  for (Series& s : m) s.metric = DropMetricName(s.metric);
  GW_RETURN_IF_ERROR(CheckDistinctLabelSets(m));
  return m;
}

}  // namespace gw::promql
