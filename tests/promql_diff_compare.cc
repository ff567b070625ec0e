#include "tests/promql_diff_compare.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

namespace gw::promql_diff {

namespace json = boost::json;

StatusOr<std::vector<QueryCase>> LoadQueries(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFoundError("cannot read the query list " + path);
  std::vector<QueryCase> out;
  bool errors_section = false;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    const size_t last = line.find_last_not_of(" \t\r");
    const std::string text = line.substr(first, last - first + 1);
    if (text.starts_with("#! errors")) {
      errors_section = true;
      continue;
    }
    if (text.starts_with("#")) continue;
    out.push_back({text, n, errors_section});
  }
  if (out.empty()) return InvalidArgumentError(path + ": no queries");
  return out;
}

namespace {

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}

}  // namespace

std::string Substitute(std::string_view query, const std::map<std::string, std::string>& values) {
  std::string out;
  size_t i = 0;
  while (i < query.size()) {
    if (IsWordChar(query[i])) {
      size_t j = i;
      while (j < query.size() && IsWordChar(query[j])) ++j;
      const std::string word(query.substr(i, j - i));
      auto it = values.find(word);
      out += it == values.end() ? word : it->second;
      i = j;
    } else if (query[i] == '"' || query[i] == '\'' || query[i] == '`') {
      // Strings are copied as they are: a placeholder inside one is text.
      const char quote = query[i];
      size_t j = i + 1;
      while (j < query.size() && query[j] != quote) j += (query[j] == '\\' && quote != '`') ? 2 : 1;
      j = std::min(j + 1, query.size());
      out += query.substr(i, j - i);
      i = j;
    } else {
      out += query[i++];
    }
  }
  return out;
}

