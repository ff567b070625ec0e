// The functions templates can call: Go's built-ins and Prometheus' (template/template.go),
// with Go's typing of arguments.
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <map>

#include "common/flags.h"
#include "promql/ast.h"
#include "rules/template_internal.h"

namespace gw::rules::tmpl {

namespace {

using Args = std::vector<Value>;
using Fn = std::function<StatusOr<Value>(Args&, const TemplateData&)>;

Status WrongType(const Value& v, std::string_view want) {
  if (!v.constant.empty()) {
    return InvalidArgumentError("expected " + std::string(want) + "; found " + v.constant);
  }
  return InvalidArgumentError("wrong type for value; expected " + std::string(want) + "; got " +
                              std::string(TypeName(v)));
}

// Prometheus' convertToFloat: a float64, an integer, or a string Go's ParseFloat reads.
StatusOr<double> AsFloat(const Value& v) {
  if (!v.constant.empty()) {
    Value c = IdealConstant(v.constant);
    return c.kind == Value::Kind::kFloat ? c.f : static_cast<double>(c.i);
  }
  switch (v.kind) {
    case Value::Kind::kFloat:
      return v.f;
    case Value::Kind::kInt:
      return static_cast<double>(v.i);
    case Value::Kind::kString: {
      char* end = nullptr;
      double d = v.s.empty() || std::isspace(static_cast<unsigned char>(v.s[0]))
                     ? 0
                     : std::strtod(v.s.c_str(), &end);
      if (end == nullptr || end != v.s.c_str() + v.s.size()) {
        return InvalidArgumentError("strconv.ParseFloat: parsing " + promql::QuoteString(v.s) +
                                    ": invalid syntax");
      }
      return d;
    }
    default:
      return InvalidArgumentError("can't convert " + std::string(TypeName(v)) + " to float");
  }
}

StatusOr<std::string> AsString(const Value& v) {
  if (v.kind != Value::Kind::kString) return WrongType(v, "string");
  return v.s;
}

// A function of one float64 parameter returning a string.
Fn FloatFn(std::string (*f)(double)) {
  return [f](Args& a, const TemplateData&) -> StatusOr<Value> {
    GW_ASSIGN_OR_RETURN(double v, AsFloat(a[0]));
    return Value::String(f(v));
  };
}

// A function of string parameters returning a string.
template <typename F>
Fn StringFn(F f) {
  return [f](Args& a, const TemplateData&) -> StatusOr<Value> {
    std::vector<std::string> s;
    for (const Value& v : a) {
      GW_ASSIGN_OR_RETURN(std::string text, AsString(v));
      s.push_back(std::move(text));
    }
    return f(s);
  };
}

std::string Humanize(double v) {
  if (v == 0 || !std::isfinite(v)) return FormatG4(v);
  static constexpr const char* kBig[] = {"k", "M", "G", "T", "P", "E", "Z", "Y"};
  static constexpr const char* kSmall[] = {"m", "u", "n", "p", "f", "a", "z", "y"};
  std::string prefix;
  if (std::fabs(v) >= 1) {
    for (const char* p : kBig) {
      if (std::fabs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
  } else {
    for (const char* p : kSmall) {
      if (std::fabs(v) >= 1) break;
      prefix = p;
      v *= 1000;
    }
  }
  return FormatG4(v) + prefix;
}

std::string Humanize1024(double v) {
  if (std::fabs(v) <= 1 || !std::isfinite(v)) return FormatG4(v);
  static constexpr const char* kPrefixes[] = {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"};
  std::string prefix;
  for (const char* p : kPrefixes) {
    if (std::fabs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return FormatG4(v) + prefix;
}

std::string HumanizeDuration(double v) {
  if (!std::isfinite(v)) return FormatG4(v);
  if (v == 0) return FormatG4(v) + "s";
  if (std::fabs(v) < 1) {
    std::string h = Humanize(v);  // the sub-unit prefixes, as Prometheus: 1.5ms, 20us
    return h + "s";
  }
  std::string sign = v < 0 ? "-" : "";
  v = std::fabs(v);
  auto total = static_cast<int64_t>(v);
  int64_t s = total % 60, m = total / 60 % 60, h = total / 3600 % 24, d = total / 86400;
  auto n = [](int64_t x) { return std::to_string(x); };
  if (d != 0) return sign + n(d) + "d " + n(h) + "h " + n(m) + "m " + n(s) + "s";
  if (h != 0) return sign + n(h) + "h " + n(m) + "m " + n(s) + "s";
  if (m != 0) return sign + n(m) + "m " + n(s) + "s";
  return sign + FormatG4(v) + "s";
}

std::string HumanizePercentage(double v) { return FormatG4(v * 100) + "%"; }

// Go's time.Time.String() of a UTC time, at Prometheus' millisecond precision.
std::string HumanizeTimestamp(double v) {
  if (!std::isfinite(v)) return FormatG4(v);
  auto ms = static_cast<int64_t>(v * 1e9) / 1000000;
  int64_t secs = ms / 1000 - (ms % 1000 < 0 ? 1 : 0);
  int64_t frac_ms = ms - secs * 1000;
  time_t t = static_cast<time_t>(secs);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
  std::string out = buf;
  if (frac_ms != 0) {
    std::snprintf(buf, sizeof(buf), ".%03lld", static_cast<long long>(frac_ms));
    std::string frac = buf;
    out += frac.substr(0, frac.find_last_not_of('0') + 1);
  }
  return out + " +0000 UTC";
}

// Go's Regexp.Expand of a replacement: "$1", "${1}", "$name", "${name}" become the group's
// text ("" for an unknown group or one that did not take part), "$$" a '$'. As in Go, "$1x"
// names the group "1x".
std::string ExpandGroups(std::string_view repl, const re2::RE2& re,
                         const std::vector<re2::StringPiece>& groups) {
  std::string out;
  for (size_t i = 0; i < repl.size(); ++i) {
    if (repl[i] != '$' || i + 1 >= repl.size()) {
      out.push_back(repl[i]);
      continue;
    }
    if (repl[i + 1] == '$') {
      out.push_back('$');
      ++i;
      continue;
    }
    bool brace = repl[i + 1] == '{';
    size_t start = i + 1 + (brace ? 1 : 0), end = start;
    while (end < repl.size() &&
           (std::isalnum(static_cast<unsigned char>(repl[end])) || repl[end] == '_'))
      ++end;
    if (end == start || (brace && (end >= repl.size() || repl[end] != '}'))) {
      out.push_back('$');
      continue;
    }
    std::string name(repl.substr(start, end - start));
    int index = -1;
    if (std::all_of(name.begin(), name.end(), ::isdigit)) {
      index = name.size() < 9 ? std::atoi(name.c_str()) : -1;
    } else if (auto it = re.NamedCapturingGroups().find(name);
               it != re.NamedCapturingGroups().end()) {
      index = it->second;
    }
    if (index >= 0 && static_cast<size_t>(index) < groups.size() &&
        groups[index].data() != nullptr) {
      out.append(groups[index].data(), groups[index].size());
    }
    i = end - (brace ? 0 : 1);
  }
  return out;
}

// Go's regexp.ReplaceAllString: every non-overlapping match, an empty match right after a
// match skipped, "$1", "${1}", "$name" and "$$" expanded in the replacement.
std::string ReplaceAll(const re2::RE2& re, std::string_view repl, std::string_view text) {
  std::vector<re2::StringPiece> groups(static_cast<size_t>(re.NumberOfCapturingGroups()) + 1);
  std::string out;
  size_t pos = 0, copied = 0;
  ptrdiff_t last_match_end = -1;
  while (pos <= text.size()) {
    if (!re.Match(re2::StringPiece(text.data(), text.size()), pos, text.size(),
                  re2::RE2::UNANCHORED, groups.data(), static_cast<int>(groups.size()))) {
      break;
    }
    size_t start = static_cast<size_t>(groups[0].data() - text.data());
    size_t end = start + groups[0].size();
    if (!(groups[0].empty() && static_cast<ptrdiff_t>(start) == last_match_end)) {
      out.append(text.substr(copied, start - copied));
      out += ExpandGroups(repl, re, groups);
      copied = end;
      last_match_end = static_cast<ptrdiff_t>(end);
    }
    pos = end > start ? end : start + 1;
  }
  if (copied < text.size()) out.append(text.substr(copied));
  return out;
}


// strings.Title: the first letter of each word upper-cased (ASCII letters; any other byte of
// 0x80 and above counts as a letter, so it neither starts nor splits a word).
std::string Title(std::string s) {
  bool at_start = true;
  for (char& c : s) {
    auto u = static_cast<unsigned char>(c);
    bool word = std::isalnum(u) || c == '_' || u >= 0x80;
    if (at_start && std::islower(u)) c = static_cast<char>(std::toupper(u));
    at_start = !word;
  }
  return s;
}

StatusOr<Value> Unsupported(std::string_view name) {
  return UnimplementedError(std::string(name) +
                            " is not supported in gpuwatchdog templates (it needs a query engine)");
}

// stripPort: the host of "host:port" or "[v6]:port"; anything else unchanged.
std::string StripPort(const std::string& s) {
  if (!s.empty() && s[0] == '[') {
    size_t close = s.find("]:");
    return close == std::string::npos ? s : s.substr(1, close - 1);
  }
  size_t colon = s.find(':');
  if (colon == std::string::npos || s.find(':', colon + 1) != std::string::npos) return s;
  return s.substr(0, colon);
}

// stripDomain: the first label of a host name, its port kept; IP addresses unchanged.
std::string StripDomain(const std::string& s) {
  std::string host = StripPort(s);
  std::string port = host.size() < s.size() ? s.substr(s.rfind(':')) : "";
  if (host.find(':') != std::string::npos ||
      host.find_first_not_of("0123456789.") == std::string::npos) {
    return s;
  }
  return host.substr(0, host.find('.')) + port;
}

}  // namespace

// Go's url.QueryEscape.
std::string QueryEscape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

namespace {

std::string ToUpper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string ToLower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string GraphLink(std::string_view expr, int tab) {
  return "/graph?g0.expr=" + QueryEscape(expr) + "&g0.tab=" + std::to_string(tab);
}

StatusOr<Value> CallReReplaceAll(Args& a, const TemplateData&) {
  GW_ASSIGN_OR_RETURN(std::string pattern, AsString(a[0]));
  GW_ASSIGN_OR_RETURN(std::string repl, AsString(a[1]));
  GW_ASSIGN_OR_RETURN(std::string text, AsString(a[2]));
  re2::RE2 re(pattern, re2::RE2::Quiet);
  if (!re.ok()) return InvalidArgumentError("regexp: Compile(" + pattern + "): " + re.error());
  return Value::String(ReplaceAll(re, repl, text));
}

StatusOr<Value> CallMatch(Args& a, const TemplateData&) {
  GW_ASSIGN_OR_RETURN(std::string pattern, AsString(a[0]));
  GW_ASSIGN_OR_RETURN(std::string text, AsString(a[1]));
  re2::RE2 re(pattern, re2::RE2::Quiet);
  if (!re.ok()) return InvalidArgumentError("error parsing regexp: " + re.error());
  return Value::Bool(re2::RE2::PartialMatch(text, re));
}

StatusOr<Value> CallParseDuration(Args& a, const TemplateData&) {
  GW_ASSIGN_OR_RETURN(std::string text, AsString(a[0]));
  GW_ASSIGN_OR_RETURN(int64_t ms, ParseDurationMs(text));
  return Value::Float(static_cast<double>(ms) / 1000.0);
}

StatusOr<Value> CallExternalUrl(Args&, const TemplateData& d) {
  return Value::String(d.external_url);
}

StatusOr<Value> CallPathPrefix(Args&, const TemplateData& d) {
  size_t scheme = d.external_url.find("://");
  size_t path = d.external_url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return Value::String(path == std::string::npos ? "" : d.external_url.substr(path));
}

}  // namespace

const FunctionTable& PrometheusFunctions() {
  using S = std::vector<std::string>;
  static const FunctionTable* table = new FunctionTable{
      {"humanize", {1, 1, FloatFn(Humanize)}},
      {"humanize1024", {1, 1, FloatFn(Humanize1024)}},
      {"humanizeDuration", {1, 1, FloatFn(HumanizeDuration)}},
      {"humanizePercentage", {1, 1, FloatFn(HumanizePercentage)}},
      {"humanizeTimestamp", {1, 1, FloatFn(HumanizeTimestamp)}},
      {"toTime", {1, 1, FloatFn(HumanizeTimestamp)}},  // prints as the time.Time it returns
      {"toUpper", {1, 1, StringFn([](const S& a) { return Value::String(ToUpper(a[0])); })}},
      {"toLower", {1, 1, StringFn([](const S& a) { return Value::String(ToLower(a[0])); })}},
      {"title", {1, 1, StringFn([](const S& a) { return Value::String(Title(a[0])); })}},
      {"safeHtml", {1, 1, StringFn([](const S& a) { return Value::String(a[0]); })}},
      {"stripPort", {1, 1, StringFn([](const S& a) { return Value::String(StripPort(a[0])); })}},
      {"stripDomain",
       {1, 1, StringFn([](const S& a) { return Value::String(StripDomain(a[0])); })}},
      {"graphLink", {1, 1, StringFn([](const S& a) { return Value::String(GraphLink(a[0], 0)); })}},
      {"tableLink", {1, 1, StringFn([](const S& a) { return Value::String(GraphLink(a[0], 1)); })}},
      {"reReplaceAll", {3, 3, CallReReplaceAll}},
      {"match", {2, 2, CallMatch}},
      {"parseDuration", {1, 1, CallParseDuration}},
      {"externalURL", {0, 0, CallExternalUrl}},
      {"pathPrefix", {0, 0, CallPathPrefix}},
  };
  return *table;
}

// Functions Prometheus defines that work on query results; a template may name them (promtool
// accepts it) but calling one fails.
bool IsQueryFunction(std::string_view name) {
  for (std::string_view f :
       {"query", "first", "label", "value", "strvalue", "sortByLabel", "args"}) {
    if (f == name) return true;
  }
  return false;
}

StatusOr<Value> CallQueryFunction(std::string_view name) { return Unsupported(name); }

}  // namespace gw::rules::tmpl
