// Aggregations at one evaluation step, as Prometheus 2.42's engine.go `aggregation` computes
// them, including its floating-point order of operations, so results match to the bit.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "promql/operators.h"

namespace gw::promql {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Prometheus' model.LabelName.IsValid: [a-zA-Z_][a-zA-Z0-9_]*, "__" prefix allowed.
bool IsValidLabelName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}


bool InGroup(const tsdb::Label& l, const std::vector<std::string>& grouping, bool without) {
  const bool listed = std::find(grouping.begin(), grouping.end(), l.name) != grouping.end();
  return without ? !listed && l.name != tsdb::kMetricNameLabel : listed;
}

// Labels of `metric` that define its group: the `by` labels, or all but the `without` labels
// and __name__.
std::vector<tsdb::Label> GroupLabels(const tsdb::Labels& metric,
                                     const std::vector<std::string>& grouping, bool without) {
  std::vector<tsdb::Label> out;
  for (const tsdb::Label& l : metric) {
    if (InGroup(l, grouping, without)) out.push_back(l);
  }
  return out;
}


// The hash of GroupLabels(metric, ...) without building them: the grouping runs at every step
// for every element, so it must not allocate.
uint64_t GroupHash(const tsdb::Labels& metric, const std::vector<std::string>& grouping,
                   bool without) {
  uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&h](std::string_view s) {
    for (const unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
    h = (h ^ 0xffu) * 0x100000001b3ULL;
  };
  for (const tsdb::Label& l : metric) {
    if (!InGroup(l, grouping, without)) continue;
    mix(l.name);
    mix(l.value);
  }
  return h;
}

// Whether GroupLabels(metric, ...) equals `group`.
bool InSameGroup(const tsdb::Labels& metric, const tsdb::Labels& group,
                 const std::vector<std::string>& grouping, bool without) {
  size_t j = 0;
  for (const tsdb::Label& l : metric) {
    if (!InGroup(l, grouping, without)) continue;
    if (j >= group.size() || group[j] != l) return false;
    ++j;
  }
  return j == group.size();
}

// topk keeps a min-heap and bottomk a max-heap, NaN always on top (Prometheus'
// vectorByValueHeap and vectorByReverseValueHeap).
using HeapLess = bool (*)(double, double);
bool TopkLess(double a, double b) { return std::isnan(a) || a < b; }
bool BottomkLess(double a, double b) { return std::isnan(a) || a > b; }

// Go's container/heap, step for step: which of equal elements survive depends on it.
void HeapDown(Vector& h, size_t i, size_t n, HeapLess less) {
  for (;;) {
    size_t j = 2 * i + 1;
    if (j >= n) return;
    if (j + 1 < n && less(h[j + 1].v, h[j].v)) ++j;
    if (!less(h[j].v, h[i].v)) return;
    std::swap(h[i], h[j]);
    i = j;
  }
}

void HeapPush(Vector& h, const VectorElement& e, HeapLess less) {
  h.push_back(e);
  for (size_t j = h.size() - 1; j > 0;) {
    size_t i = (j - 1) / 2;
    if (!less(h[j].v, h[i].v)) break;
    std::swap(h[i], h[j]);
    j = i;
  }
}

void HeapPop(Vector& h, HeapLess less) {
  size_t n = h.size() - 1;
  std::swap(h[0], h[n]);
  HeapDown(h, 0, n, less);
  h.pop_back();
}

struct Group {
  tsdb::Labels labels;
  double value = 0;
  double mean = 0;
  int64_t count = 1;
  Vector heap;  // topk/bottomk: a heap of at most k; quantile: all inputs
};

Group NewGroup(AggregateOp op, tsdb::Labels labels, const VectorElement& e) {
  Group g{std::move(labels), e.v, e.v, 1, {}};
  if (op == AggregateOp::kStddev || op == AggregateOp::kStdvar) g.value = 0;
  if (op == AggregateOp::kGroup) g.value = 1;
  if (op == AggregateOp::kTopk || op == AggregateOp::kBottomk || op == AggregateOp::kQuantile) {
    g.heap.push_back(e);
  }
  return g;
}

