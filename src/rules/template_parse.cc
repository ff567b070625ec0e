// Parsing Go text/template syntax (the subset in template.h). Positions and error
// wording follow Go's text/template/parse where the subset has a counterpart.
#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "rules/template_internal.h"

namespace gw::rules::tmpl {
namespace {

using TK = Token::Kind;

Status ErrorAt(int line, std::string_view what) {
  return InvalidArgumentError("template: " + std::to_string(line) + ": " + std::string(what));
}

// Splits "$x.a.b" or ".a.b" into its head ("$x" or "") and the field names.
std::string SplitChain(std::string_view text, std::vector<std::string>* fields) {
  size_t dot = text.find('.', text[0] == '.' ? 1 : 0);
  std::string head(text[0] == '.' ? std::string_view() : text.substr(0, dot));
  size_t start = text[0] == '.' ? 1 : (dot == std::string_view::npos ? text.size() : dot + 1);
  while (start < text.size()) {
    size_t end = text.find('.', start);
    fields->emplace_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    start = end == std::string_view::npos ? text.size() : end + 1;
  }
  return head;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : toks_(std::move(tokens)) {
    vars_ = {"$", "$labels", "$externalLabels", "$externalURL", "$value"};
  }

  Status ParseList(std::vector<Node>* out, std::string* ended_by) {
    while (true) {
      const Token& t = toks_[i_];
      if (t.kind == TK::kEof) {
        *ended_by = "";
        return Status::Ok();
      }
      ++i_;
      if (t.kind == TK::kText) {
        out->push_back({Node::Kind::kText, t.line, t.text, nullptr, {}, {}});
        continue;
      }
      const Token& word = toks_[i_];
      if (word.kind == TK::kIdent && (word.text == "end" || word.text == "else")) {
        ++i_;
        *ended_by = word.text;
        if (word.text == "end") return Expect(TK::kRight, "end");
        return Status::Ok();
      }
      GW_RETURN_IF_ERROR(ParseAction(out));
    }
  }

 private:
  Status Expect(TK kind, std::string_view context) {
    if (toks_[i_].kind != kind) {
      return ErrorAt(toks_[i_].line,
                     "unexpected \"" + toks_[i_].text + "\" in " + std::string(context));
    }
    ++i_;
    return Status::Ok();
  }

  Status ParseAction(std::vector<Node>* out) {
    const Token& word = toks_[i_];
    if (word.kind == TK::kIdent) {
      if (word.text == "if") return ParseControl(Node::Kind::kIf, out);
      if (word.text == "with") return ParseControl(Node::Kind::kWith, out);
      if (word.text == "range") return ParseControl(Node::Kind::kRange, out);
      if (word.text == "break" || word.text == "continue") {
        if (range_depth_ == 0) return ErrorAt(word.line, "{{" + word.text + "}} outside {{range}}");
        ++i_;
        out->push_back({word.text == "break" ? Node::Kind::kBreak : Node::Kind::kContinue,
                        word.line,
                        "",
                        nullptr,
                        {},
                        {}});
        return Expect(TK::kRight, word.text);
      }
      if (word.text == "define" || word.text == "template" || word.text == "block") {
        return ErrorAt(word.line, "{{" + word.text + "}} is not supported by gpuwatchdog");
      }
    }
    GW_ASSIGN_OR_RETURN(std::shared_ptr<Pipeline> pipe,
                        ParsePipeline("command", false, TK::kRight));
    out->push_back({Node::Kind::kAction, pipe->line, "", std::move(pipe), {}, {}});
    return Status::Ok();
  }

  Status ParseControl(Node::Kind kind, std::vector<Node>* out) {
    const Token& word = toks_[i_++];
    size_t scope = vars_.size();
    Node node{kind, word.line, "", nullptr, {}, {}};
    GW_ASSIGN_OR_RETURN(node.pipe,
                        ParsePipeline(word.text, kind == Node::Kind::kRange, TK::kRight));
    if (kind == Node::Kind::kRange) ++range_depth_;
    std::string ended;
    GW_RETURN_IF_ERROR(ParseList(&node.body, &ended));
    if (kind == Node::Kind::kRange) --range_depth_;
    if (ended.empty()) return ErrorAt(toks_[i_].line, "unexpected EOF");
    if (ended == "else") {
      const Token& next = toks_[i_];
      if (next.kind == TK::kIdent && (next.text == "if" || next.text == "with")) {
        // "{{else if x}}" is "{{else}}{{if x}}...{{end}}" sharing the outer {{end}}.
        GW_RETURN_IF_ERROR(
            ParseControl(next.text == "if" ? Node::Kind::kIf : Node::Kind::kWith, &node.else_body));
      } else {
        GW_RETURN_IF_ERROR(Expect(TK::kRight, "else"));
        GW_RETURN_IF_ERROR(ParseList(&node.else_body, &ended));
        if (ended == "else") return ErrorAt(toks_[i_].line, "expected end; found {{else}}");
        if (ended.empty()) return ErrorAt(toks_[i_].line, "unexpected EOF");
      }
    }
    vars_.resize(scope);
    out->push_back(std::move(node));
    return Status::Ok();
  }

  bool IsDeclaration() const {
    if (toks_[i_].kind != TK::kVariable || toks_[i_].text.find('.') != std::string::npos)
      return false;
    TK next = toks_[i_ + 1].kind;
    return next == TK::kDeclare || next == TK::kAssign || next == TK::kComma;
  }

  Status ParseDeclaration(Pipeline* pipe, bool in_range) {
    pipe->vars.push_back(toks_[i_++].text);
    if (toks_[i_].kind == TK::kComma) {
      if (!in_range || toks_[i_ + 1].kind != TK::kVariable) {
        return ErrorAt(toks_[i_].line, "too many declarations");
      }
      ++i_;
      pipe->vars.push_back(toks_[i_++].text);
    }
    if (toks_[i_].kind != TK::kDeclare && toks_[i_].kind != TK::kAssign) {
      return ErrorAt(toks_[i_].line, "expected := or =");
    }
    pipe->assign = toks_[i_++].kind == TK::kAssign;
    for (const std::string& v : pipe->vars) {
      if (!pipe->assign)
        vars_.push_back(v);
      else
        GW_RETURN_IF_ERROR(CheckVariable(v, toks_[i_].line));
    }
    return Status::Ok();
  }

  Status CheckVariable(const std::string& name, int line) const {
    if (std::find(vars_.begin(), vars_.end(), name) == vars_.end()) {
      return ErrorAt(line, "undefined variable \"" + name + "\"");
    }
    return Status::Ok();
  }

  StatusOr<std::shared_ptr<Pipeline>> ParsePipeline(std::string_view context, bool in_range,
                                                    TK end) {
    auto pipe = std::make_shared<Pipeline>();
    pipe->line = toks_[i_].line;
    if (IsDeclaration()) GW_RETURN_IF_ERROR(ParseDeclaration(pipe.get(), in_range));
    while (toks_[i_].kind != end) {
      if (!pipe->commands.empty() && toks_[i_++].kind != TK::kPipe) {
        return ErrorAt(toks_[i_ - 1].line,
                       "unexpected \"" + toks_[i_ - 1].text + "\" in " + std::string(context));
      }
      Command cmd;
      GW_RETURN_IF_ERROR(ParseCommand(&cmd, end));
      pipe->commands.push_back(std::move(cmd));
    }
    ++i_;
    if (pipe->commands.empty())
      return ErrorAt(pipe->line, "missing value for " + std::string(context));
    GW_RETURN_IF_ERROR(CheckPipeline(*pipe));
    return pipe;
  }

  static Status CheckPipeline(const Pipeline& pipe) {
    using K = Operand::Kind;
    const Operand& first = pipe.commands[0].operands[0];
    if (first.kind == K::kNil) return ErrorAt(pipe.line, "nil is not a command");
    for (size_t c = 1; c < pipe.commands.size(); ++c) {
      K k = pipe.commands[c].operands[0].kind;
      if (k == K::kBool || k == K::kDot || k == K::kNil || k == K::kNumber || k == K::kString) {
        return ErrorAt(pipe.line,
                       "non executable command in pipeline stage " + std::to_string(c + 1));
      }
    }
    return Status::Ok();
  }

  Status ParseCommand(Command* cmd, TK end) {
    while (true) {
      TK k = toks_[i_].kind;
      if (k == end || k == TK::kPipe) break;
      if (k == TK::kEof || k == TK::kRight || k == TK::kRParen) {
        return ErrorAt(toks_[i_].line, k == TK::kEof
                                           ? "unclosed action"
                                           : "unexpected \"" + toks_[i_].text + "\" in operand");
      }
      Operand op;
      GW_RETURN_IF_ERROR(ParseOperand(&op));
      cmd->operands.push_back(std::move(op));
    }
    if (cmd->operands.empty()) return ErrorAt(toks_[i_].line, "missing value for command");
    return Status::Ok();
  }

  Status ParseOperand(Operand* op) {
    using K = Operand::Kind;
    const Token& t = toks_[i_++];
    switch (t.kind) {
      case TK::kDot:
        op->kind = K::kDot;
        return Status::Ok();
      case TK::kField:
        op->kind = K::kField;
        SplitChain(t.text, &op->fields);
        return Status::Ok();
      case TK::kVariable:
        op->kind = K::kVariable;
        op->text = SplitChain(t.text, &op->fields);
        return CheckVariable(op->text, t.line);
      case TK::kString:
        op->kind = K::kString;
        op->text = t.text;
        return Status::Ok();
      case TK::kNumber:
        op->kind = K::kNumber;
        op->text = t.text;
        return CheckNumber(t);
      case TK::kLParen: {
        op->kind = K::kPipe;
        GW_ASSIGN_OR_RETURN(op->pipe, ParsePipeline("parenthesized pipeline", false, TK::kRParen));
        if (toks_[i_].kind == TK::kField && !toks_[i_].space_before) {
          SplitChain(toks_[i_++].text, &op->fields);
        }
        return Status::Ok();
      }
      case TK::kIdent:
        return ParseIdent(t, op);
      default:
        return ErrorAt(t.line, "unexpected \"" + t.text + "\" in operand");
    }
  }

  static Status ParseIdent(const Token& t, Operand* op) {
    op->text = t.text;
    if (t.text == "true" || t.text == "false")
      op->kind = Operand::Kind::kBool;
    else if (t.text == "nil")
      op->kind = Operand::Kind::kNil;
    else if (IsKnownFunction(t.text))
      op->kind = Operand::Kind::kFunction;
    else
      return ErrorAt(t.line, "function \"" + t.text + "\" not defined");
    return Status::Ok();
  }

  static Status CheckNumber(const Token& t) {
    const char* begin = t.text.c_str();
    char* end = nullptr;
    std::strtod(begin, &end);
    bool ok = end == begin + t.text.size();
    if (!ok) {
      int64_t v = 0;
      size_t skip = (t.text[0] == '-' || t.text[0] == '+') ? 1 : 0;
      ok = t.text.substr(skip, 2) == "0x" &&
           std::from_chars(begin + skip + 2, begin + t.text.size(), v, 16).ptr ==
               begin + t.text.size();
    }
    if (!ok) return ErrorAt(t.line, "illegal number syntax: \"" + t.text + "\"");
    return Status::Ok();
  }

  std::vector<Token> toks_;
  size_t i_ = 0;
  std::vector<std::string> vars_;
  int range_depth_ = 0;
};

}  // namespace

StatusOr<std::vector<Node>> Parse(std::string_view text) {
  GW_ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(text));
  Parser parser(std::move(tokens));
  std::vector<Node> nodes;
  std::string ended;
  GW_RETURN_IF_ERROR(parser.ParseList(&nodes, &ended));
  if (!ended.empty()) return ErrorAt(1, "unexpected {{" + ended + "}}");
  return nodes;
}

}  // namespace gw::rules::tmpl
