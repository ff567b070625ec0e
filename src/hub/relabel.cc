#include "hub/relabel.h"

#include <openssl/evp.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <map>

namespace gw::hub {
namespace {

constexpr std::pair<std::string_view, RelabelAction> kActions[] = {
    {"replace", RelabelAction::kReplace},     {"keep", RelabelAction::kKeep},
    {"drop", RelabelAction::kDrop},           {"labeldrop", RelabelAction::kLabelDrop},
    {"labelkeep", RelabelAction::kLabelKeep}, {"labelmap", RelabelAction::kLabelMap},
    {"hashmod", RelabelAction::kHashMod},     {"lowercase", RelabelAction::kLowercase},
    {"uppercase", RelabelAction::kUppercase}, {"keepequal", RelabelAction::kKeepEqual},
    {"dropequal", RelabelAction::kDropEqual},
};

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// A legacy Prometheus label name: [a-zA-Z_][a-zA-Z0-9_]*.
bool IsValidLabelName(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), IsNameChar);
}

struct TemplateRef {
  std::string_view name;
  int number = -1;    // -1 when the name is not a group number
  size_t length = 0;  // of the reference after the '$'
};

// Go's regexp extract(): the name after a '$', bare or in braces.
std::optional<TemplateRef> ExtractRef(std::string_view text) {
  bool brace = !text.empty() && text[0] == '{';
  size_t start = brace ? 1 : 0;
  size_t i = start;
  while (i < text.size() && IsNameChar(text[i])) ++i;
  if (i == start) return std::nullopt;
  TemplateRef ref;
  ref.name = text.substr(start, i - start);
  if (brace) {
    if (i >= text.size() || text[i] != '}') return std::nullopt;
    ++i;
  }
  ref.length = i;
  int num = 0;
  for (char c : ref.name) {
    if (c < '0' || c > '9' || num >= 100000000) {
      num = -1;
      break;
    }
    num = num * 10 + (c - '0');
  }
  if (ref.name.size() > 1 && ref.name[0] == '0') num = -1;  // no leading zeros, as Go
  ref.number = num;
  return ref;
}

std::string_view GroupByName(const re2::RE2& regex, std::string_view name,
                             const std::vector<std::string_view>& groups) {
  const std::map<std::string, int>& named = regex.NamedCapturingGroups();
  auto it = named.find(std::string(name));
  if (it == named.end() || it->second >= static_cast<int>(groups.size())) return {};
  return groups[it->second];
}

// Matches the anchored regex against text; returns the groups, or nullopt.
std::optional<std::vector<std::string_view>> MatchGroups(const re2::RE2& regex,
                                                         std::string_view text) {
  // This RE2 predates its string_view API: match into StringPieces, then convert.
  std::vector<re2::StringPiece> pieces(regex.NumberOfCapturingGroups() + 1);
  if (!regex.Match(re2::StringPiece(text.data(), text.size()), 0, text.size(),
                   re2::RE2::ANCHOR_BOTH, pieces.data(), static_cast<int>(pieces.size()))) {
    return std::nullopt;
  }
  std::vector<std::string_view> groups;
  groups.reserve(pieces.size());
  for (const re2::StringPiece& piece : pieces) groups.emplace_back(piece.data(), piece.size());
  return groups;
}

// Prometheus' sum64(md5(value)): the digest's last eight bytes, big-endian (the shifts of the
// first eight overflow to zero in Go).
uint64_t HashMod(std::string_view value, uint64_t modulus) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(value.data(), value.size(), digest, &size, EVP_md5(), nullptr);
  uint64_t sum = 0;
  for (unsigned int i = 8; i < 16 && i < size; ++i) sum = (sum << 8) | digest[i];
  return sum % modulus;
}

std::string JoinSources(const std::map<std::string, std::string>& labels,
                        const RelabelConfig& rule) {
  std::string out;
  for (size_t i = 0; i < rule.source_labels.size(); ++i) {
    if (i > 0) out += rule.separator;
    auto it = labels.find(rule.source_labels[i]);
    if (it != labels.end()) out += it->second;
  }
  return out;
}

void SetOrDelete(std::map<std::string, std::string>* labels, const std::string& name,
                 std::string value) {
  if (value.empty()) {
    labels->erase(name);
  } else {
    (*labels)[name] = std::move(value);
  }
}

void Replace(const RelabelConfig& rule, const std::string& value,
             std::map<std::string, std::string>* labels) {
  auto groups = MatchGroups(*rule.compiled, value);
  if (!groups) return;
  std::string target = ExpandTemplate(rule.target_label, *rule.compiled, *groups);
  if (!IsValidLabelName(target)) return;
  SetOrDelete(labels, target, ExpandTemplate(rule.replacement, *rule.compiled, *groups));
}

void LabelMap(const RelabelConfig& rule, std::map<std::string, std::string>* labels) {
  std::map<std::string, std::string> out = *labels;
  for (const auto& [name, value] : *labels) {
    auto groups = MatchGroups(*rule.compiled, name);
    if (!groups) continue;
    std::string target = ExpandTemplate(rule.replacement, *rule.compiled, *groups);
    if (IsValidLabelName(target)) SetOrDelete(&out, target, value);
  }
  *labels = std::move(out);
}

