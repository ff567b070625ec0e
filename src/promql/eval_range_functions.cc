// The range functions: rate and its kin, deriv, holt_winters, *_over_time (Prometheus 2.42's
// functions.go).
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <unordered_map>

#include "promql/eval_functions_internal.h"

namespace gw::promql::internal {
namespace {

using tsdb::Sample;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Neumaier's improvement of Kahan summation (Prometheus' kahanSumInc): `c` collects what `sum`
// lost to rounding.
struct KahanSum {
  double sum = 0;
  double c = 0;

  void Add(double inc) {
    double t = sum + inc;
    if (std::fabs(sum) >= std::fabs(inc)) {
      c += (sum - t) + inc;
    } else {
      c += (inc - t) + sum;
    }
    sum = t;
  }
  // An infinite sum stays as it is: adding the compensation (NaN by now) would spoil it.
  double Value() const { return std::isinf(sum) ? sum : sum + c; }
};

// rate, increase and delta (Prometheus' extrapolatedRate): the change over the window,
// corrected for counter resets, extrapolated to the window's edges when the samples reach
// close to them.
std::optional<double> ExtrapolatedRate(const RangeWindow& w, bool is_counter, bool is_rate) {
  std::span<const Sample> s = w.samples;
  if (s.size() < 2) return std::nullopt;
  const Sample& first = s.front();
  const Sample& last = s.back();
  double result = last.v - first.v;
  if (is_counter) {
    for (size_t i = 1; i < s.size(); ++i) {
      if (s[i].v < s[i - 1].v) result += s[i - 1].v;
    }
  }
  double to_start_s = static_cast<double>(first.t_ms - w.start_ms) / 1000;
  double to_end_s = static_cast<double>(w.end_ms - last.t_ms) / 1000;
  double sampled_s = static_cast<double>(last.t_ms - first.t_ms) / 1000;
  double average_s = sampled_s / static_cast<double>(s.size() - 1);
  // A counter cannot go below zero: extrapolate no further back than where it would reach it.
  // 2.42 does this before comparing with the threshold (later versions after).
  if (is_counter && result > 0 && first.v >= 0) {
    double to_zero_s = sampled_s * (first.v / result);
    if (to_zero_s < to_start_s) to_start_s = to_zero_s;
  }
  double threshold_s = average_s * 1.1;
  double interval_s = sampled_s;
  interval_s += to_start_s < threshold_s ? to_start_s : average_s / 2;
  interval_s += to_end_s < threshold_s ? to_end_s : average_s / 2;
  double factor = interval_s / sampled_s;
  if (is_rate) factor /= static_cast<double>(w.end_ms - w.start_ms) / 1000;
  return result * factor;
}

std::optional<double> Rate(const RangeWindow& w, std::span<const double>) {
  return ExtrapolatedRate(w, true, true);
}
std::optional<double> Increase(const RangeWindow& w, std::span<const double>) {
  return ExtrapolatedRate(w, true, false);
}
std::optional<double> Delta(const RangeWindow& w, std::span<const double>) {
  return ExtrapolatedRate(w, false, false);
}

// irate and idelta (Prometheus' instantValue): the last two samples only.
std::optional<double> InstantValue(const RangeWindow& w, bool is_rate) {
  std::span<const Sample> s = w.samples;
  if (s.size() < 2) return std::nullopt;
  const Sample& last = s.back();
  const Sample& previous = s[s.size() - 2];
  double result = is_rate && last.v < previous.v ? last.v : last.v - previous.v;
  int64_t interval_ms = last.t_ms - previous.t_ms;
  if (interval_ms == 0) return std::nullopt;
  if (is_rate) result /= static_cast<double>(interval_ms) / 1000;
  return result;
}

std::optional<double> Irate(const RangeWindow& w, std::span<const double>) {
  return InstantValue(w, true);
}
std::optional<double> Idelta(const RangeWindow& w, std::span<const double>) {
  return InstantValue(w, false);
}

struct Line {
  double slope = 0;
  double intercept = 0;
};

// Least squares, with x = seconds since `intercept_ms` (near the samples, for precision).
Line LinearRegression(std::span<const Sample> s, int64_t intercept_ms) {
  KahanSum x_sum, y_sum, xy_sum, x2_sum;
  bool const_y = true;
  for (const Sample& p : s) {
    if (p.v != s[0].v) const_y = false;  // a NaN differs from everything, itself too
    double x = static_cast<double>(p.t_ms - intercept_ms) / 1e3;
    x_sum.Add(x);
    y_sum.Add(p.v);
    xy_sum.Add(x * p.v);
    x2_sum.Add(x * x);
  }
  if (const_y) {
    if (std::isinf(s[0].v)) return {kNaN, kNaN};
    return {0, s[0].v};
  }
  double n = static_cast<double>(s.size());
  double sx = x_sum.sum + x_sum.c;
  double sy = y_sum.sum + y_sum.c;
  double cov_xy = (xy_sum.sum + xy_sum.c) - sx * sy / n;
  double var_x = (x2_sum.sum + x2_sum.c) - sx * sx / n;
  double slope = cov_xy / var_x;
  return {slope, sy / n - slope * sx / n};
}

std::optional<double> Deriv(const RangeWindow& w, std::span<const double>) {
  if (w.samples.size() < 2) return std::nullopt;
  return LinearRegression(w.samples, w.samples[0].t_ms).slope;
}

std::optional<double> PredictLinear(const RangeWindow& w, std::span<const double> scalars) {
  if (w.samples.size() < 2) return std::nullopt;
  Line line = LinearRegression(w.samples, w.eval_ms);
  return line.slope * scalars[0] + line.intercept;
}

// Double exponential smoothing; the factors were checked by CheckHoltWintersFactors.
std::optional<double> HoltWinters(const RangeWindow& w, std::span<const double> scalars) {
  std::span<const Sample> s = w.samples;
  if (s.size() < 2) return std::nullopt;
  double sf = scalars[0];
  double tf = scalars[1];
  double s0 = 0;
  double s1 = s[0].v;
  double trend = s[1].v - s[0].v;
  for (size_t i = 1; i < s.size(); ++i) {
    if (i > 1) trend = tf * (s1 - s0) + (1 - tf) * trend;
    double smoothed = sf * s[i].v + (1 - sf) * (s1 + trend);
    s0 = s1;
    s1 = smoothed;
  }
  return s1;
}

std::optional<double> Resets(const RangeWindow& w, std::span<const double>) {
  int resets = 0;
  for (size_t i = 1; i < w.samples.size(); ++i) {
    if (w.samples[i].v < w.samples[i - 1].v) ++resets;
  }
  return resets;
}

std::optional<double> Changes(const RangeWindow& w, std::span<const double>) {
  int changes = 0;
  for (size_t i = 1; i < w.samples.size(); ++i) {
    double prev = w.samples[i - 1].v;
    double cur = w.samples[i].v;
    if (cur != prev && !(std::isnan(cur) && std::isnan(prev))) ++changes;
  }
  return changes;
}

std::optional<double> AvgOverTime(const RangeWindow& w, std::span<const double>) {
  KahanSum mean;
  double count = 0;
  for (const Sample& p : w.samples) {
    ++count;
    if (std::isinf(mean.sum)) {
      // An infinite mean stays as it is when the value is finite or an Inf of the same sign;
      // the update below would compute Inf - Inf.
      if (std::isinf(p.v) && (mean.sum > 0) == (p.v > 0)) continue;
      if (!std::isinf(p.v) && !std::isnan(p.v)) continue;
    }
    mean.Add(p.v / count - mean.sum / count);
  }
  return mean.Value();
}

std::optional<double> SumOverTime(const RangeWindow& w, std::span<const double>) {
  KahanSum sum;
  for (const Sample& p : w.samples) sum.Add(p.v);
  return sum.Value();
}

std::optional<double> CountOverTime(const RangeWindow& w, std::span<const double>) {
  return static_cast<double>(w.samples.size());
}

// A NaN is replaced by any later value, and a value by a later greater (smaller) one.
std::optional<double> MaxOverTime(const RangeWindow& w, std::span<const double>) {
  double max = w.samples[0].v;
  for (const Sample& p : w.samples) {
    if (p.v > max || std::isnan(max)) max = p.v;
  }
  return max;
}

std::optional<double> MinOverTime(const RangeWindow& w, std::span<const double>) {
  double min = w.samples[0].v;
  for (const Sample& p : w.samples) {
    if (p.v < min || std::isnan(min)) min = p.v;
  }
  return min;
}

std::optional<double> LastOverTime(const RangeWindow& w, std::span<const double>) {
  return w.samples.back().v;
}

std::optional<double> PresentOverTime(const RangeWindow&, std::span<const double>) { return 1; }

// Welford's algorithm, with compensated sums.
double Variance(std::span<const Sample> s) {
  double count = 0;
  KahanSum mean, aux;
  for (const Sample& p : s) {
    ++count;
    double delta = p.v - (mean.sum + mean.c);
    mean.Add(delta / count);
    aux.Add(delta * (p.v - (mean.sum + mean.c)));
  }
  return (aux.sum + aux.c) / count;
}

std::optional<double> StdvarOverTime(const RangeWindow& w, std::span<const double>) {
  return Variance(w.samples);
}
std::optional<double> StddevOverTime(const RangeWindow& w, std::span<const double>) {
  return std::sqrt(Variance(w.samples));
}

std::optional<double> QuantileOverTime(const RangeWindow& w, std::span<const double> scalars) {
  std::vector<double> values;
  values.reserve(w.samples.size());
  for (const Sample& p : w.samples) values.push_back(p.v);
  return Quantile(scalars[0], std::move(values));
}

// Go's %f: as C's for finite values, and NaN, +Inf, -Inf.
std::string GoFormatF(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[400];  // the longest %f of a double has 309 digits before the point
  std::snprintf(buf, sizeof buf, "%f", v);
  return buf;
}

}  // namespace

