// Values, and printing them as Go's fmt does: Print (%v) and the printf verbs alert templates use.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "promql/ast.h"
#include "rules/template_internal.h"

namespace gw::rules::tmpl {
namespace {

struct Spec {
  std::string flags;  // of "-+# 0"
  int width = -1;
  int precision = -1;
  char verb = 'v';
};

std::string SpecialFloat(double v) {
  if (std::isnan(v)) return "NaN";
  return v > 0 ? "+Inf" : "-Inf";
}

std::string Pad(std::string s, const Spec& spec) {
  if (spec.width < 0 || static_cast<int>(s.size()) >= spec.width) return s;
  std::string fill(static_cast<size_t>(spec.width) - s.size(), ' ');
  return spec.flags.find('-') != std::string::npos ? s + fill : fill + s;
}

// A C printf conversion with Go's flags, width and precision; the verbs shared by C and Go.
std::string CFormat(const Spec& spec, std::string_view length, char verb, auto value) {
  std::string f = "%" + spec.flags;
  if (spec.width >= 0) f += std::to_string(spec.width);
  if (spec.precision >= 0) f += "." + std::to_string(spec.precision);
  f += std::string(length) + verb;
  char buf[512];
  int n = std::snprintf(buf, sizeof(buf), f.c_str(), value);
  return std::string(buf, static_cast<size_t>(std::max(0, std::min(n, 511))));
}

std::string BadVerb(const Spec& spec, const Value& v) {
  if (v.kind == Value::Kind::kNil) return std::string("%!") + spec.verb + "(<nil>)";
  return std::string("%!") + spec.verb + "(" + std::string(TypeName(v)) + "=" + PrintValue(v) + ")";
}

std::string FormatFloat(const Spec& spec, double v) {
  if (std::string_view("vfFeEgG").find(spec.verb) == std::string_view::npos) {
    return BadVerb(spec, Value::Float(v));
  }
  const bool plus = spec.flags.find('+') != std::string::npos;
  const bool space = spec.flags.find(' ') != std::string::npos;
  if (!std::isfinite(v)) {
    std::string s = SpecialFloat(v);  // Go keeps "+Inf"'s sign, and NaN's only when asked
    if (std::isnan(v) && (plus || space)) s = (plus ? "+" : " ") + s;
    if (std::isinf(v) && v > 0 && space && !plus) s = " Inf";
    return Pad(s, spec);
  }
  if ((spec.verb == 'v' || spec.verb == 'g') && spec.precision < 0) {
    std::string s = promql::FormatNumber(v);  // Go's shortest 'g'
    if (v >= 0 && (plus || space)) s = (plus ? "+" : " ") + s;
    return Pad(s, spec);
  }
  char verb = spec.verb == 'v' ? 'g' : spec.verb;
  return CFormat(spec, "", verb, v);
}

std::string FormatInt(const Spec& spec, int64_t v) {
  switch (spec.verb) {
    case 'v':
    case 'd':
      return CFormat(spec, "ll", 'd', static_cast<long long>(v));
    case 'x':
    case 'X':
    case 'o':
      if (v < 0) {
        Spec positive = spec;
        return "-" + CFormat(positive, "ll", spec.verb, static_cast<unsigned long long>(-v));
      }
      return CFormat(spec, "ll", spec.verb, static_cast<unsigned long long>(v));
    case 'c':
      return Pad(std::string(1, static_cast<char>(v)), spec);
    default:
      return BadVerb(spec, Value::Int(v));
  }
}

std::string FormatString(const Spec& spec, const std::string& s) {
  switch (spec.verb) {
    case 'v':
    case 's': {
      std::string t = spec.precision >= 0 ? s.substr(0, static_cast<size_t>(spec.precision)) : s;
      return Pad(t, spec);
    }
    case 'q':
      return Pad(promql::QuoteString(s), spec);
    case 'x':
    case 'X': {
      std::string out;
      char buf[3];
      for (unsigned char c : s) {
        std::snprintf(buf, sizeof(buf), spec.verb == 'x' ? "%02x" : "%02X", c);
        out += buf;
      }
      return Pad(out, spec);
    }
    default:
      return BadVerb(spec, Value::String(s));
  }
}

std::string FormatOne(const Spec& spec, const Value& v) {
  switch (v.kind) {
    case Value::Kind::kFloat:
      return FormatFloat(spec, v.f);
    case Value::Kind::kInt:
      return FormatInt(spec, v.i);
    case Value::Kind::kString:
      return FormatString(spec, v.s);
    case Value::Kind::kBool:
      if (spec.verb != 'v' && spec.verb != 't') return BadVerb(spec, v);
      return Pad(v.b ? "true" : "false", spec);
    case Value::Kind::kNil:
      return spec.verb == 'v' ? Pad("<nil>", spec) : BadVerb(spec, v);
    default:
      return Pad(PrintValue(v), spec);
  }
}

// Reads flags, width, precision and verb after a '%'; returns the index after the verb.
size_t ReadSpec(std::string_view format, size_t i, Spec* spec) {
  while (i < format.size() && std::string_view("-+# 0").find(format[i]) != std::string_view::npos) {
    spec->flags.push_back(format[i++]);
  }
  auto number = [&](int* out) {
    if (i >= format.size() || format[i] < '0' || format[i] > '9') return;
    *out = 0;
    while (i < format.size() && format[i] >= '0' && format[i] <= '9')
      *out = *out * 10 + (format[i++] - '0');
  };
  number(&spec->width);
  if (i < format.size() && format[i] == '.') {
    ++i;
    spec->precision = 0;
    number(&spec->precision);
  }
  spec->verb = i < format.size() ? format[i] : '\0';
  return i + 1;
}

}  // namespace

Value Value::Bool(bool v) {
  Value r;
  r.kind = Kind::kBool;
  r.b = v;
  return r;
}
Value Value::Int(int64_t v) {
  Value r;
  r.kind = Kind::kInt;
  r.i = v;
  return r;
}
Value Value::Float(double v) {
  Value r;
  r.kind = Kind::kFloat;
  r.f = v;
  return r;
}
Value Value::String(std::string v) {
  Value r;
  r.kind = Kind::kString;
  r.s = std::move(v);
  return r;
}
Value Value::Map(tsdb::Labels v) {
  Value r;
  r.kind = Kind::kMap;
  r.map = std::move(v);
  return r;
}

bool IsTrue(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kNil:
      return false;
    case Value::Kind::kBool:
      return v.b;
    case Value::Kind::kInt:
      return v.i != 0;
    case Value::Kind::kFloat:
      return v.f != 0;
    case Value::Kind::kString:
      return !v.s.empty();
    case Value::Kind::kMap:
      return !v.map.empty();
    case Value::Kind::kData:
      return true;
  }
  return false;
}