// Applies one rule; false when the label set is dropped.
bool Apply(const RelabelConfig& rule, std::map<std::string, std::string>* labels) {
  const re2::RE2& regex = *rule.compiled;
  std::string value = JoinSources(*labels, rule);
  switch (rule.action) {
    case RelabelAction::kReplace:
      Replace(rule, value, labels);
      return true;
    case RelabelAction::kKeep:
      return re2::RE2::FullMatch(value, regex);
    case RelabelAction::kDrop:
      return !re2::RE2::FullMatch(value, regex);
    case RelabelAction::kHashMod:
      (*labels)[rule.target_label] = std::to_string(HashMod(value, rule.modulus));
      return true;
    case RelabelAction::kLabelMap:
      LabelMap(rule, labels);
      return true;
    case RelabelAction::kLowercase:
    case RelabelAction::kUppercase: {
      bool lower = rule.action == RelabelAction::kLowercase;
      for (char& c : value) {
        c = static_cast<char>(lower ? std::tolower(static_cast<unsigned char>(c))
                                    : std::toupper(static_cast<unsigned char>(c)));
      }
      SetOrDelete(labels, rule.target_label, value);
      return true;
    }
    case RelabelAction::kKeepEqual:
    case RelabelAction::kDropEqual: {
      auto it = labels->find(rule.target_label);
      bool equal = value == (it == labels->end() ? std::string() : it->second);
      return equal == (rule.action == RelabelAction::kKeepEqual);
    }
    case RelabelAction::kLabelDrop:
    case RelabelAction::kLabelKeep:
      bool drop_matching = rule.action == RelabelAction::kLabelDrop;
      std::erase_if(*labels, [&](const auto& label) {
        return re2::RE2::FullMatch(label.first, regex) == drop_matching;
      });
      return true;
  }
  return true;
}

}  // namespace

std::optional<RelabelAction> ParseRelabelAction(std::string_view name) {
  for (const auto& [n, action] : kActions) {
    if (n == name) return action;
  }
  return std::nullopt;
}

std::string_view RelabelActionName(RelabelAction action) {
  for (const auto& [n, a] : kActions) {
    if (a == action) return n;
  }
  return "unknown";
}

Status CompileRelabelConfig(RelabelConfig* config) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  auto regex = std::make_shared<const re2::RE2>("^(?:" + config->regex + ")$", options);
  if (!regex->ok()) {
    // The regex alone gives a message about what the user wrote, not about the wrapping.
    re2::RE2 alone(config->regex, options);
    return InvalidArgumentError("regex \"" + config->regex + "\" does not compile: " +
                                (alone.ok() ? regex->error() : alone.error()) +
                                " (use RE2 syntax)");
  }
  config->compiled = std::move(regex);
  bool needs_target =
      config->action != RelabelAction::kKeep && config->action != RelabelAction::kDrop &&
      config->action != RelabelAction::kLabelDrop && config->action != RelabelAction::kLabelKeep &&
      config->action != RelabelAction::kLabelMap;
  std::string action(RelabelActionName(config->action));
  if (needs_target && config->target_label.empty()) {
    return InvalidArgumentError("relabel action " + action + " needs a target_label");
  }
  if (config->action == RelabelAction::kHashMod && config->modulus == 0) {
    return InvalidArgumentError("relabel action hashmod needs a modulus > 0");
  }
  if (config->action == RelabelAction::kHashMod && !IsValidLabelName(config->target_label)) {
    return InvalidArgumentError("target_label \"" + config->target_label +
                                "\" is not a valid label name (use [a-zA-Z_][a-zA-Z0-9_]*)");
  }
  return Status::Ok();
}

std::optional<LabelSet> Relabel(const LabelSet& in, const std::vector<RelabelConfig>& rules) {
  std::map<std::string, std::string> labels(in.begin(), in.end());
  for (const RelabelConfig& rule : rules) {
    if (!Apply(rule, &labels)) return std::nullopt;
  }
  return LabelSet(labels.begin(), labels.end());
}

std::string ExpandTemplate(std::string_view templ, const re2::RE2& regex,
                           const std::vector<std::string_view>& groups) {
  std::string out;
  while (!templ.empty()) {
    size_t dollar = templ.find('$');
    if (dollar == std::string_view::npos) break;
    out.append(templ.substr(0, dollar));
    templ.remove_prefix(dollar + 1);
    if (!templ.empty() && templ[0] == '$') {
      out += '$';
      templ.remove_prefix(1);
      continue;
    }
    std::optional<TemplateRef> ref = ExtractRef(templ);
    if (!ref) {
      out += '$';  // malformed: the '$' is literal text, as in Go
      continue;
    }
    if (ref->number >= 0) {
      if (ref->number < static_cast<int>(groups.size())) out.append(groups[ref->number]);
    } else {
      out.append(GroupByName(regex, ref->name, groups));
    }
    templ.remove_prefix(ref->length);
  }
  out.append(templ);
  return out;
}

}  // namespace gw::hub