void AddToHeap(Group& g, const VectorElement& e, int64_t k, bool top) {
  HeapLess less = top ? TopkLess : BottomkLess;
  double head = g.heap[0].v;
  bool better = top ? head < e.v : head > e.v;
  if (static_cast<int64_t>(g.heap.size()) >= k && !better && !std::isnan(head)) return;
  if (static_cast<int64_t>(g.heap.size()) == k) {
    if (k == 1) {
      g.heap[0] = e;
      return;
    }
    HeapPop(g.heap, less);
  }
  HeapPush(g.heap, e, less);
}

// The running mean as 2.42 computes it, dividing before subtracting so that it cannot
// overflow, and leaving an infinite mean alone where the subtraction would give NaN.
void AddToMean(Group& g, double v) {
  g.count++;
  if (std::isinf(g.mean)) {
    if (std::isinf(v) && (g.mean > 0) == (v > 0)) return;
    if (!std::isinf(v) && !std::isnan(v)) return;
  }
  double n = static_cast<double>(g.count);
  g.mean += v / n - g.mean / n;
}

void Accumulate(AggregateOp op, Group& g, const VectorElement& e, int64_t k) {
  switch (op) {
    case AggregateOp::kSum:
      g.value += e.v;
      break;
    case AggregateOp::kAvg:
      AddToMean(g, e.v);
      break;
    case AggregateOp::kMax:
      if (g.value < e.v || std::isnan(g.value)) g.value = e.v;
      break;
    case AggregateOp::kMin:
      if (g.value > e.v || std::isnan(g.value)) g.value = e.v;
      break;
    case AggregateOp::kCount:
    case AggregateOp::kCountValues:
      g.count++;
      break;
    case AggregateOp::kStddev:
    case AggregateOp::kStdvar: {  // Welford
      g.count++;
      double delta = e.v - g.mean;
      g.mean += delta / static_cast<double>(g.count);
      g.value += delta * (e.v - g.mean);
      break;
    }
    case AggregateOp::kTopk:
    case AggregateOp::kBottomk:
      AddToHeap(g, e, k, op == AggregateOp::kTopk);
      break;
    case AggregateOp::kQuantile:
      g.heap.push_back(e);
      break;
    case AggregateOp::kGroup:
      break;
  }
}

// Prometheus' quantile: NaNs sort first; linear interpolation between the closest ranks.
double Quantile(double q, Vector values) {
  if (values.empty() || std::isnan(q)) return kNaN;
  if (q < 0) return -kInf;
  if (q > 1) return kInf;
  std::sort(values.begin(), values.end(), [](const VectorElement& a, const VectorElement& b) {
    return (std::isnan(a.v) && !std::isnan(b.v)) || a.v < b.v;
  });
  double n = static_cast<double>(values.size());
  double rank = q * (n - 1);
  double lower = std::max(0.0, std::floor(rank));
  double upper = std::min(n - 1, lower + 1);
  double weight = rank - std::floor(rank);
  return values[static_cast<size_t>(lower)].v * (1 - weight) +
         values[static_cast<size_t>(upper)].v * weight;
}

// The order Go's sort.Sort(sort.Reverse(heap)) leaves a heap of up to 12 elements in (an
// insertion sort): values best first, ties in heap order, then the NaNs in reverse heap order.
void SortHeap(Vector& heap, bool top) {
  auto nan_start = std::stable_partition(heap.begin(), heap.end(),
                                         [](const VectorElement& e) { return !std::isnan(e.v); });
  std::stable_sort(heap.begin(), nan_start, [top](const VectorElement& a, const VectorElement& b) {
    return top ? a.v > b.v : a.v < b.v;
  });
  std::reverse(nan_start, heap.end());
}

