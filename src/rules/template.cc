#include "rules/template.h"

#include <utility>

#include "rules/template_internal.h"

namespace gw::rules {
namespace {

using tmpl::Node;
using tmpl::Operand;
using tmpl::Pipeline;
using tmpl::Value;

Status ExecError(int line, std::string_view what) {
  return InvalidArgumentError("template: " + std::to_string(line) + ": " + std::string(what));
}

// Runs a parsed template as Go's text/template does with Prometheus' data and
// Option("missingkey=zero").
class Executor {
 public:
  explicit Executor(const TemplateData& data) : data_(data) {
    root_.kind = Value::Kind::kData;
    root_.data = &data;
    vars_ = {{"$", root_},
             {"$labels", Value::Map(data.labels)},
             {"$externalLabels", Value::Map(data.external_labels)},
             {"$externalURL", Value::String(data.external_url)},
             {"$value", Value::Float(data.value)}};
  }

  StatusOr<std::string> Run(const std::vector<Node>& nodes) {
    GW_RETURN_IF_ERROR(Walk(nodes, root_).status());
    return std::move(out_);
  }

 private:
  enum class Flow { kNormal, kBreak, kContinue };

  StatusOr<Flow> Walk(const std::vector<Node>& nodes, const Value& dot) {
    for (const Node& node : nodes) {
      GW_ASSIGN_OR_RETURN(Flow flow, WalkNode(node, dot));
      if (flow != Flow::kNormal) return flow;
    }
    return Flow::kNormal;
  }

  StatusOr<Flow> WalkNode(const Node& node, const Value& dot) {
    switch (node.kind) {
      case Node::Kind::kText:
        out_ += node.text;
        return Flow::kNormal;
      case Node::Kind::kBreak:
        return Flow::kBreak;
      case Node::Kind::kContinue:
        return Flow::kContinue;
      case Node::Kind::kAction: {
        GW_ASSIGN_OR_RETURN(Value v, EvalPipeline(*node.pipe, dot, true));
        if (node.pipe->vars.empty()) out_ += tmpl::PrintValue(v);
        return Flow::kNormal;
      }
      case Node::Kind::kRange:
        return WalkRange(node, dot);
      default:
        return WalkIf(node, dot);
    }
  }

  // {{if}} and {{with}}; variables they declare live until their {{end}}.
  StatusOr<Flow> WalkIf(const Node& node, const Value& dot) {
    size_t mark = vars_.size();
    GW_ASSIGN_OR_RETURN(Value v, EvalPipeline(*node.pipe, dot, true));
    bool with = node.kind == Node::Kind::kWith;
    StatusOr<Flow> flow =
        tmpl::IsTrue(v) ? Walk(node.body, with ? v : dot) : Walk(node.else_body, dot);
    vars_.resize(mark);
    return flow;
  }

  // {{range}} over a map, in key order: dot is each value; "$v :=" sets the value and
  // "$k, $v :=" the key and the value. Nothing to range over runs {{else}}.
  StatusOr<Flow> WalkRange(const Node& node, const Value& dot) {
    size_t mark = vars_.size();
    GW_ASSIGN_OR_RETURN(Value v, EvalPipeline(*node.pipe, dot, false));
    if (v.kind != Value::Kind::kMap && v.kind != Value::Kind::kNil) {
      return ExecError(node.line, "range can't iterate over " + tmpl::PrintValue(v));
    }
    if (v.kind == Value::Kind::kNil || v.map.empty()) {
      GW_ASSIGN_OR_RETURN(Flow flow, Walk(node.else_body, dot));
      vars_.resize(mark);
      return flow;
    }
    const std::vector<std::string>& names = node.pipe->vars;
    for (const tsdb::Label& label : v.map) {
      Value elem = Value::String(label.value);
      if (names.size() == 1) vars_.push_back({names[0], elem});
      if (names.size() == 2) {
        vars_.push_back({names[0], Value::String(label.name)});
        vars_.push_back({names[1], elem});
      }
      StatusOr<Flow> flow = Walk(node.body, elem);
      vars_.resize(mark);
      if (!flow.ok()) return flow.status();
      if (*flow == Flow::kBreak) break;
    }
    return Flow::kNormal;
  }

