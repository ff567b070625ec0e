// Go text/template's built-in functions (and, or, not, eq, ..., len, index, print, printf,
// urlquery, html, js), and the dispatch of a call by name.
#include <cstdio>

#include "rules/template_internal.h"

namespace gw::rules::tmpl {
namespace {

using Args = std::vector<Value>;
using K = Value::Kind;

bool IsBasic(const Value& v) {
  return v.kind == K::kBool || v.kind == K::kInt || v.kind == K::kFloat || v.kind == K::kString;
}

// Go's eq on two values: both basic and of one kind.
StatusOr<bool> Equal(const Value& a, const Value& b) {
  if (!IsBasic(a) || !IsBasic(b)) return InvalidArgumentError("invalid type for comparison");
  if (a.kind != b.kind) return InvalidArgumentError("incompatible types for comparison");
  switch (a.kind) {
    case K::kBool:
      return a.b == b.b;
    case K::kInt:
      return a.i == b.i;
    case K::kFloat:
      return a.f == b.f;
    default:
      return a.s == b.s;
  }
}

StatusOr<bool> Less(const Value& a, const Value& b) {
  if (!IsBasic(a) || !IsBasic(b) || a.kind == K::kBool || b.kind == K::kBool) {
    return InvalidArgumentError("invalid type for comparison");
  }
  if (a.kind != b.kind) return InvalidArgumentError("incompatible types for comparison");
  switch (a.kind) {
    case K::kInt:
      return a.i < b.i;
    case K::kFloat:
      return a.f < b.f;
    default:
      return a.s < b.s;
  }
}

StatusOr<Value> Eq(Args& a, const TemplateData&) {
  for (size_t i = 1; i < a.size(); ++i) {
    GW_ASSIGN_OR_RETURN(bool eq, Equal(a[0], a[i]));
    if (eq) return Value::Bool(true);
  }
  return Value::Bool(false);
}

// Go defines le as lt || eq, gt as !le and ge as !lt (so gt and ge are true for NaN).
StatusOr<bool> LessOrEqual(const Value& a, const Value& b) {
  GW_ASSIGN_OR_RETURN(bool lt, Less(a, b));
  if (lt) return true;
  return Equal(a, b);
}

std::string Sprint(const Args& a, bool spaces_always) {
  std::string out;
  for (size_t i = 0; i < a.size(); ++i) {
    bool space = spaces_always || (a[i - (i > 0)].kind != K::kString && a[i].kind != K::kString);
    if (i > 0 && space) out.push_back(' ');
    out += a[i].kind == K::kNil ? "<nil>" : PrintValue(a[i]);
  }
  return out;
}

// The text html, js and urlquery escape: a single string as is, else fmt.Sprint of all.
std::string EscaperInput(const Args& a) {
  if (a.size() == 1 && a[0].kind == K::kString) return a[0].s;
  return Sprint(a, false);
}

std::string HtmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '"':
        out += "&#34;";
        break;
      case '\0':
        out += "\uFFFD";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string JsEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\'':
        out += "\\'";
        break;
      case '"':
        out += "\\\"";
        break;
      case '<':
        out += "\\u003C";
        break;
      case '>':
        out += "\\u003E";
        break;
      case '&':
        out += "\\u0026";
        break;
      case '=':
        out += "\\u003D";
        break;
      default:
        if (static_cast<unsigned char>(c) < ' ') {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u00%02X", static_cast<unsigned>(c));
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

StatusOr<Value> Index(Args& a, const TemplateData&) {
  Value item = a[0];
  for (size_t i = 1; i < a.size(); ++i) {
    if (item.kind == K::kMap && a[i].kind == K::kString) {
      item = Value::String(std::string(item.map.Get(a[i].s)));
    } else if (item.kind == K::kString && a[i].kind == K::kInt) {
      if (a[i].i < 0 || a[i].i >= static_cast<int64_t>(item.s.size())) {
        return InvalidArgumentError("error calling index: index out of range: " +
                                    std::to_string(a[i].i));
      }
      item = Value::Int(static_cast<unsigned char>(item.s[static_cast<size_t>(a[i].i)]));
    } else {
      return InvalidArgumentError("can't index item of type " + std::string(TypeName(item)));
    }
  }
  return item;
}

StatusOr<Value> Len(Args& a, const TemplateData&) {
  if (a[0].kind == K::kString) return Value::Int(static_cast<int64_t>(a[0].s.size()));
  if (a[0].kind == K::kMap) return Value::Int(static_cast<int64_t>(a[0].map.size()));
  return InvalidArgumentError("len of type " + std::string(TypeName(a[0])));
}

StatusOr<Value> Printf(Args& a, const TemplateData&) {
  if (a[0].kind != K::kString) {
    return InvalidArgumentError("wrong type for value; expected string; got " +
                                std::string(TypeName(a[0])));
  }
  return Value::String(Sprintf(a[0].s, Args(a.begin() + 1, a.end())));
}

template <typename Cmp>
Function Comparison(Cmp cmp) {
  return {2, 2, [cmp](Args& a, const TemplateData&) -> StatusOr<Value> {
            GW_ASSIGN_OR_RETURN(bool r, cmp(a[0], a[1]));
            return Value::Bool(r);
          }};
}

Function Text(std::string (*f)(const Args&)) {
  return {0, -1,
          [f](Args& a, const TemplateData&) -> StatusOr<Value> { return Value::String(f(a)); }};
}

Status WrongArgCount(std::string_view name, const Function& f, size_t got) {
  std::string want =
      f.max_args < 0 ? "at least " + std::to_string(f.min_args) : std::to_string(f.min_args);
  return InvalidArgumentError("wrong number of args for " + std::string(name) + ": want " + want +
                              " got " + std::to_string(got));
}

}  // namespace

const FunctionTable& GoBuiltins() {
  static const FunctionTable* table = new FunctionTable{
      {"and",
       {1, -1,
        [](Args& a, const TemplateData&) -> StatusOr<Value> {
          for (const Value& v : a)
            if (!IsTrue(v)) return v;
          return a.back();
        }}},
      {"or",
       {1, -1,
        [](Args& a, const TemplateData&) -> StatusOr<Value> {
          for (const Value& v : a)
            if (IsTrue(v)) return v;
          return a.back();
        }}},
      {"not",
       {1, 1,
        [](Args& a, const TemplateData&) -> StatusOr<Value> {
          return Value::Bool(!IsTrue(a[0]));
        }}},
      {"eq", {1, -1, Eq}},
      {"ne", Comparison([](const Value& a, const Value& b) -> StatusOr<bool> {
         GW_ASSIGN_OR_RETURN(bool eq, Equal(a, b));
         return !eq;
       })},
      {"lt", Comparison(Less)},
      {"le", Comparison(LessOrEqual)},
      {"gt", Comparison([](const Value& a, const Value& b) -> StatusOr<bool> {
         GW_ASSIGN_OR_RETURN(bool le, LessOrEqual(a, b));
         return !le;
       })},
      {"ge", Comparison([](const Value& a, const Value& b) -> StatusOr<bool> {
         GW_ASSIGN_OR_RETURN(bool lt, Less(a, b));
         return !lt;
       })},
      {"len", {1, 1, Len}},
      {"index", {1, -1, Index}},
      {"printf", {1, -1, Printf}},
      {"print", Text([](const Args& a) { return Sprint(a, false); })},
      {"println", Text([](const Args& a) { return Sprint(a, true) + "\n"; })},
      {"html", Text([](const Args& a) { return HtmlEscape(EscaperInput(a)); })},
      {"js", Text([](const Args& a) { return JsEscape(EscaperInput(a)); })},
      {"urlquery", Text([](const Args& a) { return QueryEscape(EscaperInput(a)); })},
  };
  return *table;
}

bool IsKnownFunction(std::string_view name) {
  return GoBuiltins().contains(name) || PrometheusFunctions().contains(name) ||
         IsQueryFunction(name) || name == "call" || name == "slice";
}

StatusOr<Value> CallFunction(std::string_view name, std::vector<Value> args,
                             const TemplateData& data) {
  const FunctionTable& go = GoBuiltins();
  const FunctionTable& prom = PrometheusFunctions();
  auto it = go.find(name);
  bool builtin = it != go.end();
  if (!builtin) it = prom.find(name);
  if (it == prom.end()) {
    if (IsQueryFunction(name)) return CallQueryFunction(name);
    return UnimplementedError(std::string(name) + " is not supported in gpuwatchdog templates");
  }
  const Function& f = it->second;
  if (args.size() < static_cast<size_t>(f.min_args) ||
      (f.max_args >= 0 && args.size() > static_cast<size_t>(f.max_args))) {
    return WrongArgCount(name, f, args.size());
  }
  if (builtin) {
    // Go's built-ins take interface{} arguments: a number literal becomes an int or float64.
    for (Value& v : args) {
      if (!v.constant.empty()) v = IdealConstant(v.constant);
    }
  }
  StatusOr<Value> result = f.call(args, data);
  if (!result.ok()) {
    return Status(result.status().code(),
                  "error calling " + std::string(name) + ": " + result.status().message());
  }
  return result;
}

}  // namespace gw::rules::tmpl