void Finish(AggregateOp op, Group& g, double q, int64_t t_ms, Vector& out) {
  double n = static_cast<double>(g.count);
  switch (op) {
    case AggregateOp::kAvg:
      g.value = g.mean;
      break;
    case AggregateOp::kCount:
    case AggregateOp::kCountValues:
      g.value = n;
      break;
    case AggregateOp::kStdvar:
      g.value /= n;
      break;
    case AggregateOp::kStddev:
      g.value = std::sqrt(g.value / n);
      break;
    case AggregateOp::kQuantile:
      g.value = Quantile(q, std::move(g.heap));
      break;
    case AggregateOp::kTopk:
    case AggregateOp::kBottomk:
      SortHeap(g.heap, op == AggregateOp::kTopk);
      for (VectorElement& e : g.heap) out.push_back(VectorElement{std::move(e.metric), t_ms, e.v});
      return;
    default:
      break;
  }
  out.push_back(VectorElement{std::move(g.labels), t_ms, g.value});
}

// topk/bottomk's k: Go's int64(param) after 2.42's range check (whose upper bound is the
// largest double below 2^63). nullopt: k < 1, the result is empty.
StatusOr<std::optional<int64_t>> ParseK(double param) {
  if (!(param <= 9223372036854774784.0 && param >= -9223372036854775808.0)) {
    return InvalidArgumentError("Scalar value " + FormatNumber(param) + " overflows int64");
  }
  auto k = static_cast<int64_t>(param);
  return k < 1 ? std::optional<int64_t>() : std::optional<int64_t>(k);
}

}  // namespace

StatusOr<Vector> Aggregate(const AggregateExpr& e, const Vector& in, std::optional<double> param,
                           const std::string& label, int64_t t_ms) {
  int64_t k = 0;
  if (e.op == AggregateOp::kTopk || e.op == AggregateOp::kBottomk) {
    GW_ASSIGN_OR_RETURN(std::optional<int64_t> pk, ParseK(param.value_or(kNaN)));
    if (!pk) return Vector{};
    k = *pk;
  }
  std::vector<std::string> grouping = e.grouping;
  const bool count_values = e.op == AggregateOp::kCountValues;
  if (count_values) {
    if (!IsValidLabelName(label)) {
      return InvalidArgumentError("invalid label name " + QuoteString(label));
    }
    if (!e.without) grouping.push_back(label);
  }
  std::vector<Group> groups;
  std::unordered_map<uint64_t, std::vector<size_t>> index;  // group hash -> groups
  for (const VectorElement& el : in) {
    tsdb::Labels metric = el.metric;
    if (count_values) {
      std::vector<tsdb::Label> ls(metric.begin(), metric.end());
      std::erase_if(ls, [&label](const tsdb::Label& l) { return l.name == label; });
      ls.push_back(tsdb::Label{label, FormatGoFloat(el.v)});
      metric = *tsdb::Labels::FromPairs(std::move(ls));
    }
    std::vector<size_t>& candidates = index[GroupHash(metric, grouping, e.without)];
    Group* group = nullptr;
    for (const size_t i : candidates) {
      if (InSameGroup(metric, groups[i].labels, grouping, e.without)) group = &groups[i];
    }
    if (group == nullptr) {
      candidates.push_back(groups.size());
      tsdb::Labels group_labels =
          tsdb::Labels::FromSortedUnchecked(GroupLabels(metric, grouping, e.without));
      groups.push_back(
          NewGroup(e.op, std::move(group_labels), VectorElement{std::move(metric), t_ms, el.v}));
    } else {
      Accumulate(e.op, *group, VectorElement{std::move(metric), t_ms, el.v}, k);
    }
  }
  Vector out;
  for (Group& g : groups) Finish(e.op, g, param.value_or(0), t_ms, out);
  return out;
}

}  // namespace gw::promql
