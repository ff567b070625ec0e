// What the files of the functions' arithmetic (eval_*.cc) share. Not for use outside them.
#ifndef GW_PROMQL_EVAL_FUNCTIONS_INTERNAL_H_
#define GW_PROMQL_EVAL_FUNCTIONS_INTERNAL_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "promql/eval_functions.h"

namespace gw::promql::internal {

// A range function over a non-empty window (eval_range_functions.cc).
using RangeFn = std::optional<double> (*)(const RangeWindow& window,
                                          std::span<const double> scalars);
// nullptr if `name` is not a range function.
RangeFn FindRangeFn(std::string_view name);
// holt_winters' check of its factors (Prometheus checks them before anything else).
Status CheckHoltWintersFactors(double sf, double tf);

using InstantFn = StatusOr<Vector> (*)(std::span<const ArgValue> args, int64_t t_ms);
// label_replace and label_join (eval_label_functions.cc); nullptr for other names.
InstantFn FindLabelFn(std::string_view name);
// day_of_month, ..., year (eval_date_functions.cc); nullptr for other names.
InstantFn FindDateFn(std::string_view name);
// histogram_quantile(q, buckets) (eval_histogram.cc).
StatusOr<Vector> HistogramQuantile(std::span<const ArgValue> args, int64_t t_ms);

// Prometheus' quantile (quantile.go): the q-quantile of `values` by linear interpolation
// between the closest ranks; NaN for no values or q NaN, -Inf for q < 0, +Inf for q > 1.
double Quantile(double q, std::vector<double> values);

// Go's strconv.ParseFloat(s, 64), except that underscores are refused: nullopt where Go
// returns an error (syntax, or out of range).
std::optional<double> ParseGoFloat(std::string_view s);

// Argument accessors. REQUIRES: args[i] holds the type asked for (the parser's type check).
double ScalarArg(std::span<const ArgValue> args, size_t i);
const Vector& VectorArg(std::span<const ArgValue> args, size_t i);
const std::string& StringArg(std::span<const ArgValue> args, size_t i);

}  // namespace gw::promql::internal

#endif  // GW_PROMQL_EVAL_FUNCTIONS_INTERNAL_H_
