// Go's math.Pow and math.Atan2, step for step, so that `^` and `atan2` give Prometheus' results
// to the last bit (glibc's pow and atan2 round differently in places).
#include "promql/go_math.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

namespace gw::promql {
namespace {

bool IsOddInt(double x) {
  if (std::fabs(x) >= 9007199254740992.0) return false;  // 2^53: every such double is even
  double i;
  return std::modf(x, &i) == 0 && std::fmod(i, 2) != 0;
}

// Go's math.Pow special cases (checked in Go's order), or nullopt for the general case.
std::optional<double> PowSpecialCase(double x, double y) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (y == 0 || x == 1) return 1;
  if (y == 1) return x;
  if (std::isnan(x) || std::isnan(y)) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0) {
    if (y < 0) return std::signbit(x) && IsOddInt(y) ? -kInf : kInf;
    return IsOddInt(y) ? x : 0;
  }
  if (std::isinf(y)) {
    if (x == -1) return 1;
    return (std::fabs(x) < 1) == (y > 0) ? 0 : kInf;
  }
  if (std::isinf(x)) {
    if (x < 0) return PowSpecialCase(1 / x, -y);  // Pow(-0, -y), always a special case
    return y < 0 ? 0 : kInf;
  }
  if (y == 0.5) return std::sqrt(x);
  if (y == -0.5) return 1 / std::sqrt(x);
  return std::nullopt;
}

// Go's math.Pow, step for step: integer powers by repeated squaring with a separate binary
// exponent. libm's pow rounds differently, so `1.1 ^ 10` would not match Prometheus.
double GoXatan(double x) {  // valid in [0, 0.66]
  constexpr double kP0 = -8.750608600031904122785e-01, kP1 = -1.615753718733365076637e+01,
                   kP2 = -7.500855792314704667340e+01, kP3 = -1.228866684490136173410e+02,
                   kP4 = -6.485021904942025371773e+01;
  constexpr double kQ0 = +2.485846490142306297962e+01, kQ1 = +1.650270098316988542046e+02,
                   kQ2 = +4.328810604912902668951e+02, kQ3 = +4.853903996359136964868e+02,
                   kQ4 = +1.945506571482613964425e+02;
  double z = x * x;
  z = z * ((((kP0 * z + kP1) * z + kP2) * z + kP3) * z + kP4) /
      (((((z + kQ0) * z + kQ1) * z + kQ2) * z + kQ3) * z + kQ4);
  return x * z + x;
}

double GoAtan(double x) {
  if (x == 0) return x;
  const double ax = std::fabs(x);
  constexpr double kMoreBits = 6.123233995736765886130e-17;  // pi/2 = M_PI_2 + kMoreBits
  constexpr double kTan3Pi8 = 2.41421356237309504880;
  double r;
  if (ax <= 0.66) {
    r = GoXatan(ax);
  } else if (ax > kTan3Pi8) {
    r = M_PI_2 - GoXatan(1 / ax) + kMoreBits;
  } else {
    r = M_PI_4 + GoXatan((ax - 1) / (ax + 1)) + 0.5 * kMoreBits;
  }
  return x > 0 ? r : -r;
}

// Go's math.Atan2: its special cases, then GoAtan and the quadrant.
}  // namespace

double GoPow(double x, double y) {
  if (std::optional<double> special = PowSpecialCase(x, y)) return *special;
  double yi;
  double yf = std::modf(std::fabs(y), &yi);
  if (yf != 0 && x < 0) return std::numeric_limits<double>::quiet_NaN();
  if (yi >= 9223372036854775808.0) {  // a huge even integer: overflow or underflow
    if (x == -1) return 1;
    return (std::fabs(x) < 1) == (y > 0) ? 0 : std::numeric_limits<double>::infinity();
  }
  double a1 = 1;
  int ae = 0;
  if (yf != 0) {
    if (yf > 0.5) {
      yf--;
      yi++;
    }
    a1 = std::exp(yf * std::log(x));
  }
  int xe;
  double x1 = std::frexp(x, &xe);
  for (auto i = static_cast<int64_t>(yi); i != 0; i >>= 1) {
    if (xe < -(1 << 12) || (1 << 12) < xe) {  // the result is 0 or Inf; keep ae growing
      ae += xe;
      break;
    }
    if ((i & 1) == 1) {
      a1 *= x1;
      ae += xe;
    }
    x1 *= x1;
    xe <<= 1;
    if (x1 < 0.5) {
      x1 += x1;
      xe--;
    }
  }
  if (y < 0) {
    a1 = 1 / a1;
    ae = -ae;
  }
  return std::ldexp(a1, ae);
}

// Go's math.Atan: Cephes' rational approximation (atan.c), which differs from libm's atan in
// the last bit for some inputs (atan2(10, 3), for one).
double GoAtan2(double y, double x) {
  if (std::isnan(y) || std::isnan(x)) return std::numeric_limits<double>::quiet_NaN();
  if (y == 0) return std::copysign(x >= 0 && !std::signbit(x) ? 0 : M_PI, y);
  if (x == 0) return std::copysign(M_PI_2, y);
  if (std::isinf(x)) {
    if (x > 0) return std::copysign(std::isinf(y) ? M_PI_4 : 0, y);
    return std::copysign(std::isinf(y) ? 3 * M_PI_4 : M_PI, y);
  }
  if (std::isinf(y)) return std::copysign(M_PI_2, y);
  double q = GoAtan(y / x);
  if (x < 0) return q <= 0 ? q + M_PI : q - M_PI;
  return q;
}

}  // namespace gw::promql