namespace {

// The index of the parenthesis closing the one at `open`, or npos; skips strings.
size_t MatchingParen(std::string_view s, size_t open) {
  int depth = 0;
  for (size_t i = open; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '"' || c == '\'' || c == '`') {
      const char quote = c;
      for (++i; i < s.size() && s[i] != quote; ++i) {
        if (s[i] == '\\' && quote != '`') ++i;
      }
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && --depth == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

bool OutermostIsSort(std::string_view query) {
  std::string_view q = Trim(query);
  while (!q.empty() && q.front() == '(' && MatchingParen(q, 0) == q.size() - 1) {
    q = Trim(q.substr(1, q.size() - 2));
  }
  for (std::string_view fn : {"sort_desc", "sort"}) {
    if (!q.starts_with(fn)) continue;
    const std::string_view rest = Trim(q.substr(fn.size()));
    if (rest.empty() || rest.front() != '(') continue;
    const size_t open = q.size() - rest.size();
    return MatchingParen(q, open) == q.size() - 1;
  }
  return false;
}

bool ValuesAgree(double want, double got, const Tolerance& tol) {
  if (std::isnan(want) || std::isnan(got)) return std::isnan(want) && std::isnan(got);
  if (std::isinf(want) || std::isinf(got)) return want == got;
  const double diff = std::fabs(want - got);
  return diff <= tol.absolute || diff <= tol.relative * std::max(std::fabs(want), std::fabs(got));
}

namespace {

double ParseValue(std::string_view s) {
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "+Inf") return std::numeric_limits<double>::infinity();
  if (s == "-Inf") return -std::numeric_limits<double>::infinity();
  return std::strtod(std::string(s).c_str(), nullptr);
}

int64_t TimestampMs(const json::value& t) {
  if (t.is_int64()) return t.as_int64() * 1000;
  if (t.is_uint64()) return static_cast<int64_t>(t.as_uint64()) * 1000;
  if (t.is_double()) return std::llround(t.as_double() * 1000);
  return std::numeric_limits<int64_t>::min();
}

std::string LabelsText(const json::value& metric) {
  std::map<std::string, std::string> sorted;
  if (metric.is_object()) {
    for (const auto& [name, value] : metric.as_object()) {
      sorted[std::string(name)] = value.is_string() ? std::string(value.as_string()) : "?";
    }
  }
  std::string text = "{";
  for (const auto& [name, value] : sorted) {
    if (text.size() > 1) text += ", ";
    text += name;
    text += "=\"";
    text += value;
    text += '"';
  }
  return text + "}";
}

// [t, "v"] with t as the API's seconds, for diffs.
std::string PointText(const json::value& point) {
  if (!point.is_array() || point.as_array().size() != 2) return json::serialize(point);
  return "[" + FormatSeconds(TimestampMs(point.as_array()[0])) + ", " +
         json::serialize(point.as_array()[1]) + "]";
}

// Collects up to a few difference lines; more are counted.
class Diff {
 public:
  void Add(std::string line) {
    if (lines_.size() < 4) {
      lines_.push_back(std::move(line));
    } else {
      ++more_;
    }
  }
  bool empty() const { return lines_.empty(); }
  std::string Text() const {
    std::string out;
    for (const std::string& l : lines_) out += "    " + l + "\n";
    if (more_ > 0) out += "    ... and " + std::to_string(more_) + " more differences\n";
    return out;
  }

 private:
  std::vector<std::string> lines_;
  int more_ = 0;
};

// Compares [t, "v"]; `what` names the sample in the diff.
void ComparePoint(const json::value& want, const json::value& got, bool string_value,
                  const Tolerance& tol, const std::string& what, Diff& diff) {
  if (!got.is_array() || got.as_array().size() != 2 || !got.as_array()[1].is_string()) {
    diff.Add(what + ": malformed sample " + json::serialize(got));
    return;
  }
  const int64_t want_t = TimestampMs(want.as_array()[0]);
  const int64_t got_t = TimestampMs(got.as_array()[0]);
  const std::string_view want_v = want.as_array()[1].as_string();
  const std::string_view got_v = got.as_array()[1].as_string();
  if (want_t != got_t) {
    diff.Add(what + ": timestamp want " + FormatSeconds(want_t) + " got " + FormatSeconds(got_t));
    return;
  }
  if (string_value) {
    if (want_v != got_v)
      diff.Add(what + ": want \"" + std::string(want_v) + "\" got \"" + std::string(got_v) + "\"");
    return;
  }
  const double a = ParseValue(want_v);
  const double b = ParseValue(got_v);
  if (!ValuesAgree(a, b, tol)) {
    diff.Add(what + " @" + FormatSeconds(want_t) + ": want " + std::string(want_v) + " got " +
             std::string(got_v));
  } else if (a == b && want_v != got_v) {
    // The same double must be written the same way (Go's strconv 'f'/'e', -1).
    diff.Add(what + " @" + FormatSeconds(want_t) + ": value formatted \"" + std::string(got_v) +
             "\", Prometheus writes \"" + std::string(want_v) + "\"");
  }
}

void CompareVectorAsSet(const json::array& want, const json::array& got, const Tolerance& tol,
                        Diff& diff);

// Position by position, the values must be the same: the order of a sorted vector, where
// series of equal value (NaNs included) may come in any order, as Prometheus does not define
// the order of ties (it is whatever Go's sort leaves).
void CompareOrder(const json::array& want, const json::array& got, const Tolerance& tol,
                  Diff& diff) {
  for (size_t i = 0; i < want.size() && i < got.size(); ++i) {
    const double a = ParseValue(want[i].at("value").as_array()[1].as_string());
    const double b = ParseValue(got[i].at("value").as_array()[1].as_string());
    if (!ValuesAgree(a, b, tol)) {
      diff.Add("order: element #" + std::to_string(i) + " want " +
               LabelsText(want[i].at("metric")) + " " + PointText(want[i].at("value")) + " got " +
               LabelsText(got[i].at("metric")) + " " + PointText(got[i].at("value")));
      return;
    }
  }
}

void CompareVector(const json::array& want, const json::array& got, bool ordered,
                   const Tolerance& tol, Diff& diff) {
  CompareVectorAsSet(want, got, tol, diff);
  if (ordered && diff.empty()) CompareOrder(want, got, tol, diff);
}

// The series of `got` by their label text; a label set twice is a difference.
std::map<std::string, const json::value*> IndexByLabels(const json::array& got, Diff& diff) {
  std::map<std::string, const json::value*> out;
  for (const auto& s : got) {
    const std::string key =
        LabelsText(s.as_object().contains("metric") ? s.at("metric") : json::value());
    if (!out.emplace(key, &s).second) diff.Add("duplicate series " + key);
  }
  return out;
}

void CompareVectorAsSet(const json::array& want, const json::array& got, const Tolerance& tol,
                        Diff& diff) {
  std::map<std::string, const json::value*> got_by_labels = IndexByLabels(got, diff);
  for (const auto& s : want) {
    const std::string key = LabelsText(s.at("metric"));
    auto it = got_by_labels.find(key);
    if (it == got_by_labels.end()) {
      diff.Add("missing " + key + " " + PointText(s.at("value")));
      continue;
    }
    const json::value* value = it->second->as_object().if_contains("value");
    ComparePoint(s.at("value"), value ? *value : json::value(), false, tol, key, diff);
    got_by_labels.erase(it);
  }
  for (const auto& [key, s] : got_by_labels) {
    const json::value* value = s->as_object().if_contains("value");
    diff.Add("extra " + key + " " + (value ? PointText(*value) : std::string()));
  }
}

void CompareSeries(const std::string& key, const json::array& want, const json::array& got,
                   const Tolerance& tol, Diff& diff) {
  Diff points;
  for (size_t i = 0; i < std::min(want.size(), got.size()); ++i) {
    ComparePoint(want[i], got[i], false, tol, key, points);
    if (!points.empty()) break;  // the first difference says enough
  }
  if (want.size() != got.size()) {
    diff.Add(key + ": " + std::to_string(want.size()) + " points, got " +
             std::to_string(got.size()) + " (first " + (want.empty() ? "-" : PointText(want[0])) +
             " vs " + (got.empty() ? "-" : PointText(got[0])) + ", last " +
             (want.empty() ? "-" : PointText(want.back())) + " vs " +
             (got.empty() ? "-" : PointText(got.back())) + ")");
  } else if (!points.empty()) {
    diff.Add(std::string(Trim(points.Text())));
  }
}

void CompareMatrix(const json::array& want, const json::array& got, const Tolerance& tol,
                   Diff& diff) {
  std::map<std::string, const json::value*> got_by_labels = IndexByLabels(got, diff);
  for (const auto& s : want) {
    const std::string key = LabelsText(s.at("metric"));
    auto it = got_by_labels.find(key);
    if (it == got_by_labels.end()) {
      diff.Add("missing " + key + " (" + std::to_string(s.at("values").as_array().size()) +
               " points)");
      continue;
    }
    const json::value* values = it->second->as_object().if_contains("values");
    if (values == nullptr || !values->is_array()) {
      diff.Add(key + ": no \"values\" array");
    } else {
      CompareSeries(key, s.at("values").as_array(), values->as_array(), tol, diff);
    }
    got_by_labels.erase(it);
  }
  for (const auto& [key, s] : got_by_labels) {
    const json::value* values = s->as_object().if_contains("values");
    diff.Add("extra " + key + " (" +
             std::to_string(values && values->is_array() ? values->as_array().size() : 0) +
             " points)");
  }
}

std::string Brief(const ApiAnswer& a) {
  if (!a.transport_error.empty()) return "no answer: " + a.transport_error;
  std::string body = a.body.size() > 300 ? a.body.substr(0, 300) + "..." : a.body;
  return "HTTP " + std::to_string(a.http_status) + " " + body;
}

std::string StatusOf(const ApiAnswer& a) {
  if (!a.json || !a.json->is_object()) return "";
  const json::value* s = a.json->as_object().if_contains("status");
  return s && s->is_string() ? std::string(s->as_string()) : "";
}

std::string Field(const ApiAnswer& a, std::string_view name) {
  const json::value* v = a.json->as_object().if_contains(name);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

}  // namespace

bool IsApiError(const ApiAnswer& answer) { return StatusOf(answer) == "error"; }

bool HasData(const ApiAnswer& answer) {
  if (StatusOf(answer) != "success") return false;
  const json::value& data = answer.json->at("data");
  const std::string_view type = data.at("resultType").as_string();
  return type == "scalar" || type == "string" || !data.at("result").as_array().empty();
}

std::optional<std::string> CompareAnswers(const ApiAnswer& want, const ApiAnswer& got, bool ordered,
                                          const Tolerance& tol) {
  const std::string want_status = StatusOf(want);
  const std::string got_status = StatusOf(got);
  if (want_status.empty()) return "    the reference gave no API answer: " + Brief(want) + "\n";
  if (got_status.empty()) return "    no API answer: " + Brief(got) + "\n";
  if (want_status == "error" || got_status == "error") {
    if (want_status != got_status) {
      return want_status == "error" ? "    want error " + Field(want, "errorType") + " (" +
                                          Field(want, "error") + "), got " + Brief(got) + "\n"
                                    : "    want success, got error " + Field(got, "errorType") +
                                          " (" + Field(got, "error") + ")\n";
    }
    if (Field(want, "errorType") != Field(got, "errorType") ||
        want.http_status != got.http_status) {
      return "    errorType want " + Field(want, "errorType") + " (HTTP " +
             std::to_string(want.http_status) + ") got " + Field(got, "errorType") + " (HTTP " +
             std::to_string(got.http_status) + "): " + Field(got, "error") + "\n";
    }
    return std::nullopt;
  }
  const json::value& want_data = want.json->at("data");
  const json::value* got_data = got.json->as_object().if_contains("data");
  if (got_data == nullptr || !got_data->is_object() || !got_data->as_object().contains("result") ||
      !got_data->as_object().contains("resultType")) {
    return "    malformed data: " + Brief(got) + "\n";
  }
  const std::string_view type = want_data.at("resultType").as_string();
  if (got_data->at("resultType") != json::value(type)) {
    return "    resultType want " + std::string(type) + " got " +
           json::serialize(got_data->at("resultType")) + "\n";
  }
  Diff diff;
  const json::value& got_result = got_data->at("result");
  if (type == "scalar" || type == "string") {
    ComparePoint(want_data.at("result"), got_result, type == "string", tol, std::string(type),
                 diff);
  } else if (!got_result.is_array()) {
    diff.Add("result is not an array");
  } else if (type == "vector") {
    CompareVector(want_data.at("result").as_array(), got_result.as_array(), ordered, tol, diff);
  } else {
    CompareMatrix(want_data.at("result").as_array(), got_result.as_array(), tol, diff);
  }
  if (diff.empty()) return std::nullopt;
  return diff.Text();
}

}  // namespace gw::promql_diff
