// Dispatch, and the instant functions that map values one by one (Prometheus 2.42's
// functions.go). The other functions live in eval_range_functions.cc, eval_label_functions.cc,
// eval_date_functions.cc and eval_histogram.cc.
#include "promql/eval_functions.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <unordered_map>

#include "promql/eval_functions_internal.h"
#include "promql/functions.h"

namespace gw::promql {
namespace internal {

double ScalarArg(std::span<const ArgValue> args, size_t i) {
  assert(i < args.size() && std::holds_alternative<double>(args[i]));
  return *std::get_if<double>(&args[i]);
}

const Vector& VectorArg(std::span<const ArgValue> args, size_t i) {
  assert(i < args.size() && std::holds_alternative<Vector>(args[i]));
  return *std::get_if<Vector>(&args[i]);
}

const std::string& StringArg(std::span<const ArgValue> args, size_t i) {
  assert(i < args.size() && std::holds_alternative<std::string>(args[i]));
  return *std::get_if<std::string>(&args[i]);
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Go's math.Log (the FreeBSD/fdlibm algorithm; Go uses it on every platform), so that ln, log2
// and log10 agree with Prometheus to the last bit, which the C library's log does not always.
double GoLog(double x) {
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  constexpr double kL1 = 6.666666666666735130e-01, kL2 = 3.999999999940941908e-01,
                   kL3 = 2.857142874366239149e-01, kL4 = 2.222219843214978396e-01,
                   kL5 = 1.818357216161805012e-01, kL6 = 1.531383769920937332e-01,
                   kL7 = 1.479819860511658591e-01;
  if (std::isnan(x) || x == kInf) return x;
  if (x < 0) return kNaN;
  if (x == 0) return -kInf;
  int exponent = 0;
  double mantissa = std::frexp(x, &exponent);
  if (mantissa < std::numbers::sqrt2 / 2) {
    mantissa *= 2;
    --exponent;
  }
  double f = mantissa - 1;
  double k = exponent;
  double s = f / (2 + f);
  double s2 = s * s;
  double s4 = s2 * s2;
  double t1 = s2 * (kL1 + s4 * (kL3 + s4 * (kL5 + s4 * kL7)));
  double t2 = s4 * (kL2 + s4 * (kL4 + s4 * kL6));
  double r = t1 + t2;
  double half_f2 = 0.5 * f * f;
  return k * kLn2Hi - ((half_f2 - (s * (half_f2 + r) + k * kLn2Lo)) - f);
}

// Go's math.Log2: exact for powers of two.
double GoLog2(double x) {
  if (!std::isfinite(x) || x <= 0) return GoLog(x);
  int exponent = 0;
  double mantissa = std::frexp(x, &exponent);
  if (mantissa == 0.5) return exponent - 1;
  return GoLog(mantissa) * std::numbers::log2e + exponent;
}

double GoLog10(double x) { return GoLog(x) * std::numbers::log10e; }

double Sgn(double v) {
  if (v < 0) return -1;
  if (v > 0) return 1;
  return v;  // 0, -0 and NaN as they are
}

double Deg(double v) { return v * 180 / std::numbers::pi; }
double Rad(double v) { return v * std::numbers::pi / 180; }

// Go's math.Max and math.Min: an infinity of the side wins over NaN, NaN over the rest, and
// +0 is greater than -0.
double GoMax(double x, double y) {
  if (x == kInf || y == kInf) return kInf;
  if (std::isnan(x) || std::isnan(y)) return kNaN;
  if (x == 0 && x == y) return std::signbit(x) ? y : x;
  return x > y ? x : y;
}

double GoMin(double x, double y) {
  if (x == -kInf || y == -kInf) return -kInf;
  if (std::isnan(x) || std::isnan(y)) return kNaN;
  if (x == 0 && x == y) return std::signbit(x) ? x : y;
  return x < y ? x : y;
}

Vector OneValue(double v, int64_t t_ms) { return Vector{{tsdb::Labels(), t_ms, v}}; }

// Applies `fn` to each element's value; drops __name__.
template <typename Fn>
Vector Map(const Vector& in, int64_t t_ms, Fn fn) {
  Vector out;
  out.reserve(in.size());
  for (const VectorElement& e : in) out.push_back({DropMetricName(e.metric), t_ms, fn(e)});
  return out;
}

template <double (*kFn)(double)>
StatusOr<Vector> Simple(std::span<const ArgValue> args, int64_t t_ms) {
  return Map(VectorArg(args, 0), t_ms, [](const VectorElement& e) { return kFn(e.v); });
}

// Wrappers, since the standard library's functions may not have their addresses taken.
double Abs(double v) { return std::fabs(v); }
double Ceil(double v) { return std::ceil(v); }
double Floor(double v) { return std::floor(v); }
double Exp(double v) { return std::exp(v); }
double Sqrt(double v) { return std::sqrt(v); }
double Sin(double v) { return std::sin(v); }
double Cos(double v) { return std::cos(v); }
double Tan(double v) { return std::tan(v); }
double Asin(double v) { return std::asin(v); }
double Acos(double v) { return std::acos(v); }
double Atan(double v) { return std::atan(v); }
double Sinh(double v) { return std::sinh(v); }
double Cosh(double v) { return std::cosh(v); }
double Tanh(double v) { return std::tanh(v); }
double Asinh(double v) { return std::asinh(v); }
double Acosh(double v) { return std::acosh(v); }
double Atanh(double v) { return std::atanh(v); }

StatusOr<Vector> Clamp(std::span<const ArgValue> args, int64_t t_ms) {
  double min = ScalarArg(args, 1);
  double max = ScalarArg(args, 2);
  if (max < min) return Vector();
  return Map(VectorArg(args, 0), t_ms,
             [&](const VectorElement& e) { return GoMax(min, GoMin(max, e.v)); });
}

StatusOr<Vector> ClampMax(std::span<const ArgValue> args, int64_t t_ms) {
  double max = ScalarArg(args, 1);
  return Map(VectorArg(args, 0), t_ms, [&](const VectorElement& e) { return GoMin(e.v, max); });
}

StatusOr<Vector> ClampMin(std::span<const ArgValue> args, int64_t t_ms) {
  double min = ScalarArg(args, 1);
  return Map(VectorArg(args, 0), t_ms, [&](const VectorElement& e) { return GoMax(e.v, min); });
}

// Ties round up. Prometheus multiplies by the inverse, which it found to lose less precision.
StatusOr<Vector> Round(std::span<const ArgValue> args, int64_t t_ms) {
  double inverse = 1.0 / (args.size() >= 2 ? ScalarArg(args, 1) : 1.0);
  return Map(VectorArg(args, 0), t_ms,
             [&](const VectorElement& e) { return std::floor(e.v * inverse + 0.5) / inverse; });
}

StatusOr<Vector> Timestamp(std::span<const ArgValue> args, int64_t t_ms) {
  return Map(VectorArg(args, 0), t_ms,
             [](const VectorElement& e) { return static_cast<double>(e.t_ms) / 1000; });
}

StatusOr<Vector> ScalarFn(std::span<const ArgValue> args, int64_t t_ms) {
  const Vector& v = VectorArg(args, 0);
  return OneValue(v.size() == 1 ? v[0].v : kNaN, t_ms);
}

StatusOr<Vector> VectorFn(std::span<const ArgValue> args, int64_t t_ms) {
  return OneValue(ScalarArg(args, 0), t_ms);
}

StatusOr<Vector> Time(std::span<const ArgValue>, int64_t t_ms) {
  return OneValue(static_cast<double>(t_ms) / 1000, t_ms);
}

StatusOr<Vector> Pi(std::span<const ArgValue>, int64_t t_ms) {
  return OneValue(std::numbers::pi, t_ms);
}

// By value, NaNs last in both directions; equal values keep their order (Go's sort does not
// promise to). Keeps __name__.
template <bool kDescending>
StatusOr<Vector> Sort(std::span<const ArgValue> args, int64_t t_ms) {
  Vector out = VectorArg(args, 0);
  for (VectorElement& e : out) e.t_ms = t_ms;
  std::stable_sort(out.begin(), out.end(), [](const VectorElement& a, const VectorElement& b) {
    if (std::isnan(a.v)) return false;
    if (std::isnan(b.v)) return true;
    return kDescending ? a.v > b.v : a.v < b.v;
  });
  return out;
}

const std::unordered_map<std::string_view, InstantFn>& InstantFns() {
  static const auto* const kFns = new std::unordered_map<std::string_view, InstantFn>{
      {"abs", Simple<Abs>},
      {"ceil", Simple<Ceil>},
      {"floor", Simple<Floor>},
      {"exp", Simple<Exp>},
      {"ln", Simple<GoLog>},
      {"log2", Simple<GoLog2>},
      {"log10", Simple<GoLog10>},
      {"sqrt", Simple<Sqrt>},
      {"sgn", Simple<Sgn>},
      {"sin", Simple<Sin>},
      {"cos", Simple<Cos>},
      {"tan", Simple<Tan>},
      {"asin", Simple<Asin>},
      {"acos", Simple<Acos>},
      {"atan", Simple<Atan>},
      {"sinh", Simple<Sinh>},
      {"cosh", Simple<Cosh>},
      {"tanh", Simple<Tanh>},
      {"asinh", Simple<Asinh>},
      {"acosh", Simple<Acosh>},
      {"atanh", Simple<Atanh>},
      {"deg", Simple<Deg>},
      {"rad", Simple<Rad>},
      {"clamp", Clamp},
      {"clamp_max", ClampMax},
      {"clamp_min", ClampMin},
      {"round", Round},
      {"timestamp", Timestamp},
      {"scalar", ScalarFn},
      {"vector", VectorFn},
      {"time", Time},
      {"pi", Pi},
      {"sort", Sort<false>},
      {"sort_desc", Sort<true>},
      {"histogram_quantile", HistogramQuantile},
  };
  return *kFns;
}

InstantFn FindInstantFn(std::string_view name) {
  auto it = InstantFns().find(name);
  if (it != InstantFns().end()) return it->second;
  if (InstantFn fn = FindLabelFn(name)) return fn;
  return FindDateFn(name);
}

}  // namespace
}  // namespace internal

bool IsRangeFunction(const Function& f) {
  return f.name != "absent_over_time" &&
         std::find(f.arg_types.begin(), f.arg_types.end(), ValueType::kMatrix) != f.arg_types.end();
}

StatusOr<std::optional<double>> CallRangeFunction(const Function& f, const RangeWindow& window,
                                                  std::span<const double> scalars) {
  internal::RangeFn fn = internal::FindRangeFn(f.name);
  if (fn == nullptr) {
    return InternalError("CallRangeFunction: " + std::string(f.name) + " is no range function");
  }
  assert(scalars.size() == static_cast<size_t>(std::count(f.arg_types.begin(), f.arg_types.end(),
                                                          ValueType::kScalar)));
  if (window.samples.empty()) return std::optional<double>();
  if (f.name == "holt_winters") {
    GW_RETURN_IF_ERROR(internal::CheckHoltWintersFactors(scalars[0], scalars[1]));
  }
  return fn(window, scalars);
}

StatusOr<Vector> CallInstantFunction(const Function& f, std::span<const ArgValue> args,
                                     int64_t t_ms) {
  internal::InstantFn fn = internal::FindInstantFn(f.name);
  if (fn == nullptr) {
    return InternalError("CallInstantFunction: " + std::string(f.name) + " is no instant function");
  }
  return fn(args, t_ms);
}

}  // namespace gw::promql
