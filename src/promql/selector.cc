#include "promql/selector.h"

#include <cctype>
#include <string>

#include "metrics/metric_family.h"

namespace gw::promql {
namespace {

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':'; }
bool IsNameChar(char c) { return IsNameStart(c) || std::isdigit(static_cast<unsigned char>(c)); }

class SelectorParser {
 public:
  explicit SelectorParser(std::string_view text) : text_(text) {}

  StatusOr<std::vector<tsdb::Matcher>> Parse() {
    SkipSpace();
    if (pos_ < text_.size() && IsNameStart(text_[pos_])) {
      std::string name = Name();
      GW_ASSIGN_OR_RETURN(tsdb::Matcher m,
                          tsdb::Matcher::Create(tsdb::MatchType::kEqual, "__name__", name));
      matchers_.push_back(std::move(m));
      SkipSpace();
    }
    if (pos_ < text_.size() && text_[pos_] == '{') {
      ++pos_;
      GW_RETURN_IF_ERROR(LabelMatchers());
    }
    SkipSpace();
    if (pos_ < text_.size()) return Error("unexpected \"" + std::string(1, text_[pos_]) + "\"", "end of selector");
    if (matchers_.empty()) return Error("empty selector", "a metric name or {label matchers}");
    for (const tsdb::Matcher& m : matchers_) {
      if (!m.Matches("")) return std::move(matchers_);
    }
    return InvalidArgumentError(
        "vector selector must contain at least one non-empty matcher");
  }

 private:
  Status LabelMatchers() {
    while (true) {
      SkipSpace();
      if (pos_ < text_.size() && text_[pos_] == '}') {
        ++pos_;
        return Status::Ok();
      }
      if (pos_ >= text_.size() || !IsNameStart(text_[pos_]) || text_[pos_] == ':') {
        return Error(pos_ >= text_.size() ? "unexpected end of input" : "unexpected character",
                     "label name or \"}\"");
      }
      std::string name = Name();
      SkipSpace();
      GW_ASSIGN_OR_RETURN(tsdb::MatchType type, Operator());
      SkipSpace();
      GW_ASSIGN_OR_RETURN(std::string value, String());
      StatusOr<tsdb::Matcher> m = tsdb::Matcher::Create(type, name, std::move(value));
      if (!m.ok()) return Error(m.status().message(), "a valid regular expression");
      matchers_.push_back(*std::move(m));
      SkipSpace();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == '}') continue;
      return Error(pos_ >= text_.size() ? "unexpected end of input" : "unexpected character",
                   "\",\" or \"}\"");
    }
  }

  StatusOr<tsdb::MatchType> Operator() {
    auto next_is = [&](std::string_view op) { return text_.substr(pos_, op.size()) == op; };
    if (next_is("=~")) return pos_ += 2, tsdb::MatchType::kRegexMatch;
    if (next_is("!~")) return pos_ += 2, tsdb::MatchType::kRegexNoMatch;
    if (next_is("!=")) return pos_ += 2, tsdb::MatchType::kNotEqual;
    if (next_is("=")) return pos_ += 1, tsdb::MatchType::kEqual;
    return Error("unexpected " + (pos_ < text_.size() ? "\"" + std::string(1, text_[pos_]) + "\"" : std::string("end of input")),
                 "one of \"=\", \"!=\", \"=~\", \"!~\"");
  }

  StatusOr<std::string> String() {
    if (pos_ >= text_.size() || (text_[pos_] != '"' && text_[pos_] != '\'' && text_[pos_] != '`')) {
      return Error("unexpected " + (pos_ < text_.size() ? "\"" + std::string(1, text_[pos_]) + "\"" : std::string("end of input")),
                   "a quoted string");
    }
    const size_t start = pos_;
    const char quote = text_[pos_++];
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      char c = text_[pos_++];
      if (c == '\\' && quote != '`') {
        if (pos_ >= text_.size()) break;
        c = text_[pos_++];
        switch (c) {
          case 'n': out.push_back('\n'); break;
          case 't': out.push_back('\t'); break;
          case 'r': out.push_back('\r'); break;
          case '\\': case '"': case '\'': out.push_back(c); break;
          default:
            pos_ -= 2;
            return Error("unknown escape sequence \"\\" + std::string(1, c) + "\"", "a valid escape");
        }
        continue;
      }
      if (c == '\n' && quote != '`') break;
      out.push_back(c);
    }
    if (pos_ >= text_.size() || text_[pos_] != quote) {
      pos_ = start;
      return Error("unterminated quoted string", "a closing " + std::string(1, quote));
    }
    ++pos_;
    return out;
  }

  std::string Name() {
    const size_t start = pos_;
    while (pos_ < text_.size() && IsNameChar(text_[pos_])) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }

  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  Status Error(std::string_view what, std::string_view expected) const {
    return InvalidArgumentError("1:" + std::to_string(pos_ + 1) + ": parse error: " +
                                std::string(what) + ", expected " + std::string(expected));
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::vector<tsdb::Matcher> matchers_;
};

}  // namespace

StatusOr<std::vector<tsdb::Matcher>> ParseSelector(std::string_view text) {
  return SelectorParser(text).Parse();
}

}  // namespace gw::promql
