#include "rules/rule_file.h"

#include <glob.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <map>
#include <set>
#include <sstream>

#include "common/flags.h"
#include "common/yaml_errors.h"
#include "promql/parser.h"
#include "rules/template.h"

namespace gw::rules {
namespace {

bool IsNameChar(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         (!first && c >= '0' && c <= '9');
}

bool IsValidLabelName(std::string_view s) {
  if (s.empty() || !IsNameChar(s[0], true)) return false;
  return std::all_of(s.begin() + 1, s.end(), [](char c) { return IsNameChar(c, false); });
}

bool IsValidMetricName(std::string_view s) {
  if (s.empty() || !(IsNameChar(s[0], true) || s[0] == ':')) return false;
  return std::all_of(s.begin() + 1, s.end(),
                     [](char c) { return IsNameChar(c, false) || c == ':'; });
}

// Prometheus' LabelValue.IsValid: well-formed UTF-8.
bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

int LineOf(const YAML::Node& node) { return node.Mark().is_null() ? 0 : node.Mark().line + 1; }

// Reads one rule file's YAML into RuleGroups, with Prometheus' (rulefmt, yaml.v3 strict) rules
// and wording; each error carries the file and the line.
class RuleFileReader {
 public:
  explicit RuleFileReader(std::string_view file) : file_(file) {}

  Status Read(const YAML::Node& root, std::vector<RuleGroup>* out) {
    if (root.IsNull()) return Status::Ok();  // an empty file has no groups, as in Prometheus
    return ForEachKey(root, "RuleGroups", {"groups"}, [&](const std::string&, const YAML::Node& v) {
      if (v.IsNull()) return Status::Ok();
      if (!v.IsSequence()) return Error(LineOf(v), "groups must be a list of rule groups");
      std::set<std::string> names;
      for (const YAML::Node& g : v) {
        RuleGroup group;
        GW_RETURN_IF_ERROR(ReadGroup(g, &group));
        if (!names.insert(group.name).second) {
          return Error(LineOf(g), "groupname: \"" + group.name + "\" is repeated in the same file");
        }
        out->push_back(std::move(group));
      }
      return Status::Ok();
    });
  }

 private:
  using KeyFn = std::function<Status(const std::string& key, const YAML::Node& value)>;

  Status Error(int line, std::string_view what) const {
    return InvalidArgumentError(file_ + ":" + std::to_string(line) + ": " + std::string(what));
  }

  // Calls fn for each key of a mapping; an unknown or repeated key is an error (yaml.v3 with
  // KnownFields, as promtool reads rule files).
  Status ForEachKey(const YAML::Node& map, std::string_view type,
                    std::initializer_list<std::string_view> known, const KeyFn& fn) const {
    if (!map.IsMap()) {
      return Error(LineOf(map),
                   "cannot unmarshal into rulefmt." + std::string(type) + ": expected a mapping");
    }
    std::map<std::string, int> seen;
    for (const auto& entry : map) {
      const YAML::Node& key = entry.first;
      int line = LineOf(key);
      if (!key.IsScalar())
        return Error(line, "keys must be strings in rulefmt." + std::string(type));
      const std::string& name = key.Scalar();
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        return Error(line, "field " + name + " not found in type rulefmt." + std::string(type));
      }
      if (auto [it, fresh] = seen.emplace(name, line); !fresh) {
        return Error(line, "mapping key \"" + name + "\" already defined at line " +
                               std::to_string(it->second));
      }
      GW_RETURN_IF_ERROR(fn(name, entry.second));
    }
    return Status::Ok();
  }

  Status String(const YAML::Node& node, std::string* out) const {
    if (node.IsNull()) return Status::Ok();
    if (!node.IsScalar())
      return Error(LineOf(node), "cannot unmarshal a list or mapping into string");
    *out = node.Scalar();
    return Status::Ok();
  }

  Status Duration(const YAML::Node& node, int64_t* out_ms) const {
    std::string text;
    GW_RETURN_IF_ERROR(String(node, &text));
    if (text.empty()) return Status::Ok();
    StatusOr<int64_t> ms = ParseDurationMs(text);
    if (!ms.ok()) return Error(LineOf(node), "not a valid duration string: \"" + text + "\"");
    *out_ms = *ms;
    return Status::Ok();
  }

