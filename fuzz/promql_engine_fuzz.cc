// Random queries against a small store: whatever parses must evaluate (instant and range)
// without crashing, and within the limits: the sample limit and the timeout are the only
// ways a query may fail besides Prometheus' evaluation errors, and results stay small.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "promql/engine.h"
#include "promql/parser.h"
#include "tsdb/db.h"
#include "tsdb/file_env_fault.h"
#include "tsdb/sample.h"

namespace {

using gw::StatusCode;

// GPU-like series: a gauge, a counter with a reset, a histogram, a series that goes stale.
gw::tsdb::Db* SmallStore() {
  static gw::tsdb::FaultInjectionEnv* env = new gw::tsdb::FaultInjectionEnv();
  static gw::tsdb::Db* db = [] {
    auto opened = gw::tsdb::Db::Open(env, "/db", gw::tsdb::DbOptions{});
    if (!opened.ok()) std::abort();
    gw::tsdb::Db* d = opened->release();
    auto app = d->NewAppender();
    for (int i = 0; i < 60; ++i) {
      const int64_t t = int64_t{i} * 15'000;
      for (int gpu = 0; gpu < 3; ++gpu) {
        const std::string g = std::to_string(gpu);
        (void)app->Append(0, {{"__name__", "gpu_util"}, {"gpu", g}, {"node", "n1"}}, t,
                          (i * 7 + gpu * 13) % 101);
        (void)app->Append(0, {{"__name__", "gpu_energy_total"}, {"gpu", g}}, t,
                          i < 30 ? i * 1000.0 : (i - 30) * 900.0);
      }
      for (const char* le : {"0.1", "1", "+Inf"}) {
        (void)app->Append(0, {{"__name__", "lat_bucket"}, {"le", le}}, t, i * (le[0] == '+' ? 3 : 1));
      }
      (void)app->Append(0, {{"__name__", "job_info"}, {"gpu", "0"}, {"jobid", "7"}}, t,
                        i < 40 ? 1 : gw::tsdb::StaleMarker());
    }
    if (!app->Commit().ok()) std::abort();
    return d;
  }();
  return db;
}

bool Allowed(const gw::Status& s) {
  return s.code() == StatusCode::kInvalidArgument || s.code() == StatusCode::kResourceExhausted ||
         s.code() == StatusCode::kDeadlineExceeded;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 512) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  gw::StatusOr<gw::promql::ExprPtr> expr = gw::promql::ParseExpr(text);
  if (!expr.ok()) return 0;
  gw::promql::EngineOptions options;
  options.max_samples = 200'000;
  options.timeout = std::chrono::milliseconds(2000);
  const gw::promql::Engine engine(&SmallStore()->querier(), options);
  auto instant = engine.InstantQuery(**expr, 600'000, {});
  if (!instant.ok() && !Allowed(instant.status())) {
    std::fprintf(stderr, "instant query failed unexpectedly: %s\n",
                 instant.status().ToString().c_str());
    std::abort();
  }
  const gw::promql::ValueType type = gw::promql::TypeOf(**expr);
  if (type != gw::promql::ValueType::kScalar && type != gw::promql::ValueType::kVector) return 0;
  auto range = engine.RangeQuery(**expr, 0, 900'000, 30'000, {});
  if (!range.ok() && !Allowed(range.status())) {
    std::fprintf(stderr, "range query failed unexpectedly: %s\n",
                 range.status().ToString().c_str());
    std::abort();
  }
  if (range.ok()) {
    for (const gw::promql::Series& s : *range) {
      if (s.points.size() > 31) std::abort();  // one point per step at most
      for (size_t i = 1; i < s.points.size(); ++i) {
        if (s.points[i].t_ms <= s.points[i - 1].t_ms) std::abort();
      }
    }
  }
  return 0;
}
