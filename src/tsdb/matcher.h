// Label matchers, as in PromQL selectors: name = "v", name != "v", name =~ "re", name !~ "re".
#ifndef GW_TSDB_MATCHER_H_
#define GW_TSDB_MATCHER_H_

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace re2 {
class RE2;
}

namespace gw::tsdb {

enum class MatchType { kEqual, kNotEqual, kRegexMatch, kRegexNoMatch };

// Matches the value of one label; a missing label has the value "". So a matcher that matches
// "" (name="", name!="x", name=~".*") also selects series without the label, as in Prometheus.
// Regular expressions use RE2 syntax, are fully anchored, and `.` matches newlines (Prometheus
// compiles "^(?s:re)$").
// Thread-safe: immutable; copies share the compiled expression.
class Matcher {
 public:
  // kInvalidArgument if `value` is not a valid RE2 expression for the regex types.
  static StatusOr<Matcher> Create(MatchType type, std::string name, std::string value);

  bool Matches(std::string_view value) const;

  MatchType type() const { return type_; }
  const std::string& name() const { return name_; }
  const std::string& value() const { return value_; }
  // e.g. job=~"gpu.*"
  std::string ToString() const;

 private:
  Matcher(MatchType type, std::string name, std::string value, std::shared_ptr<const re2::RE2> re);

  MatchType type_;
  std::string name_;
  std::string value_;
  std::shared_ptr<const re2::RE2> re_;  // set for the regex types
};

}  // namespace gw::tsdb

#endif  // GW_TSDB_MATCHER_H_