  Status Int(const YAML::Node& node, int64_t* out) const {
    std::string text;
    GW_RETURN_IF_ERROR(String(node, &text));
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
    if (!text.empty() && (ec != std::errc() || end != text.data() + text.size())) {
      return Error(LineOf(node), "cannot unmarshal !!str `" + text + "` into int");
    }
    return Status::Ok();
  }

  // A map of strings (labels, annotations), in file order.
  Status StringMap(const YAML::Node& node, std::string_view type,
                   std::vector<tsdb::Label>* out) const {
    if (node.IsNull()) return Status::Ok();
    if (!node.IsMap())
      return Error(LineOf(node), std::string(type) + " must be a mapping of strings");
    std::map<std::string, int> seen;
    for (const auto& entry : node) {
      tsdb::Label label;
      GW_RETURN_IF_ERROR(String(entry.first, &label.name));
      GW_RETURN_IF_ERROR(String(entry.second, &label.value));
      if (auto [it, fresh] = seen.emplace(label.name, LineOf(entry.first)); !fresh) {
        return Error(LineOf(entry.first), "mapping key \"" + label.name +
                                              "\" already defined at line " +
                                              std::to_string(it->second));
      }
      out->push_back(std::move(label));
    }
    return Status::Ok();
  }

  Status ReadGroup(const YAML::Node& node, RuleGroup* group) {
    group->file = file_;
    std::vector<YAML::Node> rules;
    GW_RETURN_IF_ERROR(ForEachKey(node, "RuleGroup", {"name", "interval", "limit", "rules"},
                                  [&](const std::string& key, const YAML::Node& v) -> Status {
                                    if (key == "name") return String(v, &group->name);
                                    if (key == "interval") return Duration(v, &group->interval_ms);
                                    if (key == "limit") return Int(v, &group->limit);
                                    if (v.IsNull()) return Status::Ok();
                                    if (!v.IsSequence())
                                      return Error(LineOf(v), "rules must be a list of rules");
                                    for (const YAML::Node& r : v) rules.push_back(r);
                                    return Status::Ok();
                                  }));
    if (group->name.empty()) return Error(LineOf(node), "Groupname must not be empty");
    for (size_t i = 0; i < rules.size(); ++i) {
      Rule rule;
      GW_RETURN_IF_ERROR(ReadRule(rules[i], &rule));
      GW_RETURN_IF_ERROR(ValidateRule(*group, i + 1, &rule));
      group->rules.push_back(std::move(rule));
    }
    return Status::Ok();
  }

  Status ReadRule(const YAML::Node& node, Rule* rule) {
    rule->line = LineOf(node);
    return ForEachKey(
        node, "RuleNode",
        {"record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"},
        [&](const std::string& key, const YAML::Node& v) -> Status {
          if (key == "record" || key == "alert") {
            std::string* name = key == "alert" ? &alert_ : &record_;
            return String(v, name);
          }
          if (key == "expr") return String(v, &rule->expr_text);
          if (key == "for") return Duration(v, &rule->for_ms);
          if (key == "keep_firing_for") return Duration(v, &rule->keep_firing_for_ms);
          if (key == "labels") return StringMap(v, "labels", &rule->labels);
          return StringMap(v, "annotations", &rule->annotations);
        });
  }

  // promtool's checks of one rule (rulefmt's Rule.Validate), reported at the rule's line.
  Status ValidateRule(const RuleGroup& group, size_t index, Rule* rule) {
    std::string record = std::exchange(record_, ""), alert = std::exchange(alert_, "");
    rule->kind = alert.empty() ? Rule::Kind::kRecording : Rule::Kind::kAlerting;
    rule->name = alert.empty() ? record : alert;
    auto fail = [&](const std::string& what) {
      return Error(rule->line, "group \"" + group.name + "\", rule " + std::to_string(index) +
                                   ", \"" + rule->name + "\": " + what);
    };
    if (!record.empty() && !alert.empty())
      return fail("only one of 'record' and 'alert' must be set");
    if (record.empty() && alert.empty()) return fail("one of 'record' or 'alert' must be set");
    if (rule->expr_text.empty()) return fail("field 'expr' must be set in rule");
    StatusOr<promql::ExprPtr> expr = promql::ParseExpr(rule->expr_text);
    if (!expr.ok()) return fail("could not parse expression: " + expr.status().message());
    promql::ValueType type = promql::TypeOf(**expr);
    if (type != promql::ValueType::kVector && type != promql::ValueType::kScalar) {
      return fail("expression must be of type instant vector or scalar, got " +
                  std::string(promql::DocumentedType(type)));
    }
    rule->expr = std::move(*expr);
    if (rule->kind == Rule::Kind::kRecording) {
      if (!rule->annotations.empty()) return fail("invalid field 'annotations' in recording rule");
      if (rule->for_ms != 0) return fail("invalid field 'for' in recording rule");
      if (rule->keep_firing_for_ms != 0)
        return fail("invalid field 'keep_firing_for' in recording rule");
      if (!IsValidMetricName(record)) return fail("invalid recording rule name: " + record);
    } else if (!IsValidUtf8(alert)) {
      return fail("invalid alert name: " + alert);
    }
    return ValidateLabels(*rule, fail);
  }

