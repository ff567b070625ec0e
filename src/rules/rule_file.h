// Rule files in Prometheus' format (groups of alerting and recording rules), as the hub's
// `rule_files` name them and `gpuwatchdog check-rules` validates them. The same files must
// pass Debian's `promtool check rules`.
#ifndef GW_RULES_RULE_FILE_H_
#define GW_RULES_RULE_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "promql/ast.h"
#include "tsdb/labels.h"

namespace gw::rules {

struct Rule {
  enum class Kind { kAlerting, kRecording };
  Kind kind = Kind::kAlerting;
  std::string name;       // the alert's name, or the recorded metric's name
  std::string expr_text;  // as written
  std::shared_ptr<const promql::Expr> expr;  // parsed and type-checked (vector or scalar)
  int64_t for_ms = 0;
  int64_t keep_firing_for_ms = 0;
  // As written: for alerting rules the values are templates, expanded per alert.
  std::vector<tsdb::Label> labels;
  std::vector<tsdb::Label> annotations;  // alerting rules only
  int line = 0;                          // of the rule's first key in its file
};

struct RuleGroup {
  std::string name;
  std::string file;
  int64_t interval_ms = 0;  // 0: the hub's global.evaluation_interval
  int64_t limit = 0;        // most alerts / series per rule, 0: no limit
  std::vector<Rule> rules;
};

// Parses one rule file, with promtool's (2.42) checks and wording. An empty file, or a group
// with no rules, is valid. Errors: kInvalidArgument "file:line: what is wrong", for YAML syntax,
// unknown keys ("field x not found in type rulefmt.RuleGroup"), repeated keys, a group without
// a name, a repeated group name, a bad duration or limit; and, at the rule's line, prefixed
// `group "g", rule N, "name": `: both or neither of alert/record, a missing expr, an expression
// that does not parse ("could not parse expression: 1:5: parse error: ...") or is not an
// instant vector or scalar (promtool accepts that; Prometheus fails it at every evaluation), an
// invalid recording rule name, label or annotation name, `for`, `keep_firing_for` or
// annotations on a recording rule, a label or annotation template that does not parse.
StatusOr<std::vector<RuleGroup>> ParseRuleFile(std::string_view file_name, std::string_view text);

// Expands each glob (relative ones against base_dir, as Prometheus resolves them against the
// config file's directory), reads and parses every file, in sorted order. A glob matching
// nothing is not an error (as in Prometheus). Errors: the first file's error; kNotFound /
// kIoError for an unreadable file.
StatusOr<std::vector<RuleGroup>> LoadRuleFiles(const std::vector<std::string>& globs,
                                               const std::string& base_dir);

// `gpuwatchdog check-rules FILE...`; argv[0] is the command's name, the files follow. Prints as
// `promtool check rules` does: "Checking FILE\n" then "  SUCCESS: N rules found\n\n" on stdout,
// or "  FAILED:\nfile:line: ...\n\n" on stderr. Returns 0 when all files are valid, else 1
// (also for no files).
int CheckRulesMain(int argc, const char* const* argv);

}  // namespace gw::rules

#endif  // GW_RULES_RULE_FILE_H_
