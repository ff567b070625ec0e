#include "hub/scrape_page.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "metrics/text_parser.h"
#include "tsdb/labels.h"

namespace gw::hub {
namespace {

bool IsNameChar(char c, bool first) {
  bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  return alpha || (!first && c >= '0' && c <= '9');
}

size_t NameLength(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && IsNameChar(s[n], n == 0)) ++n;
  return n;
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view SkipBlanks(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);
         });
}

// Go's ParseFloat plus the spellings both formats allow for NaN and infinities.
std::optional<double> ParseValue(std::string_view token) {
  std::string_view unsigned_token = token;
  bool negative = false;
  if (!token.empty() && (token.front() == '+' || token.front() == '-')) {
    negative = token.front() == '-';
    unsigned_token.remove_prefix(1);
  }
  if (EqualsIgnoreCase(token, "nan")) return std::numeric_limits<double>::quiet_NaN();
  if (EqualsIgnoreCase(unsigned_token, "inf") || EqualsIgnoreCase(unsigned_token, "infinity")) {
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  }
  if (unsigned_token.empty()) return std::nullopt;
  if (token.front() == '+') token.remove_prefix(1);
  double value = 0;
  auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc() || ptr != token.data() + token.size()) return std::nullopt;
  return value;
}

std::optional<int64_t> ParseTimestamp(std::string_view token, PageFormat format) {
  if (format == PageFormat::kPrometheusText) {
    int64_t ms = 0;
    auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), ms);
    if (ec != std::errc() || ptr != token.data() + token.size()) return std::nullopt;
    return ms;
  }
  std::optional<double> seconds = ParseValue(token);
  if (!seconds || !std::isfinite(*seconds) || std::fabs(*seconds) > 9e15) return std::nullopt;
  return static_cast<int64_t>(std::llround(*seconds * 1000));
}

// The length of the series text at the start of `line`: the name and a label block, whose
// quoted values may hold '}' and blanks.
std::optional<size_t> SeriesLength(std::string_view line) {
  size_t n = NameLength(line);
  if (n == 0) return std::nullopt;
  if (n == line.size() || line[n] != '{') return n;
  bool quoted = false;
  for (size_t i = n + 1; i < line.size(); ++i) {
    char c = line[i];
    if (quoted && c == '\\') {
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && c == '}') {
      return i + 1;
    }
  }
  return std::nullopt;
}


}  // namespace

PageFormat FormatOfContentType(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && IsBlank(media.back())) media.remove_suffix(1);
  return EqualsIgnoreCase(media, "application/openmetrics-text") ? PageFormat::kOpenMetrics
                                                                 : PageFormat::kPrometheusText;
}

bool PageScanner::Fail(const std::string& why) {
  status_ = InvalidArgumentError("line " + std::to_string(line_number_) + ": " + why);
  rest_ = {};
  return false;
}

bool PageScanner::Next(PageSample* sample) {
  while (!rest_.empty()) {
    ++line_number_;
    const char* nl = static_cast<const char*>(std::memchr(rest_.data(), '\n', rest_.size()));
    size_t len = nl == nullptr ? rest_.size() : static_cast<size_t>(nl - rest_.data());
    std::string_view line = rest_.substr(0, len);
    rest_.remove_prefix(nl == nullptr ? len : len + 1);
    if (saw_eof_) return Fail("content after \"# EOF\"");
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.front() == '#') {
      if (format_ == PageFormat::kOpenMetrics && line == "# EOF") saw_eof_ = true;
      if (metadata_ != nullptr) RecordMetadata(line);
      continue;
    }
    return ParseLine(line, sample);
  }
  if (format_ == PageFormat::kOpenMetrics && !saw_eof_ && status_.ok()) {
    status_ = InvalidArgumentError("OpenMetrics page does not end with \"# EOF\"");
  }
  return false;
}

