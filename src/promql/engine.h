// The PromQL engine: evaluates a parsed expression over the store at one time (instant query)
// or at every step of a range (range query), with Prometheus 2.42's semantics (lookback,
// staleness, offset and @, subqueries, extrapolating rate) and its limits.
#ifndef GW_PROMQL_ENGINE_H_
#define GW_PROMQL_ENGINE_H_

#include <chrono>
#include <cstdint>
#include <optional>

#include "common/status.h"
#include "promql/ast.h"
#include "promql/value.h"
#include "tsdb/storage.h"

namespace gw::promql {

struct EngineOptions {
  // How far back an instant selector looks for a sample (Prometheus' --query.lookback-delta).
  int64_t lookback_ms = int64_t{5} * 60 * 1000;
  // The most samples a query may hold in memory at once (--query.max-samples).
  int64_t max_samples = 50'000'000;
  // How long a query may run (--query.timeout).
  std::chrono::milliseconds timeout{std::chrono::minutes(2)};
  // The step of a subquery written without one (`x[1h:]`): the rule evaluation interval.
  int64_t default_subquery_step_ms = int64_t{60} * 1000;
};

// Per-query overrides of the options, from the API's parameters.
struct QueryOptions {
  std::optional<int64_t> lookback_ms;
  std::optional<std::chrono::milliseconds> timeout;
};

// The most points a range query may return per series (the API's limit, as Prometheus').
inline constexpr int64_t kMaxPointsPerSeries = 11000;

// The checks a range query's parameters must pass (the API answers bad_data for these):
// a scalar or instant-vector expression, start <= end, step > 0, and at most
// kMaxPointsPerSeries + 1 steps, with Prometheus' messages. kInvalidArgument otherwise.
Status ValidateRangeQuery(const Expr& expr, int64_t start_ms, int64_t end_ms, int64_t step_ms);

// Thread-safe: queries may run concurrently with each other and with ingestion (the querier
// snapshots chunks; no store lock is held while evaluating). The querier must outlive it.
//
// Errors of both queries: kResourceExhausted when the query would load more than max_samples
// ("query processing would load too many samples into memory in query execution");
// kDeadlineExceeded past the timeout; kInvalidArgument for evaluation errors Prometheus
// reports as "execution" (many-to-many matching, duplicate label sets, a bad regex in
// label_replace); kCorruption / kIoError from the store.
class Engine {
 public:
  Engine(const tsdb::Querier* querier, EngineOptions options)
      : querier_(querier), options_(options) {}

  // Evaluates `expr` at `t_ms`: a Vector, Scalar, String, or (for a range-vector expression) a
  // Matrix of raw samples. Vector elements keep the evaluation order, as Prometheus does
  // (sorted by label set for plain selectors, by value after sort(), ...), and carry t_ms.
  // REQUIRES: `expr` came from ParseExpr (types checked).
  StatusOr<Value> InstantQuery(const Expr& expr, int64_t t_ms, const QueryOptions& opts) const;

  // Evaluates `expr` at start, start+step, ... <= end. The series are sorted by label set.
  // Errors, besides the above: ValidateRangeQuery's.
  StatusOr<Matrix> RangeQuery(const Expr& expr, int64_t start_ms, int64_t end_ms, int64_t step_ms,
                              const QueryOptions& opts) const;

 private:
  const tsdb::Querier* querier_;
  EngineOptions options_;
};

}  // namespace gw::promql

#endif  // GW_PROMQL_ENGINE_H_