Value IdealConstant(std::string_view text) {
  bool hex = text.find("0x") != std::string_view::npos || text.find("0X") != std::string_view::npos;
  if (!hex && text.find_first_of(".eEpP") != std::string_view::npos) {
    return Value::Float(std::strtod(std::string(text).c_str(), nullptr));
  }
  bool negative = !text.empty() && text[0] == '-';
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) text.remove_prefix(1);
  int64_t v = 0;
  if (hex)
    std::from_chars(text.data() + 2, text.data() + text.size(), v, 16);
  else
    std::from_chars(text.data(), text.data() + text.size(), v);
  return Value::Int(negative ? -v : v);
}

std::string FormatG4(double v) {
  if (!std::isfinite(v)) return SpecialFloat(v);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.4g", v);
  return buf;
}

std::string_view TypeName(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kNil:
      return "<nil>";
    case Value::Kind::kBool:
      return "bool";
    case Value::Kind::kInt:
      return "int";
    case Value::Kind::kFloat:
      return "float64";
    case Value::Kind::kString:
      return "string";
    case Value::Kind::kMap:
      return "map[string]string";
    case Value::Kind::kData:
      return "template.AlertTemplateData";
  }
  return "?";
}

std::string PrintValue(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kNil:
      return "<no value>";
    case Value::Kind::kBool:
      return v.b ? "true" : "false";
    case Value::Kind::kInt:
      return std::to_string(v.i);
    case Value::Kind::kFloat:
      return promql::FormatNumber(v.f);
    case Value::Kind::kString:
      return v.s;
    case Value::Kind::kMap: {
      std::string out = "map[";
      for (const tsdb::Label& l : v.map)
        out += (out.size() > 4 ? " " : "") + l.name + ":" + l.value;
      return out + "]";
    }
    case Value::Kind::kData:
      return "{" + PrintValue(Value::Map(v.data->labels)) + " " +
             PrintValue(Value::Map(v.data->external_labels)) + " " + v.data->external_url + " " +
             promql::FormatNumber(v.data->value) + "}";
  }
  return "";
}

std::string Sprintf(std::string_view format, const std::vector<Value>& args) {
  std::string out;
  size_t next_arg = 0;
  for (size_t i = 0; i < format.size();) {
    if (format[i] != '%') {
      out.push_back(format[i++]);
      continue;
    }
    Spec spec;
    i = ReadSpec(format, i + 1, &spec);
    if (spec.verb == '%') {
      out.push_back('%');
    } else if (spec.verb == '\0') {
      out += "%!(NOVERB)";
    } else if (next_arg >= args.size()) {
      out += std::string("%!") + spec.verb + "(MISSING)";
    } else {
      out += FormatOne(spec, args[next_arg++]);
    }
  }
  if (next_arg < args.size()) {
    out += "%!(EXTRA ";
    for (size_t a = next_arg; a < args.size(); ++a) {
      out +=
          (a > next_arg ? ", " : "") + std::string(TypeName(args[a])) + "=" + PrintValue(args[a]);
    }
    out += ")";
  }
  return out;
}

}  // namespace gw::rules::tmpl
