#include "promql/value.h"

#include <charconv>
#include <cmath>
#include <string>
#include <vector>

namespace gw::promql {

tsdb::Labels DropMetricName(const tsdb::Labels& labels) {
  if (labels.Get(tsdb::kMetricNameLabel).empty()) return labels;
  std::vector<tsdb::Label> kept;
  kept.reserve(labels.size());
  for (const tsdb::Label& l : labels) {
    if (l.name != tsdb::kMetricNameLabel) kept.push_back(l);
  }
  return tsdb::Labels::FromSortedUnchecked(std::move(kept));
}

std::string FormatGoFloat(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, std::fabs(v), std::chars_format::scientific);
  std::string sci(buf, res.ptr);  // d[.ddd]e±XX
  size_t e_pos = sci.find('e');
  int exp = std::stoi(sci.substr(e_pos + 1));
  std::string digits = sci.substr(0, e_pos);
  std::erase(digits, '.');
  std::string out = std::signbit(v) ? "-" : "";
  int n = static_cast<int>(digits.size());
  if (exp >= n - 1) return out + digits + std::string(exp - (n - 1), '0');
  if (exp >= 0) return out + digits.substr(0, exp + 1) + "." + digits.substr(exp + 1);
  return out + "0." + std::string(-exp - 1, '0') + digits;
}

}  // namespace gw::promql
