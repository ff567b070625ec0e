// Curve evaluation and the energy integral.
#include <cassert>
#include <cmath>
#include <numbers>

#include "scenario.h"

namespace gw::nvmlsim {
namespace {

using Points = std::vector<std::pair<int64_t, double>>;

double StepsAt(const Points& points, int64_t t_ms) {
  double value = points.front().second;
  for (const auto& [at_ms, v] : points) {
    if (at_ms > t_ms) break;
    value = v;
  }
  return value;
}

double RampAt(const Points& points, int64_t t_ms) {
  if (t_ms <= points.front().first) return points.front().second;
  for (size_t i = 1; i < points.size(); ++i) {
    const auto& [t1, v1] = points[i];
    if (t_ms > t1) continue;
    const auto& [t0, v0] = points[i - 1];
    if (t1 == t0) return v1;
    return v0 + (v1 - v0) * static_cast<double>(t_ms - t0) / static_cast<double>(t1 - t0);
  }
  return points.back().second;
}

// The integral of a step function over [0, end_ms], in value*ms.
double IntegrateSteps(const Points& points, int64_t end_ms) {
  double sum = 0;
  int64_t from_ms = 0;
  while (from_ms < end_ms) {
    // The value holds from from_ms until the next step time after from_ms.
    int64_t next_ms = end_ms;
    for (const auto& point : points) {
      if (point.first > from_ms) {
        next_ms = std::min(next_ms, point.first);
        break;
      }
    }
    sum += StepsAt(points, from_ms) * static_cast<double>(next_ms - from_ms);
    from_ms = next_ms;
  }
  return sum;
}

// The integral of a clamped piecewise-linear function over [0, end_ms], in value*ms. Between
// consecutive breakpoints the function is linear, so the trapezoid rule is exact.
double IntegrateRamp(const Points& points, int64_t end_ms) {
  std::vector<int64_t> cuts = {0};
  for (const auto& point : points) {
    if (point.first > 0 && point.first < end_ms) cuts.push_back(point.first);
  }
  cuts.push_back(end_ms);
  double sum = 0;
  for (size_t i = 1; i < cuts.size(); ++i) {
    if (cuts[i] <= cuts[i - 1]) continue;
    double width = static_cast<double>(cuts[i] - cuts[i - 1]);
    sum += (RampAt(points, cuts[i - 1]) + RampAt(points, cuts[i])) / 2 * width;
  }
  return sum;
}

double IntegrateSine(const Curve& curve, int64_t end_ms) {
  // Closed form of the integral of mean + a*sin(2*pi*t/p): exact rather than numeric.
  double period = static_cast<double>(curve.period_ms());
  double t = static_cast<double>(end_ms);
  double omega = 2 * std::numbers::pi / period;
  return curve.mean() * t + curve.amplitude() / omega * (1 - std::cos(omega * t));
}

}  // namespace

Curve Curve::Constant(double value) {
  Curve curve;
  curve.kind_ = Kind::kConstant;
  curve.points_ = {{0, value}};
  return curve;
}

Curve Curve::Steps(std::vector<std::pair<int64_t, double>> points) {
  assert(!points.empty());
  Curve curve;
  curve.kind_ = Kind::kSteps;
  curve.points_ = std::move(points);
  return curve;
}

Curve Curve::Ramp(std::vector<std::pair<int64_t, double>> points) {
  assert(!points.empty());
  Curve curve;
  curve.kind_ = Kind::kRamp;
  curve.points_ = std::move(points);
  return curve;
}

Curve Curve::Sine(double mean, double amplitude, int64_t period_ms) {
  assert(period_ms > 0);
  Curve curve;
  curve.kind_ = Kind::kSine;
  curve.mean_ = mean;
  curve.amplitude_ = amplitude;
  curve.period_ms_ = period_ms;
  return curve;
}

double Curve::At(int64_t t_ms) const {
  switch (kind_) {
    case Kind::kAbsent:
      assert(false && "Curve::At on an absent curve");
      return 0;
    case Kind::kConstant:
      return points_.front().second;
    case Kind::kSteps:
      return StepsAt(points_, t_ms);
    case Kind::kRamp:
      return RampAt(points_, t_ms);
    case Kind::kSine: {
      // Reduce t modulo the period first so that large t keeps full precision.
      double phase = static_cast<double>(t_ms % period_ms_) / static_cast<double>(period_ms_);
      return mean_ + amplitude_ * std::sin(2 * std::numbers::pi * phase);
    }
  }
  return 0;
}

int64_t IntegrateEnergyMj(const SimGpu& gpu, int64_t t_ms) {
  double energy_mj = gpu.energy_start_mj.value_or(0);
  const Curve& power = gpu.power_w;
  if (t_ms > 0 && power.present()) {
    // W * ms = mJ.
    switch (power.kind()) {
      case Curve::Kind::kAbsent:
        break;
      case Curve::Kind::kConstant:
        energy_mj += power.At(0) * static_cast<double>(t_ms);
        break;
      case Curve::Kind::kSteps:
        energy_mj += IntegrateSteps(power.points(), t_ms);
        break;
      case Curve::Kind::kRamp:
        energy_mj += IntegrateRamp(power.points(), t_ms);
        break;
      case Curve::Kind::kSine:
        energy_mj += IntegrateSine(power, t_ms);
        break;
    }
  }
  return static_cast<int64_t>(std::llround(energy_mj));
}

}  // namespace gw::nvmlsim
