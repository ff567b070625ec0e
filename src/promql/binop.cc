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

#include "promql/go_math.h"
#include "promql/operators.h"

namespace gw::promql {
namespace {

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

bool InSignature(const tsdb::Label& l, const VectorMatching& m) {
  const bool listed = Contains(m.labels, l.name);
  return m.on ? listed : !listed && l.name != tsdb::kMetricNameLabel;
}

// FNV-1a over the matching labels, computed without building them.
uint64_t SignatureHash(const tsdb::Labels& metric, const VectorMatching& m) {
  uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&h](std::string_view s) {
    for (const unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
    h = (h ^ 0xffu) * 0x100000001b3ULL;
  };
  for (const tsdb::Label& l : metric) {
    if (!InSignature(l, m)) continue;
    mix(l.name);
    mix(l.value);
  }
  return h;
}

// Whether two label sets have the same matching labels (the exact check behind a hash).
bool SameSignature(const tsdb::Labels& a, const tsdb::Labels& b, const VectorMatching& m) {
  const tsdb::Label* i = a.begin();
  const tsdb::Label* j = b.begin();
  while (true) {
    while (i != a.end() && !InSignature(*i, m)) ++i;
    while (j != b.end() && !InSignature(*j, m)) ++j;
    if (i == a.end() || j == b.end()) return i == a.end() && j == b.end();
    if (*i != *j) return false;
    ++i;
    ++j;
  }
}

// The elements of one side by signature hash; an element is found by its exact signature.
class SignatureIndex {
 public:
  SignatureIndex(const Vector& v, const VectorMatching& m, BinopCache& cache) : m_(m) {
    for (const VectorElement& e : v) {
      std::vector<const VectorElement*>& same_hash = index_[cache.Signature(e.metric, m)];
      for (const VectorElement* prior : same_hash) {
        if (duplicate_.first == nullptr && SameSignature(prior->metric, e.metric, m)) {
          duplicate_ = {&e, prior};
        }
      }
      same_hash.push_back(&e);
    }
  }
  // The first element with the same signature as `metric` (whose hash is `sig`), or null.
  const VectorElement* Find(uint64_t sig, const tsdb::Labels& metric) const {
    auto it = index_.find(sig);
    if (it == index_.end()) return nullptr;
    for (const VectorElement* e : it->second) {
      if (SameSignature(e->metric, metric, m_)) return e;
    }
    return nullptr;
  }
  // The first element (in order) whose signature an earlier one has, and that earlier one;
  // {null, null} when the signatures are unique.
  std::pair<const VectorElement*, const VectorElement*> Duplicate() const { return duplicate_; }

