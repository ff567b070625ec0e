#include "hub/api.h"

#include <boost/json.hpp>

#include <cctype>
#include <charconv>
#include <cmath>
#include <ctime>
#include <limits>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "http/form.h"
#include "promql/selector.h"

namespace gw::hub {
namespace {

// Prometheus' defaults for an absent start and end: the whole representable range.
constexpr int64_t kMinTime = std::numeric_limits<int64_t>::min() / 2;
constexpr int64_t kMaxTime = std::numeric_limits<int64_t>::max() / 2;
constexpr std::string_view kLabelValuesPrefix = "/api/v1/label/";
constexpr std::string_view kLabelValuesSuffix = "/values";

}  // namespace

http::Response ApiJson(int status, const boost::json::value& body) {
  http::Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::make_shared<const std::string>(boost::json::serialize(body));
  return r;
}

http::Response ApiSuccess(boost::json::value data) {
  return ApiJson(200, boost::json::object{{"status", "success"}, {"data", std::move(data)}});
}

namespace {

bool ParseDigits(std::string_view s, int* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

// "2026-11-29T10:00:00[.frac](Z|+hh:mm|-hh:mm)"
std::optional<int64_t> ParseRfc3339(std::string_view s) {
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
      s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  std::tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ParseDigits(s.substr(0, 4), &year) || !ParseDigits(s.substr(5, 2), &month) ||
      !ParseDigits(s.substr(8, 2), &day) || !ParseDigits(s.substr(11, 2), &hour) ||
      !ParseDigits(s.substr(14, 2), &minute) || !ParseDigits(s.substr(17, 2), &second) ||
      month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  size_t pos = 19;
  int64_t millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 3) millis = millis * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int d = digits; d < 3; ++d) millis *= 10;
  }
  int64_t offset_s = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
    offset_s = 0;
  } else if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':') {
    int oh = 0, om = 0;
    if (!ParseDigits(s.substr(pos + 1, 2), &oh) || !ParseDigits(s.substr(pos + 4, 2), &om)) {
      return std::nullopt;
    }
    offset_s = (int64_t{oh} * 3600 + int64_t{om} * 60) * (s[pos] == '+' ? 1 : -1);
  } else {
    return std::nullopt;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const int64_t epoch_s = static_cast<int64_t>(timegm(&tm)) - offset_s;
  return epoch_s * 1000 + millis;
}

}  // namespace

StatusOr<int64_t> ApiTimeParam(const http::Form& form, std::string_view name, int64_t fallback) {
  if (!form.Has(name) || form.Get(name).empty()) return fallback;
  StatusOr<int64_t> t = ParseApiTime(form.Get(name));
  if (!t.ok()) {
    return InvalidArgumentError("invalid parameter \"" + std::string(name) + "\": " +
                                t.status().message());
  }
  return t;
}

namespace {

struct Range {
  int64_t start = kMinTime;
  int64_t end = kMaxTime;
};

StatusOr<Range> RangeParams(const http::Form& form) {
  Range r;
  GW_ASSIGN_OR_RETURN(r.start, ApiTimeParam(form, "start", kMinTime));
  GW_ASSIGN_OR_RETURN(r.end, ApiTimeParam(form, "end", kMaxTime));
  if (r.end < r.start) {
    return InvalidArgumentError("invalid parameter \"end\": end timestamp must not be before start time");
  }
  return r;
}

StatusOr<std::vector<std::vector<tsdb::Matcher>>> MatchParams(const http::Form& form) {
  std::vector<std::vector<tsdb::Matcher>> sets;
  for (const std::string& text : form.GetAll("match[]")) {
    StatusOr<std::vector<tsdb::Matcher>> m = promql::ParseSelector(text);
    if (!m.ok()) {
      return InvalidArgumentError("invalid parameter \"match[]\": " + m.status().message());
    }
    sets.push_back(*std::move(m));
  }
  return sets;
}

// Label name syntax, reserved names (__name__) included: they are valid to ask about.
bool IsLabelNameSyntax(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

boost::json::array ToJsonArray(const std::set<std::string>& values) {
  boost::json::array out;
  out.reserve(values.size());
  for (const std::string& v : values) out.emplace_back(v);
  return out;
}

}  // namespace

StatusOr<int64_t> ParseApiTime(std::string_view text) {
  double seconds = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec == std::errc() && p == text.data() + text.size() && std::isfinite(seconds)) {
    if (std::abs(seconds) > static_cast<double>(kMaxTime) / 1000) {
      return InvalidArgumentError("cannot parse \"" + std::string(text) + "\" to a valid timestamp");
    }
    return static_cast<int64_t>(std::llround(seconds * 1000));
  }
  if (std::optional<int64_t> t = ParseRfc3339(text); t.has_value()) return *t;
  return InvalidArgumentError("cannot parse \"" + std::string(text) + "\" to a valid timestamp");
}

