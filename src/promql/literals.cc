#include "promql/literals.h"

#include <cctype>
#include <charconv>
#include <limits>
#include <string>

#include "common/flags.h"
#include "promql/parser.h"

namespace gw::promql {

std::optional<double> ParseNumber(std::string_view s) {
  std::string lower(s);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "inf") return std::numeric_limits<double>::infinity();
  if (lower == "nan") return std::numeric_limits<double>::quiet_NaN();
  int base = 10;
  std::string_view digits = s;
  if (lower.size() > 2 && lower[0] == '0' && lower[1] == 'x') {
    base = 16, digits = s.substr(2);
  } else if (s.size() > 1 && s[0] == '0') {
    base = 8, digits = s.substr(1);
  }
  int64_t i = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), i, base);
  if (ec == std::errc() && p == digits.data() + digits.size()) return static_cast<double>(i);
  if (base == 16) return std::nullopt;
  double d = 0;
  auto [q, ec2] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec2 != std::errc() || q != s.data() + s.size()) return std::nullopt;
  return d;
}

StatusOr<int64_t> ParseDurationMs(std::string_view text) {
  // The grammar is the config's (common/flags.h); PromQL words its errors as Prometheus does
  // and refuses zero, which no range or step may be.
  StatusOr<int64_t> ms = gw::ParseDurationMs(text);
  if (!ms.ok() || text == "0") {
    return InvalidArgumentError("not a valid duration string: \"" + std::string(text) + "\"");
  }
  if (*ms == 0) return InvalidArgumentError("duration must be greater than 0");
  return ms;
}

}  // namespace gw::promql