  template <typename Fail>
  Status ValidateLabels(const Rule& rule, const Fail& fail) const {
    for (const tsdb::Label& l : rule.labels) {
      if (!IsValidLabelName(l.name) || l.name == "__name__")
        return fail("invalid label name: " + l.name);
      if (!IsValidUtf8(l.value)) return fail("invalid label value: " + l.value);
    }
    for (const tsdb::Label& a : rule.annotations) {
      if (!IsValidLabelName(a.name)) return fail("invalid annotation name: " + a.name);
    }
    if (rule.kind != Rule::Kind::kAlerting) return Status::Ok();
    for (const auto& [what, list] :
         {std::pair{"label", &rule.labels}, {"annotation", &rule.annotations}}) {
      for (const tsdb::Label& l : *list) {
        Status s = CheckTemplate(l.value);
        if (!s.ok()) return fail(std::string(what) + " \"" + l.name + "\": " + s.message());
      }
    }
    return Status::Ok();
  }

  std::string file_;
  std::string record_, alert_;  // of the rule being read
};

StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError(path + ": cannot open rule file (check the path and permissions)");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return IoError(path + ": cannot read rule file");
  return text.str();
}

}  // namespace

StatusOr<std::vector<RuleGroup>> ParseRuleFile(std::string_view file_name, std::string_view text) {
  std::vector<RuleGroup> groups;
  GW_RETURN_IF_ERROR(CatchYamlErrors(file_name, [&]() -> Status {
    YAML::Node root = YAML::Load(std::string(text));
    return RuleFileReader(file_name).Read(root, &groups);
  }));
  return groups;
}

StatusOr<std::vector<RuleGroup>> LoadRuleFiles(const std::vector<std::string>& globs,
                                               const std::string& base_dir) {
  std::vector<RuleGroup> all;
  const std::string prefix = base_dir.empty() ? "" : base_dir + "/";
  for (const std::string& pattern : globs) {
    std::string full = pattern.empty() || pattern[0] == '/' ? pattern : prefix + pattern;
    glob_t matches{};
    int rc = glob(full.c_str(), 0, nullptr, &matches);
    std::vector<std::string> paths(matches.gl_pathv,
                                   matches.gl_pathv + (rc == 0 ? matches.gl_pathc : 0));
    globfree(&matches);
    if (rc != 0 && rc != GLOB_NOMATCH) return IoError(full + ": cannot expand the rule file glob");
    std::sort(paths.begin(), paths.end());
    for (const std::string& path : paths) {
      GW_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
      GW_ASSIGN_OR_RETURN(std::vector<RuleGroup> groups, ParseRuleFile(path, text));
      for (RuleGroup& g : groups) all.push_back(std::move(g));
    }
  }
  return all;
}

int CheckRulesMain(int argc, const char* const* argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: gpuwatchdog check-rules FILE...\n");
    return 1;
  }
  int rc = 0;
  for (int i = 1; i < argc; ++i) {
    std::printf("Checking %s\n", argv[i]);
    StatusOr<std::string> text = ReadWholeFile(argv[i]);
    StatusOr<std::vector<RuleGroup>> groups =
        text.ok() ? ParseRuleFile(argv[i], *text) : StatusOr<std::vector<RuleGroup>>(text.status());
    if (!groups.ok()) {
      std::fprintf(stderr, "  FAILED:\n%s\n\n", groups.status().message().c_str());
      rc = 1;
      continue;
    }
    size_t n = 0;
    for (const RuleGroup& g : *groups) n += g.rules.size();
    std::printf("  SUCCESS: %zu rules found\n\n", n);
  }
  std::fflush(stdout);
  return rc;
}

}  // namespace gw::rules
