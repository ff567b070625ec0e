// Binary operators at one evaluation step, as Prometheus 2.42's engine.go evaluates them
// (scalarBinop, vectorElemBinop, VectorscalarBinop, VectorBinop, VectorAnd/Or/Unless).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "promql/operators.h"

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

// Prometheus 2.42 keeps __name__ for comparisons, set operators and atan2.
bool ShouldDropMetricName(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
    case BinaryOp::kSub:
    case BinaryOp::kMul:
    case BinaryOp::kDiv:
    case BinaryOp::kMod:
    case BinaryOp::kPow:
      return true;
    default:
      return false;
  }
}

struct ElemResult {
  double v;
  bool keep;
};

// Arithmetic gives its result; a comparison gives lhs and whether it holds.
ElemResult VectorElemBinop(BinaryOp op, double lhs, double rhs) {
  switch (op) {
    case BinaryOp::kEql:
      return {lhs, lhs == rhs};
    case BinaryOp::kNeq:
      return {lhs, lhs != rhs};
    case BinaryOp::kGtr:
      return {lhs, lhs > rhs};
    case BinaryOp::kLss:
      return {lhs, lhs < rhs};
    case BinaryOp::kGte:
      return {lhs, lhs >= rhs};
    case BinaryOp::kLte:
      return {lhs, lhs <= rhs};
    default:
      return {ScalarBinop(op, lhs, rhs), true};
  }
}

bool Contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The labels that matching looks at: the `on` labels, or all but the `ignoring` labels and
// __name__ (Prometheus' Labels.MatchLabels).
std::vector<tsdb::Label> MatchLabels(const tsdb::Labels& metric, const VectorMatching& m) {
  std::vector<tsdb::Label> out;
  for (const tsdb::Label& l : metric) {
    bool listed = Contains(m.labels, l.name);
    if (m.on ? listed : !listed && l.name != tsdb::kMetricNameLabel) out.push_back(l);
  }
  return out;
}

// An exact key (not a hash, so no collisions): name 0xff value 0xff for each label.
std::string Key(const std::vector<tsdb::Label>& labels) {
  std::string key;
  for (const tsdb::Label& l : labels) key += l.name + '\xff' + l.value + '\xff';
  return key;
}

std::vector<std::string> Signatures(const Vector& v, const VectorMatching& m) {
  std::vector<std::string> sigs;
  sigs.reserve(v.size());
  for (const VectorElement& e : v) sigs.push_back(Key(MatchLabels(e.metric, m)));
  return sigs;
}

// Prometheus' Labels.String(): values quoted as Go's strconv.Quote does.
std::string GoLabelsString(const std::vector<tsdb::Label>& labels) {
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ", ";
    out += labels[i].name + "=" + QuoteString(labels[i].value);
  }
  return out + "}";
}

std::string GoLabelsString(const tsdb::Labels& labels) {
  return GoLabelsString(std::vector<tsdb::Label>(labels.begin(), labels.end()));
}

Vector SetOperation(BinaryOp op, const Vector& lhs, const Vector& rhs, const VectorMatching& m) {
  if (lhs.empty() || rhs.empty()) {
    if (op == BinaryOp::kAnd) return {};
    if (op == BinaryOp::kOr) return lhs.empty() ? rhs : lhs;
    return lhs;  // unless
  }
  std::vector<std::string> lsigs = Signatures(lhs, m);
  std::vector<std::string> rsigs = Signatures(rhs, m);
  Vector out;
  if (op == BinaryOp::kOr) {
    std::unordered_set<std::string> left(lsigs.begin(), lsigs.end());
    out = lhs;
    for (size_t j = 0; j < rhs.size(); ++j) {
      if (!left.contains(rsigs[j])) out.push_back(rhs[j]);
    }
    return out;
  }
  std::unordered_set<std::string> right(rsigs.begin(), rsigs.end());
  bool want_match = op == BinaryOp::kAnd;
  for (size_t i = 0; i < lhs.size(); ++i) {
    if (right.contains(lsigs[i]) == want_match) out.push_back(lhs[i]);
  }
  return out;
}

// Sets `name` to `value` in sorted `labels`, or deletes it when `value` is empty.
void SetLabel(std::vector<tsdb::Label>& labels, const std::string& name, std::string_view value) {
  auto it = std::lower_bound(labels.begin(), labels.end(), name,
                             [](const tsdb::Label& l, const std::string& n) { return l.name < n; });
  bool present = it != labels.end() && it->name == name;
  if (value.empty()) {
    if (present) labels.erase(it);
  } else if (present) {
    it->value = std::string(value);
  } else {
    labels.insert(it, tsdb::Label{name, std::string(value)});
  }
}

// The labels of a result element: the "many" side's (lhs after any swap), see resultMetric.
tsdb::Labels ResultMetric(const tsdb::Labels& many, const tsdb::Labels& one, BinaryOp op,
                          const VectorMatching& m) {
  std::vector<tsdb::Label> labels;
  for (const tsdb::Label& l : many) {
    if (ShouldDropMetricName(op) && l.name == tsdb::kMetricNameLabel) continue;
    if (m.card == Cardinality::kOneToOne && Contains(m.labels, l.name) != m.on) continue;
    labels.push_back(l);
  }
  for (const std::string& name : m.include) SetLabel(labels, name, one.Get(name));
  return tsdb::Labels::FromSortedUnchecked(std::move(labels));
}

