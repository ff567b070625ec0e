// The values PromQL expressions evaluate to (Prometheus' promql/value.go, float samples only).
#ifndef GW_PROMQL_VALUE_H_
#define GW_PROMQL_VALUE_H_

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "tsdb/labels.h"
#include "tsdb/sample.h"

namespace gw::promql {

// One element of an instant vector. `t_ms` is the evaluation time, except for the raw output
// of a vector selector, where it is the sample's own time (what timestamp() reports).
struct VectorElement {
  tsdb::Labels metric;
  int64_t t_ms = 0;
  double v = 0;
};
using Vector = std::vector<VectorElement>;

// One series of a range vector or of a range query's result; points in time order.
struct Series {
  tsdb::Labels metric;
  std::vector<tsdb::Sample> points;
};
using Matrix = std::vector<Series>;

struct Scalar {
  int64_t t_ms = 0;
  double v = 0;
};

struct String {
  int64_t t_ms = 0;
  std::string v;
};

// A query's result: a vector (instant query of a vector expression), a matrix (range query,
// or an instant query of a range vector), a scalar or a string.
using Value = std::variant<Vector, Matrix, Scalar, String>;

// Labels without __name__ (what arithmetic and most functions produce).
tsdb::Labels DropMetricName(const tsdb::Labels& labels);

// Go's strconv.FormatFloat(v, 'f', -1, 64): the shortest digits that round-trip, written
// without exponent (1e+23 gives "1" and 23 zeros, not the exact integer 99999999999999991611392),
// and "NaN", "+Inf", "-Inf".
std::string FormatGoFloat(double v);

}  // namespace gw::promql

#endif  // GW_PROMQL_VALUE_H_
