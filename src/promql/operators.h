// PromQL's binary operators and aggregations (Prometheus 2.42's engine.go: VectorBinop,
// VectorscalarBinop, scalarBinop, aggregation), as pure functions over the vectors of one
// evaluation step.
#ifndef GW_PROMQL_OPERATORS_H_
#define GW_PROMQL_OPERATORS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>
#include <vector>
#include <string>

#include "common/status.h"
#include "promql/ast.h"
#include "promql/value.h"

namespace gw::promql {

// What VectorBinop computes per series rather than per step, kept across the steps of one
// binary expression (Prometheus' EvalNodeHelper keeps the same): each label set's matching
// signature and each matched pair's result labels. Not thread-safe: one per expression.
class BinopCache {
 public:
  // The hash of `metric`'s matching labels under `m` (the same `m` for every call).
  uint64_t Signature(const tsdb::Labels& metric, const VectorMatching& m);
  // The result labels of the pair, made by `make` the first time.
  tsdb::Labels Result(const tsdb::Labels& many, const tsdb::Labels& one,
                      const std::function<tsdb::Labels()>& make);

 private:
  struct SignatureEntry {
    tsdb::Labels metric;
    uint64_t signature;
  };
  struct ResultEntry {
    tsdb::Labels many;
    tsdb::Labels one;
    tsdb::Labels result;
  };
  std::unordered_map<uint64_t, std::vector<SignatureEntry>> signatures_;  // by label-set hash
  std::unordered_map<uint64_t, std::vector<ResultEntry>> results_;
};

// scalar op scalar (comparisons give 1 or 0; the parser only admits them with bool).
// ^ and atan2 are computed as Go's math.Pow and math.Atan2 are, which differ from libm's pow
// and atan2 in the last bit for some inputs; % is Go's math.Mod (C's fmod).
double ScalarBinop(BinaryOp op, double lhs, double rhs);

// vector op vector at one step, with the expression's matching (on/ignoring,
// group_left/right, bool) and set operators. REQUIRES: e.matching is set (the parser sets it
// whenever both sides are vectors). The result is in lhs order (for or: then the rhs elements
// whose signature the lhs lacks); its elements carry time `t_ms`.
// Labels: arithmetic (+ - * / % ^, not atan2) and bool drop __name__; one-to-one matching keeps
// only the on labels or removes the ignoring labels; group_x(labels) copies those labels from
// the "one" side. Comparisons without bool keep the lhs value, with group_right too (2.42).
// Errors (kInvalidArgument, Prometheus' messages):
//   "found duplicate series for the match group {...} on the right|left hand-side of the
//   operation: [{...}, {...}];many-to-many matching not allowed: matching labels must be
//   unique on one side"
//   "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)"
//   "multiple matches for labels: grouping labels must ensure unique matches"
//
// `cache` (may be null) remembers per-series work across the steps of one expression.
StatusOr<Vector> VectorBinop(const BinaryExpr& e, const Vector& lhs, const Vector& rhs,
                             int64_t t_ms, BinopCache* cache = nullptr);

// vector op scalar (scalar_on_left: scalar op vector). Comparisons filter unless
// return_bool, and keep the vector's value whichever side it is on; arithmetic and bool drop
// __name__. Elements of the result carry time `t_ms`.
Vector VectorScalarBinop(BinaryOp op, const Vector& vec, double scalar, bool scalar_on_left,
                         bool return_bool, int64_t t_ms);

// An aggregation at one step. `param` is topk/bottomk's k or quantile's phi (nullopt for the
// others); `label` is count_values' label name. Groups come out in the order first seen;
// topk/bottomk give each group's elements with their own labels, best first (NaN last).
// Elements of the result carry time `t_ms`. The arithmetic follows 2.42 to the bit: sum in
// input order, avg as a running mean, stddev/stdvar by Welford's method.
// Errors (kInvalidArgument): "invalid label name \"...\"" (count_values); "Scalar value
// NaN overflows int64" (topk/bottomk with a k outside int64).
StatusOr<Vector> Aggregate(const AggregateExpr& e, const Vector& in, std::optional<double> param,
                           const std::string& label, int64_t t_ms);

}  // namespace gw::promql

#endif  // GW_PROMQL_OPERATORS_H_