void PageScanner::RecordMetadata(std::string_view comment) {
  // "# HELP name text", "# TYPE name type", "# UNIT name unit"; other comments are comments.
  if (comment.size() < 8 || comment.substr(0, 2) != "# ") return;
  const std::string_view keyword = comment.substr(2, 5);
  if (keyword != "HELP " && keyword != "TYPE " && keyword != "UNIT ") return;
  std::string_view rest = comment.substr(7);
  const size_t space = rest.find(' ');
  const std::string_view name = rest.substr(0, space);
  const std::string_view text = space == std::string_view::npos ? "" : rest.substr(space + 1);
  if (name.empty()) return;
  auto it = metadata_->find(name);
  if (it == metadata_->end()) it = metadata_->emplace(std::string(name), MetricMetadata{}).first;
  MetricMetadata& m = it->second;
  if (keyword == "TYPE ") {
    m.type = text == "untyped" ? "unknown" : std::string(text);
  } else if (keyword == "UNIT ") {
    m.unit = std::string(text);
  } else {
    m.help.clear();
    for (size_t i = 0; i < text.size(); ++i) {  // \\ and \n are the only escapes in HELP
      if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == '\\' || text[i + 1] == 'n')) {
        m.help.push_back(text[++i] == 'n' ? '\n' : '\\');
      } else {
        m.help.push_back(text[i]);
      }
    }
  }
}

bool PageScanner::ParseLine(std::string_view line, PageSample* sample) {
  std::optional<size_t> series_length = SeriesLength(line);
  if (!series_length) return Fail("expected a metric name and labels");
  sample->series = line.substr(0, *series_length);
  std::string_view rest = line.substr(*series_length);
  if (rest.empty() || !IsBlank(rest.front())) return Fail("expected a blank before the value");
  rest = SkipBlanks(rest);
  size_t end = std::min(rest.find(' '), rest.find('\t'));
  std::string_view token = rest.substr(0, end);
  std::optional<double> value = ParseValue(token);
  if (!value) return Fail("invalid value \"" + std::string(token) + "\"");
  sample->value = *value;
  sample->timestamp_ms.reset();
  rest = SkipBlanks(end == std::string_view::npos ? std::string_view() : rest.substr(end));
  if (rest.empty() || rest.front() == '#') return true;  // '#': an OpenMetrics exemplar
  end = std::min(rest.find(' '), rest.find('\t'));
  token = rest.substr(0, end);
  sample->timestamp_ms = ParseTimestamp(token, format_);
  if (!sample->timestamp_ms) return Fail("invalid timestamp \"" + std::string(token) + "\"");
  rest = SkipBlanks(end == std::string_view::npos ? std::string_view() : rest.substr(end));
  if (!rest.empty() && rest.front() != '#') return Fail("unexpected text after the timestamp");
  return true;
}

StatusOr<LabelSet> ParseSeries(std::string_view series) {
  size_t n = NameLength(series);
  if (n == 0) return InvalidArgumentError("expected a metric name");
  LabelSet labels;
  labels.emplace_back(std::string(tsdb::kMetricNameLabel), std::string(series.substr(0, n)));
  std::string_view rest = series.substr(n);
  if (!rest.empty()) {
    if (rest.front() != '{') return InvalidArgumentError("expected '{' after the metric name");
    rest.remove_prefix(1);
    for (;;) {
      rest = SkipBlanks(rest);
      if (!rest.empty() && rest.front() == '}') break;
      size_t name_length = NameLength(rest);
      std::string name(rest.substr(0, name_length));
      if (name.empty() || name.find(':') != std::string::npos) {
        return InvalidArgumentError("expected a label name");
      }
      rest = SkipBlanks(rest.substr(name_length));
      if (rest.empty() || rest.front() != '=') {
        return InvalidArgumentError("expected '=' after label name \"" + name + "\"");
      }
      rest = SkipBlanks(rest.substr(1));
      std::string value;
      GW_RETURN_IF_ERROR(metrics::ParseQuotedLabelValue(&rest, &value));
      labels.emplace_back(std::move(name), std::move(value));
      rest = SkipBlanks(rest);
      if (!rest.empty() && rest.front() == ',') {
        rest.remove_prefix(1);
      } else if (rest.empty() || rest.front() != '}') {
        return InvalidArgumentError("expected ',' or '}' after a label");
      }
    }
  }
  std::sort(labels.begin(), labels.end());
  for (size_t i = 1; i < labels.size(); ++i) {
    if (labels[i].first == labels[i - 1].first) {
      return InvalidArgumentError("duplicate label \"" + labels[i].first + "\"");
    }
  }
  return labels;
}

}  // namespace gw::hub
