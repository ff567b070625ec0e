#include "metrics/text_parser.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace gw::metrics {
namespace {

// A cursor over one line; every Parse* returns false and sets error_ on failure.
class LineParser {
 public:
  explicit LineParser(std::string_view line) : rest_(line) {}

  bool ParseSample(ParsedSample* out);
  const std::string& error() const { return error_; }

 private:
  bool Fail(std::string why) {
    error_ = std::move(why);
    return false;
  }
  std::string_view TakeName();
  bool ParseLabels(Labels* labels);
  bool ParseQuoted(std::string* value);
  bool ParseNumber(std::string_view token, double* value);
  void SkipSpaces() {
    while (!rest_.empty() && (rest_.front() == ' ' || rest_.front() == '\t'))
      rest_.remove_prefix(1);
  }

  std::string_view rest_;
  std::string error_;
};

bool IsNameChar(char c, bool first) {
  bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  return alpha || (!first && c >= '0' && c <= '9');
}

std::string_view LineParser::TakeName() {
  size_t n = 0;
  while (n < rest_.size() && IsNameChar(rest_[n], n == 0)) ++n;
  std::string_view name = rest_.substr(0, n);
  rest_.remove_prefix(n);
  return name;
}

bool LineParser::ParseQuoted(std::string* value) {
  Status s = ParseQuotedLabelValue(&rest_, value);
  return s.ok() || Fail(s.message());
}

bool LineParser::ParseLabels(Labels* labels) {
  rest_.remove_prefix(1);  // '{'
  for (;;) {
    SkipSpaces();
    if (!rest_.empty() && rest_.front() == '}') {
      rest_.remove_prefix(1);
      return true;
    }
    std::string_view name = TakeName();
    if (name.empty() || name.find(':') != std::string_view::npos) {
      return Fail("expected a label name");
    }
    SkipSpaces();
    if (rest_.empty() || rest_.front() != '=') return Fail("expected '=' after label name");
    rest_.remove_prefix(1);
    SkipSpaces();
    Label label{std::string(name), {}};
    if (!ParseQuoted(&label.value)) return false;
    for (const Label& seen : *labels) {
      if (seen.name == label.name) return Fail("duplicate label \"" + label.name + "\"");
    }
    labels->push_back(std::move(label));
    SkipSpaces();
    if (!rest_.empty() && rest_.front() == ',') {
      rest_.remove_prefix(1);
    } else if (rest_.empty() || rest_.front() != '}') {
      return Fail("expected ',' or '}' after a label");
    }
  }
}

bool LineParser::ParseNumber(std::string_view token, double* value) {
  if (token == "NaN") {
    *value = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (token == "+Inf" || token == "Inf") {
    *value = std::numeric_limits<double>::infinity();
    return true;
  }
  if (token == "-Inf") {
    *value = -std::numeric_limits<double>::infinity();
    return true;
  }
  if (!token.empty() && token.front() == '+') token.remove_prefix(1);
  auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), *value);
  if (token.empty() || ec != std::errc() || ptr != token.data() + token.size()) {
    return Fail("invalid number \"" + std::string(token) + "\"");
  }
  return true;
}

bool LineParser::ParseSample(ParsedSample* out) {
  std::string_view name = TakeName();
  if (name.empty()) return Fail("expected a metric name");
  out->name = std::string(name);
  if (!rest_.empty() && rest_.front() == '{' && !ParseLabels(&out->labels)) return false;
  if (rest_.empty() || (rest_.front() != ' ' && rest_.front() != '\t')) {
    return Fail("expected a space before the value");
  }
  SkipSpaces();
  size_t end = rest_.find_first_of(" \t");
  if (!ParseNumber(rest_.substr(0, end), &out->value)) return false;
  if (end == std::string_view::npos) return true;
  rest_.remove_prefix(end);
  SkipSpaces();
  if (rest_.empty()) return true;
  int64_t ts = 0;
  auto [ptr, ec] = std::from_chars(rest_.data(), rest_.data() + rest_.size(), ts);
  if (ec != std::errc() || ptr != rest_.data() + rest_.size()) {
    return Fail("invalid timestamp \"" + std::string(rest_) + "\"");
  }
  out->timestamp_ms = ts;
  return true;
}

std::string UnescapeHelp(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      char e = text[++i];
      out.push_back(e == 'n' ? '\n' : e);
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// "# HELP name text" / "# TYPE name type"; other comments are ignored.
Status ParseComment(std::string_view line, ParsedExposition* out) {
  line.remove_prefix(1);
  while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
  bool is_help = line.substr(0, 5) == "HELP ";
  bool is_type = line.substr(0, 5) == "TYPE ";
  if (!is_help && !is_type) return Status::Ok();
  line.remove_prefix(5);
  size_t space = line.find(' ');
  std::string name(line.substr(0, space));
  std::string_view text = space == std::string_view::npos ? "" : line.substr(space + 1);
  if (!IsValidMetricName(name)) return InvalidArgumentError("invalid metric name in comment");
  if (is_help) {
    out->help[name] = UnescapeHelp(text);
    return Status::Ok();
  }
  static constexpr std::string_view kTypes[] = {"counter", "gauge",    "histogram",
                                                "summary", "untyped",  "unknown",
                                                "info",    "stateset", "gaugehistogram"};
  for (std::string_view t : kTypes) {
    if (text == t) {
      out->types[name] = std::string(text);
      return Status::Ok();
    }
  }
  return InvalidArgumentError("unknown metric type \"" + std::string(text) + "\"");
}

}  // namespace

std::optional<std::string> ParsedSample::Label(std::string_view label_name) const {
  for (const auto& l : labels) {
    if (l.name == label_name) return l.value;
  }
  return std::nullopt;
}

StatusOr<ParsedExposition> ParseText(std::string_view text) {
  ParsedExposition out;
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line == "# EOF") continue;
    if (line.front() == '#') {
      Status s = ParseComment(line, &out);
      if (!s.ok()) return s.WithContext("line " + std::to_string(line_no));
      continue;
    }
    ParsedSample sample;
    LineParser parser(line);
    if (!parser.ParseSample(&sample)) {
      return InvalidArgumentError("line " + std::to_string(line_no) + ": " + parser.error());
    }
    out.samples.push_back(std::move(sample));
  }
  return out;
}

Status ParseQuotedLabelValue(std::string_view* rest, std::string* value) {
  if (rest->empty() || rest->front() != '"') {
    return InvalidArgumentError("expected '\"' to open a label value");
  }
  rest->remove_prefix(1);
  while (!rest->empty()) {
    char c = rest->front();
    rest->remove_prefix(1);
    if (c == '"') return Status::Ok();
    if (c != '\\') {
      value->push_back(c);
      continue;
    }
    if (rest->empty()) break;
    char e = rest->front();
    rest->remove_prefix(1);
    if (e == 'n') {
      value->push_back('\n');
    } else if (e == '\\' || e == '"') {
      value->push_back(e);
    } else {
      return InvalidArgumentError(std::string("invalid escape \"\\") + e + "\" in label value");
    }
  }
  return InvalidArgumentError("label value not closed by '\"'");
}

}  // namespace gw::metrics
