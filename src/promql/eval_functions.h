// The PromQL functions' arithmetic (Prometheus 2.42's promql/functions.go), as pure functions
// over the values the engine hands them at one evaluation step. The engine (engine.h) selects
// the data, steps through time and assembles results.
#ifndef GW_PROMQL_EVAL_FUNCTIONS_H_
#define GW_PROMQL_EVAL_FUNCTIONS_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "common/status.h"
#include "promql/ast.h"
#include "promql/value.h"

namespace gw::promql {

// The window a range-vector function sees for one series at one step: the samples with
// start_ms <= t <= end_ms (stale markers already removed), in time order.
struct RangeWindow {
  std::span<const tsdb::Sample> samples;
  int64_t start_ms = 0;  // evaluation time - offset - range (with @: @ time - offset - range)
  int64_t end_ms = 0;    // evaluation time - offset (with @: @ time - offset)
  int64_t eval_ms = 0;   // the step's evaluation time (predict_linear's reference point)
};

// True for the functions whose (single) range-vector argument the engine must evaluate per
// series and window: rate, *_over_time, changes, ... (every function with a kMatrix
// argument, except absent_over_time, which the engine answers itself).
bool IsRangeFunction(const Function& f);

// Applies a range function to one series' window. `scalars` are the function's scalar
// arguments at this step, in argument order (quantile_over_time's q, predict_linear's t,
// holt_winters' sf and tf). nullopt when the function gives no value for this window (rate
// with fewer than two samples, any function over an empty window).
// Errors: kInvalidArgument from holt_winters when the window is non-empty and sf or tf is not
// in (0, 1), with Prometheus' message ("invalid smoothing factor. Expected: 0 < sf < 1, got:
// 1.000000"); kInternal if `f` is not a range function.
// The result carries no labels: the engine drops __name__ from the series' labels, except for
// last_over_time, which keeps it (as Prometheus 2.42 does).
StatusOr<std::optional<double>> CallRangeFunction(const Function& f, const RangeWindow& window,
                                                  std::span<const double> scalars);

// An argument of an instant function at one step.
using ArgValue = std::variant<double, Vector, std::string>;

// Applies an instant function (every function that is not a range function and not absent /
// absent_over_time) at evaluation time `t_ms`. Functions that return a scalar (scalar, time,
// pi) return a one-element vector with no labels. Labels as in Prometheus' functions.go: most
// functions drop __name__; sort, sort_desc, label_replace and label_join keep it.
// Every output element's t_ms is `t_ms`. The date functions read each element's value as Unix
// seconds (UTC); with no argument they use `t_ms`.
// Errors (kInvalidArgument, message as Prometheus'): label_replace with an invalid regex or
// destination label name, label_join with an invalid source or destination label name.
// kInternal if `f` is a range function or absent.
// REQUIRES: `args` match f.arg_types (the parser's type check), scalars as double.
StatusOr<Vector> CallInstantFunction(const Function& f, std::span<const ArgValue> args,
                                     int64_t t_ms);

}  // namespace gw::promql

#endif  // GW_PROMQL_EVAL_FUNCTIONS_H_
