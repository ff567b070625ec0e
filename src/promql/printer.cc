// ToString: Prometheus 2.42's Expr.String() (promql/parser/printer.go and ast.go).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

#include "promql/ast.h"
#include "promql/functions.h"

namespace gw::promql {
namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out;
}

std::string MatcherString(const tsdb::Matcher& m) {
  static constexpr const char* kOps[] = {"=", "!=", "=~", "!~"};
  return m.name() + kOps[static_cast<int>(m.type())] + QuoteString(m.value());
}

std::string ModsString(const TimeModifiers& m) {
  std::string out;
  if (m.at == AtKind::kTimestamp) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), " @ %.3f", static_cast<double>(m.at_ms) / 1000.0);
    out += buf;
  } else if (m.at == AtKind::kStart) {
    out += " @ start()";
  } else if (m.at == AtKind::kEnd) {
    out += " @ end()";
  }
  if (m.offset_ms > 0) out += " offset " + FormatDuration(m.offset_ms);
  if (m.offset_ms < 0) out += " offset -" + FormatDuration(-m.offset_ms);
  return out;
}

// The selector without its modifiers: name{sorted matchers other than the name}.
std::string SelectorString(const VectorSelector& vs) {
  std::vector<std::string> labels;
  for (const tsdb::Matcher& m : vs.matchers) {
    if (m.name() == "__name__" && m.type() == tsdb::MatchType::kEqual && m.value() == vs.name) {
      continue;
    }
    labels.push_back(MatcherString(m));
  }
  if (labels.empty()) return vs.name;
  std::sort(labels.begin(), labels.end());
  std::string out = vs.name + "{";
  for (size_t i = 0; i < labels.size(); ++i) out += (i ? "," : "") + labels[i];
  return out + "}";
}

std::string MatchingString(const BinaryExpr& n) {
  if (!n.matching) return "";
  const VectorMatching& vm = *n.matching;
  const bool grouped = vm.card == Cardinality::kManyToOne || vm.card == Cardinality::kOneToMany;
  if (vm.labels.empty() && !vm.on && !grouped) return "";
  std::string out = std::string(vm.on ? " on" : " ignoring") + " (" + Join(vm.labels) + ")";
  if (grouped) {
    out += std::string(vm.card == Cardinality::kManyToOne ? " group_left" : " group_right") + " (" +
           Join(vm.include) + ")";
  }
  return out;
}

struct Printer {
  std::string operator()(const NumberLiteral& n) const { return FormatNumber(n.value); }
  std::string operator()(const StringLiteral& n) const { return QuoteString(n.value); }
  std::string operator()(const VectorSelector& n) const {
    return SelectorString(n) + ModsString(n.mods);
  }
  std::string operator()(const MatrixSelector& n) const {
    return SelectorString(n.selector) + "[" + FormatDuration(n.range_ms) + "]" +
           ModsString(n.selector.mods);
  }
  std::string operator()(const SubqueryExpr& n) const {
    const std::string step = n.step_ms == 0 ? "" : FormatDuration(n.step_ms);
    return ToString(*n.expr) + "[" + FormatDuration(n.range_ms) + ":" + step + "]" +
           ModsString(n.mods);
  }
  std::string operator()(const ParenExpr& n) const { return "(" + ToString(*n.expr) + ")"; }
  std::string operator()(const UnaryExpr& n) const { return n.op + ToString(*n.expr); }
  std::string operator()(const BinaryExpr& n) const {
    return ToString(*n.lhs) + " " + std::string(BinaryOpName(n.op)) +
           (n.return_bool ? " bool" : "") + MatchingString(n) + " " + ToString(*n.rhs);
  }
  std::string operator()(const AggregateExpr& n) const {
    std::string out(AggregateOpName(n.op));
    if (n.without) {
      out += " without (" + Join(n.grouping) + ") ";
    } else if (!n.grouping.empty()) {
      out += " by (" + Join(n.grouping) + ") ";
    }
    out += "(";
    if (n.param != nullptr) out += ToString(*n.param) + ", ";
    return out + ToString(*n.expr) + ")";
  }
  std::string operator()(const Call& n) const {
    std::vector<std::string> args;
    for (const ExprPtr& a : n.args) args.push_back(ToString(*a));
    return std::string(n.func->name) + "(" + Join(args) + ")";
  }
};

}  // namespace

std::string ToString(const Expr& e) { return std::visit(Printer{}, e.node); }

std::string FormatDuration(int64_t ms) {
  if (ms == 0) return "0s";
  std::string out;
  auto unit = [&](const char* name, int64_t mult, bool exact) {
    if (exact && ms % mult != 0) return;
    if (const int64_t v = ms / mult; v > 0) {
      out += std::to_string(v) + name;
      ms -= v * mult;
    }
  };
  // Years and weeks only when exact, as Prometheus: 90d reads better than 12w6d.
  unit("y", 365LL * 24 * 3600 * 1000, true);
  unit("w", 7LL * 24 * 3600 * 1000, true);
  unit("d", 24LL * 3600 * 1000, false);
  unit("h", 3600LL * 1000, false);
  unit("m", 60LL * 1000, false);
  unit("s", 1000, false);
  unit("ms", 1, false);
  return out;
}

// Go's fmt %v for a float64: strconv's shortest digits in %g form, exponent form when the
// decimal exponent is < -4 or >= 6 (Go's eprec for the shortest form): 1e+06, 0.0001, 1e-05.
std::string FormatNumber(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), std::fabs(v), std::chars_format::scientific);
  const std::string sci(buf, res.ptr);
  const size_t e = sci.find('e');
  std::string digits;
  for (size_t i = 0; i < e; ++i) {
    if (sci[i] != '.') digits.push_back(sci[i]);
  }
  const int exp = std::stoi(sci.substr(e + 1));
  std::string out = std::signbit(v) ? "-" : "";
  if (exp < -4 || exp >= 6) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char ebuf[16];
    std::snprintf(ebuf, sizeof(ebuf), "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
    return out + ebuf;
  }
  if (exp < 0) return out + "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
  const size_t int_digits = static_cast<size_t>(exp) + 1;
  if (digits.size() <= int_digits)
    return out + digits + std::string(int_digits - digits.size(), '0');
  return out + digits.substr(0, int_digits) + "." + digits.substr(int_digits);
}

// Go's strconv.Quote, except that every valid non-ASCII character outside U+0080..U+009F is
// kept as is (Go also escapes other non-printable ones).
std::string QuoteString(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t len = c >= 0xF0 && c < 0xF5 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
      uint32_t cp = len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
      for (size_t k = 1; k < len; ++k) {
        const auto d = i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0;
        if ((d & 0xC0) != 0x80) len = 0;
        cp = (cp << 6) | (d & 0x3F);
      }
      const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
      if (len == 0 || overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) {
        out += std::string("\\x") + kHex[c >> 4] + kHex[c & 15];
        ++i;
      } else if (cp < 0xA0) {
        out += std::string("\\u00") + kHex[cp >> 4] + kHex[cp & 15];
        i += len;
      } else {
        out.append(s.substr(i, len));
        i += len;
      }
      continue;
    }
    ++i;
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\a':
        out += "\\a";
        continue;
      case '\b':
        out += "\\b";
        continue;
      case '\f':
        out += "\\f";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\v':
        out += "\\v";
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == 0x7F) {
      out += std::string("\\x") + kHex[c >> 4] + kHex[c & 15];
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out + "\"";
}

}  // namespace gw::promql