  StatusOr<Value> EvalPipeline(const Pipeline& pipe, const Value& dot, bool declare) {
    Value v;
    for (size_t i = 0; i < pipe.commands.size(); ++i) {
      GW_ASSIGN_OR_RETURN(v, EvalCommand(pipe.commands[i], pipe.line, dot, i > 0 ? &v : nullptr));
    }
    if (declare) {
      for (const std::string& name : pipe.vars) {
        if (!pipe.assign) {
          vars_.push_back({name, v});
          continue;
        }
        for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
          if (it->first == name) {
            it->second = v;
            break;
          }
        }
      }
    }
    return v;
  }

  StatusOr<Value> EvalCommand(const tmpl::Command& cmd, int line, const Value& dot,
                              const Value* piped) {
    const Operand& first = cmd.operands[0];
    if (first.kind == Operand::Kind::kFunction) {
      std::vector<Value> args;
      for (size_t i = 1; i < cmd.operands.size(); ++i) {
        GW_ASSIGN_OR_RETURN(Value a, EvalOperand(cmd.operands[i], line, dot, true));
        args.push_back(std::move(a));
      }
      if (piped != nullptr) args.push_back(*piped);
      StatusOr<Value> r = tmpl::CallFunction(first.text, std::move(args), data_);
      if (!r.ok())
        return ExecError(line, "executing at <" + first.text + ">: " + r.status().message());
      return r;
    }
    if (cmd.operands.size() > 1 || piped != nullptr) {
      return ExecError(line, "can't give argument to non-function " + first.text);
    }
    return EvalOperand(first, line, dot, false);
  }

  // `as_arg`: a number literal keeps its text, for the called function to convert.
  StatusOr<Value> EvalOperand(const Operand& op, int line, const Value& dot, bool as_arg) {
    Value v;
    switch (op.kind) {
      case Operand::Kind::kDot:
        return dot;
      case Operand::Kind::kField:
        v = dot;
        break;
      case Operand::Kind::kVariable:
        v = Lookup(op.text);
        break;
      case Operand::Kind::kString:
        return Value::String(op.text);
      case Operand::Kind::kBool:
        return Value::Bool(op.text == "true");
      case Operand::Kind::kNil:
        return v;
      case Operand::Kind::kNumber:
        v = tmpl::IdealConstant(op.text);
        if (as_arg) v.constant = op.text;
        return v;
      case Operand::Kind::kFunction:
        return EvalCommand(tmpl::Command{{op}}, line, dot, nullptr);
      case Operand::Kind::kPipe: {
        GW_ASSIGN_OR_RETURN(v, EvalPipeline(*op.pipe, dot, true));
        break;
      }
    }
    for (const std::string& field : op.fields) {
      GW_ASSIGN_OR_RETURN(v, Field(v, field, line));
    }
    return v;
  }

  Value Lookup(const std::string& name) const {
    for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
      if (it->first == name) return it->second;
    }
    return Value();  // the parser rejects undefined variables
  }

  StatusOr<Value> Field(const Value& v, const std::string& name, int line) const {
    if (v.kind == Value::Kind::kMap)
      return Value::String(std::string(v.map.Get(name)));  // missingkey=zero
    if (v.kind == Value::Kind::kData) {
      if (name == "Labels") return Value::Map(v.data->labels);
      if (name == "ExternalLabels") return Value::Map(v.data->external_labels);
      if (name == "ExternalURL") return Value::String(v.data->external_url);
      if (name == "Value") return Value::Float(v.data->value);
    }
    if (v.kind == Value::Kind::kNil)
      return ExecError(line, "nil pointer evaluating interface {}." + name);
    return ExecError(line,
                     "can't evaluate field " + name + " in type " + std::string(tmpl::TypeName(v)));
  }

  const TemplateData& data_;
  Value root_;
  std::vector<std::pair<std::string, Value>> vars_;
  std::string out_;
};

}  // namespace

Status CheckTemplate(std::string_view text) { return tmpl::Parse(text).status(); }

StatusOr<std::string> ExpandTemplate(std::string_view text, const TemplateData& data) {
  if (text.find("{{") == std::string_view::npos) return std::string(text);
  GW_ASSIGN_OR_RETURN(std::vector<Node> nodes, tmpl::Parse(text));
  return Executor(data).Run(nodes);
}

}  // namespace gw::rules
