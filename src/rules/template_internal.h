// The pieces of the template engine (template.h) shared by its files: the parsed tree
// (template_parse.cc), values and functions (template_funcs.cc, template_printf.cc) and
// execution (template.cc). Not part of the rules API.
#ifndef GW_RULES_TEMPLATE_INTERNAL_H_
#define GW_RULES_TEMPLATE_INTERNAL_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "rules/template.h"
#include "tsdb/labels.h"

namespace gw::rules::tmpl {

// A lexical item of a template.
struct Token {
  enum class Kind {
    kText,
    kLeft,
    kRight,
    kIdent,
    kField,
    kVariable,
    kDot,
    kString,
    kNumber,
    kPipe,
    kLParen,
    kRParen,
    kDeclare,
    kAssign,
    kComma,
    kEof
  };
  Kind kind = Kind::kEof;
  std::string text;
  int line = 1;
  bool space_before = false;
};
// Splits a template into tokens, applying the trim markers "{{- " and " -}}" and dropping
// comments. Errors: kInvalidArgument "template: LINE: what" (unclosed action or comment, a bad
// string or character).
StatusOr<std::vector<Token>> Lex(std::string_view text);

struct Pipeline;

// One argument of a command, as written.
struct Operand {
  enum class Kind { kDot, kField, kVariable, kString, kNumber, kBool, kNil, kFunction, kPipe };
  Kind kind = Kind::kDot;
  std::string text;                 // variable ("$x"), literal, number text or function name
  std::vector<std::string> fields;  // a chain after it: .Labels.gpu, $labels.gpu, (x).y
  std::shared_ptr<Pipeline> pipe;   // kPipe: a parenthesized pipeline
};

struct Command {
  std::vector<Operand> operands;  // the first is the function or the value
};

struct Pipeline {
  int line = 1;
  std::vector<std::string> vars;  // declared or assigned variables, "$x"
  bool assign = false;            // "=" rather than ":="
  std::vector<Command> commands;  // joined by '|'
};

struct Node {
  enum class Kind { kText, kAction, kIf, kWith, kRange, kBreak, kContinue };
  Kind kind = Kind::kText;
  int line = 1;
  std::string text;                // kText
  std::shared_ptr<Pipeline> pipe;  // kAction and the control structures
  std::vector<Node> body;
  std::vector<Node> else_body;
};

// Parses Go text/template syntax. Errors: kInvalidArgument "template: LINE: what", worded as Go
// does ("function \"x\" not defined", "undefined variable \"$x\"", "unexpected EOF").
StatusOr<std::vector<Node>> Parse(std::string_view text);

// True for the functions Prometheus (2.42) gives templates, Go's built-ins included.
bool IsKnownFunction(std::string_view name);

// A value during execution, typed as Go would type it.
struct Value {
  enum class Kind { kNil, kBool, kInt, kFloat, kString, kMap, kData };
  Kind kind = Kind::kNil;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string s;
  tsdb::Labels map;                    // kMap
  const TemplateData* data = nullptr;  // kData: the root "."
  // Set for number literals: Go converts an untyped constant to the parameter's type.
  std::string constant;

  static Value Bool(bool v);
  static Value Int(int64_t v);
  static Value Float(double v);
  static Value String(std::string v);
  static Value Map(tsdb::Labels v);
};

// Go's fmt.Sprint of one value: 85, 0.5, 1e+06, map[a:b], <no value>.
std::string PrintValue(const Value& v);
// Go's "float64", "int", "string", "map[string]string", ...
std::string_view TypeName(const Value& v);
// Go's truth: non-zero, non-empty, non-nil.
bool IsTrue(const Value& v);

// Calls function `name` (IsKnownFunction) with evaluated arguments. `literal` marks arguments
// that are number literals (converted to the parameter type). Errors: kInvalidArgument in Go's
// words ("wrong number of args for humanize: want 1 got 2", "incompatible types for
// comparison").
StatusOr<Value> CallFunction(std::string_view name, std::vector<Value> args,
                             const TemplateData& data);

// Go's fmt.Sprintf for the verbs alert templates use: %s %d %f %e %g %v %q %t %x %%, with
// flags, width and precision; a mismatch prints Go's "%!d(string=x)".
std::string Sprintf(std::string_view format, const std::vector<Value>& args);

// A number literal as Go types it where no parameter type applies: int, or float64 when written
// with '.', an exponent or 'p'.
Value IdealConstant(std::string_view text);

// A callable template function: its argument count range (max -1: variadic) and body.
struct Function {
  int min_args = 0;
  int max_args = 0;
  std::function<StatusOr<Value>(std::vector<Value>&, const TemplateData&)> call;
};
using FunctionTable = std::map<std::string, Function, std::less<>>;
const FunctionTable& PrometheusFunctions();  // template_funcs.cc
const FunctionTable& GoBuiltins();           // template_builtins.cc
// Prometheus' query functions (query, first, ...): known to the parser, fail when called.
bool IsQueryFunction(std::string_view name);
StatusOr<Value> CallQueryFunction(std::string_view name);

// Go's %.4g: 1.234, 1235, 1.235e+04, +Inf, NaN.
std::string FormatG4(double v);

// Go's url.QueryEscape (urlquery, graphLink, tableLink).
std::string QueryEscape(std::string_view s);

}  // namespace gw::rules::tmpl

#endif  // GW_RULES_TEMPLATE_INTERNAL_H_
