// histogram_quantile over classic histograms, and the quantile that quantile_over_time uses
// (Prometheus 2.42's promql/quantile.go).
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "promql/eval_functions_internal.h"

namespace gw::promql::internal {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct Bucket {
  double upper_bound = 0;
  double count = 0;
};

// NaN first, then ascending. Prometheus sorts with `a < b` alone (and quantile with NaN as the
// least); a NaN's place in its output depends on Go's sort, and std::sort needs a strict weak
// order, so NaNs are put first here.
bool NanFirstLess(double a, double b) {
  if (std::isnan(a)) return !std::isnan(b);
  if (std::isnan(b)) return false;
  return a < b;
}

// Buckets with the same upper bound (the same le, spelled differently) count as one.
std::vector<Bucket> Coalesce(const std::vector<Bucket>& sorted) {
  std::vector<Bucket> out;
  for (const Bucket& b : sorted) {
    if (!out.empty() && out.back().upper_bound == b.upper_bound) {
      out.back().count += b.count;
    } else {
      out.push_back(b);
    }
  }
  return out;
}

// Cumulative counts cannot fall; where they do (scrapes of a histogram that raced with its
// observations), a bucket's count is raised to the largest count below it.
void EnsureMonotonic(std::vector<Bucket>& buckets) {
  double max = -kInf;
  for (Bucket& b : buckets) {
    if (b.count > max) {
      max = b.count;
    } else if (b.count < max) {
      b.count = max;
    }
  }
}

// The first bucket, the +Inf one excepted, whose count reaches `rank`; the +Inf one if none
// does. A binary search as Go's sort.Search, which NaN counts steer the same way.
size_t SearchRank(const std::vector<Bucket>& buckets, double rank) {
  size_t i = 0;
  size_t j = buckets.size() - 1;
  while (i < j) {
    size_t h = (i + j) / 2;
    if (!(buckets[h].count >= rank)) {
      i = h + 1;
    } else {
      j = h;
    }
  }
  return i;
}

// Prometheus' bucketQuantile: linear interpolation within the bucket that holds the rank.
double BucketQuantile(double q, std::vector<Bucket> buckets) {
  if (std::isnan(q)) return kNaN;
  if (q < 0) return -kInf;
  if (q > 1) return kInf;
  std::stable_sort(buckets.begin(), buckets.end(), [](const Bucket& a, const Bucket& b) {
    return NanFirstLess(a.upper_bound, b.upper_bound);
  });
  if (buckets.back().upper_bound != kInf) return kNaN;
  buckets = Coalesce(buckets);
  EnsureMonotonic(buckets);
  if (buckets.size() < 2) return kNaN;
  double observations = buckets.back().count;
  if (observations == 0) return kNaN;
  double rank = q * observations;
  size_t b = SearchRank(buckets, rank);
  if (b == buckets.size() - 1) return buckets[buckets.size() - 2].upper_bound;
  if (b == 0 && buckets[0].upper_bound <= 0) return buckets[0].upper_bound;
  double start = 0;
  double end = buckets[b].upper_bound;
  double count = buckets[b].count;
  if (b > 0) {
    start = buckets[b - 1].upper_bound;
    count -= buckets[b - 1].count;
    rank -= buckets[b - 1].count;
  }
  return start + (end - start) * (rank / count);
}

bool IsDigit(char c, bool hex) {
  return hex ? std::isxdigit(static_cast<unsigned char>(c)) != 0
             : std::isdigit(static_cast<unsigned char>(c)) != 0;
}

// Go's float syntax: digits with an optional point, then an exponent (e, or p for hex, which
// requires it).
bool IsGoFloatSyntax(std::string_view s) {
  bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  size_t i = hex ? 2 : 0;
  size_t digits = 0;
  for (; i < s.size() && IsDigit(s[i], hex); ++i) ++digits;
  if (i < s.size() && s[i] == '.') {
    for (++i; i < s.size() && IsDigit(s[i], hex); ++i) ++digits;
  }
  if (digits == 0) return false;
  if (i == s.size()) return !hex;
  char e = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
  if (e != (hex ? 'p' : 'e')) return false;
  ++i;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t exponent_digits = 0;
  for (; i < s.size() && IsDigit(s[i], false); ++i) ++exponent_digits;
  return exponent_digits > 0 && i == s.size();
}

// The labels that identify a histogram: all but le.
tsdb::Labels WithoutLe(const tsdb::Labels& labels) {
  std::vector<tsdb::Label> kept;
  for (const tsdb::Label& l : labels) {
    if (l.name != "le") kept.push_back(l);
  }
  return tsdb::Labels::FromSortedUnchecked(std::move(kept));
}

}  // namespace

double Quantile(double q, std::vector<double> values) {
  if (values.empty() || std::isnan(q)) return kNaN;
  if (q < 0) return -kInf;
  if (q > 1) return kInf;
  std::stable_sort(values.begin(), values.end(), NanFirstLess);
  double n = static_cast<double>(values.size());
  double rank = q * (n - 1);
  double lower = std::max(0.0, std::floor(rank));
  double upper = std::min(n - 1, lower + 1);
  double weight = rank - std::floor(rank);
  return values[static_cast<size_t>(lower)] * (1 - weight) +
         values[static_cast<size_t>(upper)] * weight;
}

std::optional<double> ParseGoFloat(std::string_view s) {
  std::string_view body = s;
  bool negative = false;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  std::string lower(body);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "inf" || lower == "infinity") return negative ? -kInf : kInf;
  if (lower == "nan" && body.size() == s.size()) return kNaN;  // Go refuses a signed NaN
  if (!IsGoFloatSyntax(body)) return std::nullopt;
  // strtod reads what IsGoFloatSyntax lets through as Go does (the C locale's point is '.').
  errno = 0;
  double v = std::strtod(std::string(s).c_str(), nullptr);
  if (errno == ERANGE && std::isinf(v)) return std::nullopt;  // Go: overflow is an error
  return v;
}

StatusOr<Vector> HistogramQuantile(std::span<const ArgValue> args, int64_t t_ms) {
  double q = ScalarArg(args, 0);
  // Grouped by all labels but le (__name__ included, as in 2.42: foo_bucket and bar_bucket
  // with the same other labels give two results with the same label set, which the engine
  // refuses). Results in the order of each group's first bucket.
  std::map<tsdb::Labels, size_t> index;
  std::vector<std::pair<tsdb::Labels, std::vector<Bucket>>> groups;
  for (const VectorElement& e : VectorArg(args, 1)) {
    std::optional<double> upper_bound = ParseGoFloat(e.metric.Get("le"));
    if (!upper_bound) continue;  // no le, or not a number
    tsdb::Labels key = WithoutLe(e.metric);
    auto [it, inserted] = index.emplace(key, groups.size());
    if (inserted) groups.emplace_back(std::move(key), std::vector<Bucket>{});
    groups[it->second].second.push_back({*upper_bound, e.v});
  }
  Vector out;
  out.reserve(groups.size());
  for (auto& [labels, buckets] : groups) {
    out.push_back({DropMetricName(labels), t_ms, BucketQuantile(q, std::move(buckets))});
  }
  return out;
}

}  // namespace gw::promql::internal
