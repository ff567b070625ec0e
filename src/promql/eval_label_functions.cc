// label_replace and label_join (Prometheus 2.42's functions.go). Both keep __name__.
#include <re2/re2.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "promql/eval_functions_internal.h"

namespace gw::promql::internal {
namespace {

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// Prometheus' label name syntax: [a-zA-Z_][a-zA-Z0-9_]*.
bool IsLabelName(std::string_view s) {
  if (s.empty() || IsAsciiDigit(s[0])) return false;
  for (char c : s) {
    if (!IsAsciiAlpha(c) && !IsAsciiDigit(c) && c != '_') return false;
  }
  return true;
}

// `labels` with `name` set to `value`, or removed when `value` is empty.
tsdb::Labels WithLabel(const tsdb::Labels& labels, const std::string& name, std::string value) {
  std::vector<tsdb::Label> out;
  out.reserve(labels.size() + 1);
  bool placed = value.empty();
  for (const tsdb::Label& l : labels) {
    if (!placed && name < l.name) {
      out.push_back({name, value});
      placed = true;
    }
    if (l.name != name) out.push_back(l);
  }
  if (!placed) out.push_back({name, std::move(value)});
  return tsdb::Labels::FromSortedUnchecked(std::move(out));
}

struct GroupRef {
  std::string_view name;  // as written: "1", "01", "host"
  size_t length = 0;      // of the reference after the '$', braces included
};

// Go's regexp extract: the group reference after a '$' ("1", "{1}", "name", "{name}"), or
// nullopt where the '$' stands for itself. Names are ASCII (Go allows any Unicode letter).
std::optional<GroupRef> ReadGroupRef(std::string_view s) {
  bool brace = !s.empty() && s[0] == '{';
  size_t start = brace ? 1 : 0;
  size_t i = start;
  while (i < s.size() && (IsAsciiAlpha(s[i]) || IsAsciiDigit(s[i]) || s[i] == '_')) ++i;
  if (i == start) return std::nullopt;
  GroupRef ref{s.substr(start, i - start), i};
  if (brace) {
    if (i >= s.size() || s[i] != '}') return std::nullopt;
    ref.length = i + 1;
  }
  return ref;
}

// The group `name` refers to: a number (no leading zero, below 1e8) or a group's name; -1 if
// neither.
int GroupIndex(const re2::RE2& re, std::string_view name) {
  int num = 0;
  for (char c : name) {
    if (!IsAsciiDigit(c) || num >= 100000000) {
      num = -1;
      break;
    }
    num = num * 10 + (c - '0');
  }
  if (name.size() > 1 && name[0] == '0') num = -1;
  if (num >= 0) return num;
  for (const auto& [index, group_name] : re.CapturingGroupNames()) {
    if (group_name == name) return index;
  }
  return -1;
}

// Go's Regexp.ExpandString: $1, ${1}, $name, ${name} become the groups' text ("" for a group
// that does not exist or did not take part), $$ a '$'.
std::string Expand(std::string_view tmpl, const re2::RE2& re,
                   const std::vector<re2::StringPiece>& groups) {
  std::string out;
  while (!tmpl.empty()) {
    size_t dollar = tmpl.find('$');
    out.append(tmpl.substr(0, dollar));
    if (dollar == std::string_view::npos) break;
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out.push_back('$');
      tmpl.remove_prefix(1);
      continue;
    }
    std::optional<GroupRef> ref = ReadGroupRef(tmpl);
    if (!ref) {
      out.push_back('$');
      continue;
    }
    int index = GroupIndex(re, ref->name);
    if (index >= 0 && static_cast<size_t>(index) < groups.size() && groups[index].data()) {
      out.append(groups[index].data(), groups[index].size());
    }
    tmpl.remove_prefix(ref->length);
  }
  return out;
}

StatusOr<Vector> LabelReplace(std::span<const ArgValue> args, int64_t t_ms) {
  const std::string& dst = StringArg(args, 1);
  const std::string& replacement = StringArg(args, 2);
  const std::string& src = StringArg(args, 3);
  const std::string& regex = StringArg(args, 4);
  re2::RE2::Options options;
  options.set_log_errors(false);
  re2::RE2 re("^(?:" + regex + ")$", options);
  if (!re.ok()) {
    return InvalidArgumentError("invalid regular expression in label_replace(): " + regex);
  }
  if (!IsLabelName(dst)) {
    return InvalidArgumentError("invalid destination label name in label_replace(): " + dst);
  }
  std::vector<re2::StringPiece> groups(re.NumberOfCapturingGroups() + 1);
  Vector out;
  for (const VectorElement& e : VectorArg(args, 0)) {
    std::string_view value = e.metric.Get(src);
    re2::StringPiece text(value.data(), value.size());
    if (!re.Match(text, 0, text.size(), re2::RE2::UNANCHORED, groups.data(),
                  static_cast<int>(groups.size()))) {
      out.push_back({e.metric, t_ms, e.v});
      continue;
    }
    out.push_back({WithLabel(e.metric, dst, Expand(replacement, re, groups)), t_ms, e.v});
  }
  return out;
}

StatusOr<Vector> LabelJoin(std::span<const ArgValue> args, int64_t t_ms) {
  const std::string& dst = StringArg(args, 1);
  const std::string& separator = StringArg(args, 2);
  std::vector<std::string_view> sources;
  for (size_t i = 3; i < args.size(); ++i) {
    const std::string& src = StringArg(args, i);
    if (!IsLabelName(src)) {
      return InvalidArgumentError("invalid source label name in label_join(): " + src);
    }
    sources.push_back(src);
  }
  if (!IsLabelName(dst)) {
    return InvalidArgumentError("invalid destination label name in label_join(): " + dst);
  }
  Vector out;
  for (const VectorElement& e : VectorArg(args, 0)) {
    std::string joined;
    for (size_t i = 0; i < sources.size(); ++i) {
      if (i > 0) joined += separator;
      joined += e.metric.Get(sources[i]);
    }
    out.push_back({WithLabel(e.metric, dst, std::move(joined)), t_ms, e.v});
  }
  return out;
}

}  // namespace

InstantFn FindLabelFn(std::string_view name) {
  if (name == "label_replace") return LabelReplace;
  if (name == "label_join") return LabelJoin;
  return nullptr;
}

}  // namespace gw::promql::internal