 private:
  const VectorMatching& m_;
  std::unordered_map<uint64_t, std::vector<const VectorElement*>> index_;
  std::pair<const VectorElement*, const VectorElement*> duplicate_{nullptr, nullptr};
};

Vector SetOperation(BinaryOp op, const Vector& lhs, const Vector& rhs, const VectorMatching& m,
                    BinopCache& cache) {
  if (lhs.empty() || rhs.empty()) {
    if (op == BinaryOp::kAnd) return {};
    if (op == BinaryOp::kOr) return lhs.empty() ? rhs : lhs;
    return lhs;  // unless
  }
  Vector out;
  if (op == BinaryOp::kOr) {
    const SignatureIndex left(lhs, m, cache);
    out = lhs;
    for (const VectorElement& r : rhs) {
      if (left.Find(cache.Signature(r.metric, m), r.metric) == nullptr) out.push_back(r);
    }
    return out;
  }
  const SignatureIndex right(rhs, m, cache);
  const bool want_match = op == BinaryOp::kAnd;
  for (const VectorElement& l : lhs) {
    if ((right.Find(cache.Signature(l.metric, m), l.metric) != nullptr) == want_match) {
      out.push_back(l);
    }
  }
  return out;
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

// Prometheus' uniqueness checks on the output: per signature, one element (one-to-one) or
// distinct result label sets (group_left/right).
class MatchTracker {
 public:
  MatchTracker(Cardinality card, const VectorMatching& m) : card_(card), m_(m) {}

  Status Add(uint64_t sig, const tsdb::Labels& lhs, const tsdb::Labels& result) {
    std::vector<Match>& same_hash = matched_[sig];
    for (const Match& prior : same_hash) {
      if (!SameSignature(prior.lhs, lhs, m_)) continue;
      if (card_ == Cardinality::kOneToOne) {
        return InvalidArgumentError(
            "multiple matches for labels: many-to-one matching must be explicit "
            "(group_left/group_right)");
      }
      if (prior.result == result) {
        return InvalidArgumentError(
            "multiple matches for labels: grouping labels must ensure unique matches");
      }
    }
    same_hash.push_back({lhs, result});
    return Status::Ok();
  }

 private:
  struct Match {
    tsdb::Labels lhs;
    tsdb::Labels result;
  };
  Cardinality card_;
  const VectorMatching& m_;
  std::unordered_map<uint64_t, std::vector<Match>> matched_;
};

Status DuplicateError(const SignatureIndex& one_side, const VectorMatching& m) {
  auto [a, b] = one_side.Duplicate();
  if (a == nullptr) return Status::Ok();
  const char* side = m.card == Cardinality::kOneToMany ? "left" : "right";
  return InvalidArgumentError(
      "found duplicate series for the match group " + GoLabelsString(MatchLabels(a->metric, m)) +
      " on the " + side + " hand-side of the operation: [" + GoLabelsString(a->metric) + ", " +
      GoLabelsString(b->metric) +
      "];many-to-many matching not allowed: matching labels must be unique on one side");
}

}  // namespace

uint64_t BinopCache::Signature(const tsdb::Labels& metric, const VectorMatching& m) {
  std::vector<SignatureEntry>& same_hash = signatures_[metric.Hash()];
  for (const SignatureEntry& e : same_hash) {
    if (e.metric == metric) return e.signature;
  }
  const uint64_t sig = SignatureHash(metric, m);
  same_hash.push_back({metric, sig});
  return sig;
}

tsdb::Labels BinopCache::Result(const tsdb::Labels& many, const tsdb::Labels& one,
                                const std::function<tsdb::Labels()>& make) {
  std::vector<ResultEntry>& same_hash = results_[many.Hash() * 31 + one.Hash()];
  for (const ResultEntry& e : same_hash) {
    if (e.many == many && e.one == one) return e.result;
  }
  same_hash.push_back({many, one, make()});
  return same_hash.back().result;
}

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
                             int64_t t_ms, BinopCache* cache) {
  BinopCache local;
  BinopCache& c = cache != nullptr ? *cache : local;
  const VectorMatching m = e.matching.value_or(VectorMatching{});
  if (IsSetOperator(e.op)) {
    Vector out = SetOperation(e.op, lhs_in, rhs_in, m, c);
    for (VectorElement& el : out) el.t_ms = t_ms;
    return out;
  }
  if (lhs_in.empty() || rhs_in.empty()) return Vector{};
  // group_right: the rhs is the "many" side; operands are swapped back for the operation.
  const bool swap = m.card == Cardinality::kOneToMany;
  const Vector& lhs = swap ? rhs_in : lhs_in;
  const Vector& rhs = swap ? lhs_in : rhs_in;
  const SignatureIndex one_side(rhs, m, c);
  GW_RETURN_IF_ERROR(DuplicateError(one_side, m));
  MatchTracker tracker(m.card, m);
  Vector out;
  for (const VectorElement& ls : lhs) {
    const uint64_t sig = c.Signature(ls.metric, m);
    const VectorElement* rs = one_side.Find(sig, ls.metric);
    if (rs == nullptr) continue;
    ElemResult r = swap ? VectorElemBinop(e.op, rs->v, ls.v) : VectorElemBinop(e.op, ls.v, rs->v);
    if (e.return_bool) {
      r.v = r.keep ? 1 : 0;
    } else if (!r.keep) {
      continue;
    }
    tsdb::Labels metric = c.Result(ls.metric, rs->metric, [&] {
      tsdb::Labels made = ResultMetric(ls.metric, rs->metric, e.op, m);
      return e.return_bool ? DropMetricName(made) : made;
    });
    GW_RETURN_IF_ERROR(tracker.Add(sig, ls.metric, metric));
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