Status CheckHoltWintersFactors(double sf, double tf) {
  // Written as Prometheus does, so that a NaN factor passes.
  if (sf <= 0 || sf >= 1) {
    return InvalidArgumentError("invalid smoothing factor. Expected: 0 < sf < 1, got: " +
                                GoFormatF(sf));
  }
  if (tf <= 0 || tf >= 1) {
    return InvalidArgumentError("invalid trend factor. Expected: 0 < tf < 1, got: " +
                                GoFormatF(tf));
  }
  return Status::Ok();
}

RangeFn FindRangeFn(std::string_view name) {
  static const auto* const kFns = new std::unordered_map<std::string_view, RangeFn>{
      {"avg_over_time", AvgOverTime},
      {"changes", Changes},
      {"count_over_time", CountOverTime},
      {"delta", Delta},
      {"deriv", Deriv},
      {"holt_winters", HoltWinters},
      {"idelta", Idelta},
      {"increase", Increase},
      {"irate", Irate},
      {"last_over_time", LastOverTime},
      {"max_over_time", MaxOverTime},
      {"min_over_time", MinOverTime},
      {"predict_linear", PredictLinear},
      {"present_over_time", PresentOverTime},
      {"quantile_over_time", QuantileOverTime},
      {"rate", Rate},
      {"resets", Resets},
      {"stddev_over_time", StddevOverTime},
      {"stdvar_over_time", StdvarOverTime},
      {"sum_over_time", SumOverTime},
  };
  auto it = kFns->find(name);
  return it == kFns->end() ? nullptr : it->second;
}

}  // namespace gw::promql::internal
