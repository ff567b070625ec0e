#include "tsdb/matcher.h"

#include <re2/re2.h>

#include <utility>

namespace gw::tsdb {

Matcher::Matcher(MatchType type, std::string name, std::string value,
                 std::shared_ptr<const re2::RE2> re)
    : type_(type), name_(std::move(name)), value_(std::move(value)), re_(std::move(re)) {}

StatusOr<Matcher> Matcher::Create(MatchType type, std::string name, std::string value) {
  std::shared_ptr<const re2::RE2> re;
  if (type == MatchType::kRegexMatch || type == MatchType::kRegexNoMatch) {
    re2::RE2::Options options;
    options.set_log_errors(false);
    // FullMatch anchors both ends; (?s:) lets `.` match a newline, as Prometheus does.
    re = std::make_shared<const re2::RE2>("(?s:" + value + ")", options);
    if (!re->ok()) {
      return InvalidArgumentError(
          "label matcher " + Matcher(type, name, value, nullptr).ToString() +
          ": invalid regular expression: " + re->error() + " (use RE2 syntax)");
    }
  }
  return Matcher(type, std::move(name), std::move(value), std::move(re));
}

bool Matcher::Matches(std::string_view value) const {
  switch (type_) {
    case MatchType::kEqual:
      return value == value_;
    case MatchType::kNotEqual:
      return value != value_;
    case MatchType::kRegexMatch:
      return re2::RE2::FullMatch(value, *re_);
    case MatchType::kRegexNoMatch:
      return !re2::RE2::FullMatch(value, *re_);
  }
  return false;
}

std::string Matcher::ToString() const {
  static constexpr const char* kOps[] = {"=", "!=", "=~", "!~"};
  return name_ + kOps[static_cast<int>(type_)] + "\"" + value_ + "\"";
}

}  // namespace gw::tsdb
