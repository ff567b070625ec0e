// Prometheus relabeling: rewrites a target's or a sample's label set by a list of rules
// (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#relabel_config).
#ifndef GW_HUB_RELABEL_H_
#define GW_HUB_RELABEL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace gw::hub {

// Labels sorted by name, names unique. The hub's own type: this component does not depend on
// the storage's label representation.
using LabelSet = std::vector<std::pair<std::string, std::string>>;

enum class RelabelAction {
  kReplace,
  kKeep,
  kDrop,
  kLabelDrop,
  kLabelKeep,
  kLabelMap,
  kHashMod,
  kLowercase,  // target_label = lower-cased joined source labels
  kUppercase,
  kKeepEqual,  // keep when the joined source labels equal target_label's value
  kDropEqual,  // drop when they are equal
};

// "replace", "keep", ...; nullopt for an unknown name.
std::optional<RelabelAction> ParseRelabelAction(std::string_view name);
std::string_view RelabelActionName(RelabelAction action);

// One rule. Build it with MakeRelabelConfig, which compiles the regex; the defaults are those
// of Prometheus. Thread-safety: immutable after construction, shareable across threads.
struct RelabelConfig {
  std::vector<std::string> source_labels;
  std::string separator = ";";
  std::string regex = "(.*)";  // as written; matched fully anchored, as ^(?:regex)$
  std::string target_label;
  std::string replacement = "$1";
  uint64_t modulus = 0;
  RelabelAction action = RelabelAction::kReplace;
  std::shared_ptr<const re2::RE2> compiled;  // set by CompileRelabelConfig
};

// Compiles config->regex and checks the fields the action needs (replace and hashmod need a
// target_label, hashmod a modulus > 0). Errors: kInvalidArgument saying what is wrong, without
// file or line (the config parser adds them).
Status CompileRelabelConfig(RelabelConfig* config);

// Applies the rules in order. Returns nullopt when a keep or drop rule drops the set.
// A label whose new value is "" is removed. REQUIRES: every rule went through
// CompileRelabelConfig; `in` is sorted by name.
std::optional<LabelSet> Relabel(const LabelSet& in, const std::vector<RelabelConfig>& rules);

// Go's Regexp.Expand: $1, ${1}, $name, ${name} and $$ in `templ`, from the groups of `regex`
// matched as `groups` (groups[0] is the whole match; an unmatched group is empty). Exposed for
// tests.
std::string ExpandTemplate(std::string_view templ, const re2::RE2& regex,
                           const std::vector<std::string_view>& groups);

}  // namespace gw::hub

#endif  // GW_HUB_RELABEL_H_