http::Response ApiErrorResponse(const Status& status) {
  int code = 500;
  std::string type = "internal";
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      code = 400;
      type = "bad_data";
      break;
    case StatusCode::kUnavailable:
      code = 503;
      type = "unavailable";
      break;
    case StatusCode::kResourceExhausted:
      code = 422;
      type = "execution";
      break;
    case StatusCode::kDeadlineExceeded:
      code = 503;
      type = "timeout";
      break;
    default:
      break;
  }
  return ApiJson(code, boost::json::object{
                        {"status", "error"}, {"errorType", type}, {"error", status.message()}});
}

std::optional<http::Response> ReadApi::Handle(const http::Request& request) const {
  const std::string& path = request.path;
  if (path == "/api/v1/series") return Series(request);
  if (path == "/api/v1/labels") return LabelNames(request);
  if (path.starts_with(kLabelValuesPrefix) && path.ends_with(kLabelValuesSuffix) &&
      path.size() > kLabelValuesPrefix.size() + kLabelValuesSuffix.size()) {
    std::string_view name(path);
    name.remove_prefix(kLabelValuesPrefix.size());
    name.remove_suffix(kLabelValuesSuffix.size());
    StatusOr<std::string> decoded = http::PercentDecode(name, false);
    if (!decoded.ok()) return ApiErrorResponse(decoded.status());
    return LabelValues(request, *std::move(decoded));
  }
  return std::nullopt;
}

http::Response ReadApi::Series(const http::Request& request) const {
  StatusOr<http::Form> form = http::Form::FromRequest(request);
  if (!form.ok()) return ApiErrorResponse(form.status());
  StatusOr<std::vector<std::vector<tsdb::Matcher>>> sets = MatchParams(*form);
  if (!sets.ok()) return ApiErrorResponse(sets.status());
  if (sets->empty()) return ApiErrorResponse(InvalidArgumentError("no match[] parameter provided"));
  StatusOr<Range> range = RangeParams(*form);
  if (!range.ok()) return ApiErrorResponse(range.status());

  std::set<tsdb::Labels> found;
  for (const std::vector<tsdb::Matcher>& matchers : *sets) {
    StatusOr<std::vector<tsdb::SeriesChunks>> series =
        querier_->Select(matchers, range->start, range->end);
    if (!series.ok()) return ApiErrorResponse(series.status());
    for (tsdb::SeriesChunks& s : *series) found.insert(std::move(s.labels));
  }
  boost::json::array data;
  data.reserve(found.size());
  for (const tsdb::Labels& labels : found) {
    boost::json::object o;
    for (const tsdb::Label& l : labels) o[l.name] = l.value;
    data.emplace_back(std::move(o));
  }
  return ApiSuccess(std::move(data));
}

namespace {

// The parameters /api/v1/labels and /api/v1/label/<name>/values share: optional match[]
// selectors (none: every series) and a time range.
struct ListingParams {
  std::vector<std::vector<tsdb::Matcher>> sets;
  Range range;
};

StatusOr<ListingParams> ParseListingParams(const http::Request& request) {
  GW_ASSIGN_OR_RETURN(http::Form form, http::Form::FromRequest(request));
  ListingParams p;
  GW_ASSIGN_OR_RETURN(p.sets, MatchParams(form));
  GW_ASSIGN_OR_RETURN(p.range, RangeParams(form));
  if (p.sets.empty()) p.sets.emplace_back();
  return p;
}

}  // namespace

http::Response ReadApi::LabelNames(const http::Request& request) const {
  StatusOr<ListingParams> p = ParseListingParams(request);
  if (!p.ok()) return ApiErrorResponse(p.status());
  std::set<std::string> names;
  for (const std::vector<tsdb::Matcher>& matchers : p->sets) {
    StatusOr<std::vector<std::string>> found =
        querier_->LabelNames(matchers, p->range.start, p->range.end);
    if (!found.ok()) return ApiErrorResponse(found.status());
    names.insert(found->begin(), found->end());
  }
  return ApiSuccess(ToJsonArray(names));
}

http::Response ReadApi::LabelValues(const http::Request& request, const std::string& name) const {
  if (!IsLabelNameSyntax(name)) {
    return ApiErrorResponse(InvalidArgumentError("invalid label name: \"" + name + "\""));
  }
  StatusOr<ListingParams> p = ParseListingParams(request);
  if (!p.ok()) return ApiErrorResponse(p.status());
  std::set<std::string> values;
  for (const std::vector<tsdb::Matcher>& matchers : p->sets) {
    StatusOr<std::vector<std::string>> found =
        querier_->LabelValues(name, matchers, p->range.start, p->range.end);
    if (!found.ok()) return ApiErrorResponse(found.status());
    values.insert(found->begin(), found->end());
  }
  return ApiSuccess(ToJsonArray(values));
}

}  // namespace gw::hub