// The "one" side (rhs after any swap) by signature; an error when a signature repeats.
StatusOr<std::unordered_map<std::string, const VectorElement*>> IndexOneSide(
    const Vector& rhs, const std::vector<std::string>& rsigs, const VectorMatching& m) {
  std::unordered_map<std::string, const VectorElement*> index;
  for (size_t i = 0; i < rhs.size(); ++i) {
    auto [it, inserted] = index.emplace(rsigs[i], &rhs[i]);
    if (inserted) continue;
    const char* side = m.card == Cardinality::kOneToMany ? "left" : "right";
    return InvalidArgumentError(
        "found duplicate series for the match group " +
        GoLabelsString(MatchLabels(rhs[i].metric, m)) + " on the " + side +
        " hand-side of the operation: [" + GoLabelsString(rhs[i].metric) + ", " +
        GoLabelsString(it->second->metric) +
        "];many-to-many matching not allowed: matching labels must be unique on one side");
  }
  return index;
}

// Prometheus' uniqueness checks on the output: per signature, one element (one-to-one) or
// distinct result label sets (group_left/right).
class MatchTracker {
 public:
  explicit MatchTracker(Cardinality card) : card_(card) {}

  Status Add(const std::string& sig, const tsdb::Labels& metric) {
    auto [it, fresh] = matched_.try_emplace(sig);
    if (card_ == Cardinality::kOneToOne) {
      if (fresh) return Status::Ok();
      return InvalidArgumentError(
          "multiple matches for labels: many-to-one matching must be explicit "
          "(group_left/group_right)");
    }
    if (!it->second.insert(Key({metric.begin(), metric.end()})).second) {
      return InvalidArgumentError(
          "multiple matches for labels: grouping labels must ensure unique matches");
    }
    return Status::Ok();
  }

 private:
  Cardinality card_;
  std::unordered_map<std::string, std::unordered_set<std::string>> matched_;
};

}  // namespace

double ScalarBinop(BinaryOp op, double lhs, double rhs) {
  switch (op) {
    case BinaryOp::kAdd:
      return lhs + rhs;
    case BinaryOp::kSub:
      return lhs - rhs;
    case BinaryOp::kMul:
      return lhs * rhs;
    case BinaryOp::kDiv:
      return lhs / rhs;
    case BinaryOp::kMod:
      return std::fmod(lhs, rhs);  // exact, as Go's math.Mod, with the same special cases
    case BinaryOp::kPow:
      return GoPow(lhs, rhs);
    case BinaryOp::kAtan2:
      return GoAtan2(lhs, rhs);
    default:
      return VectorElemBinop(op, lhs, rhs).keep ? 1 : 0;
  }
}

StatusOr<Vector> VectorBinop(const BinaryExpr& e, const Vector& lhs_in, const Vector& rhs_in,
                             int64_t t_ms) {
  const VectorMatching m = e.matching.value_or(VectorMatching{});
  if (IsSetOperator(e.op)) {
    Vector out = SetOperation(e.op, lhs_in, rhs_in, m);
    for (VectorElement& el : out) el.t_ms = t_ms;
    return out;
  }
  if (lhs_in.empty() || rhs_in.empty()) return Vector{};
  // group_right: the rhs is the "many" side; operands are swapped back for the operation.
  const bool swap = m.card == Cardinality::kOneToMany;
  const Vector& lhs = swap ? rhs_in : lhs_in;
  const Vector& rhs = swap ? lhs_in : rhs_in;
  std::vector<std::string> lsigs = Signatures(lhs, m);
  GW_ASSIGN_OR_RETURN(auto one_side, IndexOneSide(rhs, Signatures(rhs, m), m));
  MatchTracker tracker(m.card);
  Vector out;
  for (size_t i = 0; i < lhs.size(); ++i) {
    auto it = one_side.find(lsigs[i]);
    if (it == one_side.end()) continue;
    const VectorElement& rs = *it->second;
    ElemResult r =
        swap ? VectorElemBinop(e.op, rs.v, lhs[i].v) : VectorElemBinop(e.op, lhs[i].v, rs.v);
    if (e.return_bool) {
      r.v = r.keep ? 1 : 0;
    } else if (!r.keep) {
      continue;
    }
    tsdb::Labels metric = ResultMetric(lhs[i].metric, rs.metric, e.op, m);
    if (e.return_bool) metric = DropMetricName(metric);
    GW_RETURN_IF_ERROR(tracker.Add(lsigs[i], metric));
    out.push_back(VectorElement{std::move(metric), t_ms, r.v});
  }
  return out;
}

Vector VectorScalarBinop(BinaryOp op, const Vector& vec, double scalar, bool scalar_on_left,
                         bool return_bool, int64_t t_ms) {
  Vector out;
  for (const VectorElement& e : vec) {
    ElemResult r =
        scalar_on_left ? VectorElemBinop(op, scalar, e.v) : VectorElemBinop(op, e.v, scalar);
    // A comparison keeps the vector's value even when the scalar is on the left.
    if (IsComparison(op) && scalar_on_left) r.v = e.v;
    if (return_bool) {
      r.v = r.keep ? 1 : 0;
      r.keep = true;
    }
    if (!r.keep) continue;
    bool drop = ShouldDropMetricName(op) || return_bool;
    out.push_back(VectorElement{drop ? DropMetricName(e.metric) : e.metric, t_ms, r.v});
  }
  return out;
}

}  // namespace gw::promql
