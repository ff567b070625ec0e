#include "metrics/text_writer.h"

#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace gw::metrics {
namespace {

struct MediaRange {
  std::string_view type;
  double q = 1.0;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

MediaRange ParseMediaRange(std::string_view item) {
  MediaRange out;
  size_t semi = item.find(';');
  out.type = Trim(item.substr(0, semi));
  while (semi != std::string_view::npos) {
    item.remove_prefix(semi + 1);
    semi = item.find(';');
    std::string_view param = Trim(item.substr(0, semi));
    if (param.substr(0, 2) == "q=") {
      std::string q(param.substr(2));
      out.q = std::strtod(q.c_str(), nullptr);
    }
  }
  return out;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

void AppendSample(std::string_view name, const Sample& sample, std::string* out) {
  out->append(name);
  if (!sample.labels.empty()) {
    out->push_back('{');
    bool first = true;
    for (const Label& label : sample.labels) {
      assert(IsValidLabelName(label.name));
      if (!first) out->push_back(',');
      first = false;
      out->append(label.name);
      out->append("=\"");
      AppendEscapedLabelValue(label.value, out);
      out->push_back('"');
    }
    out->push_back('}');
  }
  out->push_back(' ');
  AppendValue(sample.value, out);
  out->push_back('\n');
}

void AppendFamily(const MetricFamily& family, ExpositionFormat format, std::string* out) {
  assert(IsValidMetricName(family.name));
  std::string_view type = MetricTypeName(family.type);
  std::string_view meta_name = family.name;
  if (format == ExpositionFormat::kOpenMetrics) {
    if (family.type == MetricType::kUntyped) type = "unknown";
    if (family.type == MetricType::kCounter) {
      if (EndsWith(family.name, "_total")) {
        meta_name.remove_suffix(6);  // "_total"
      } else {
        type = "unknown";
      }
    }
  }
  out->append("# HELP ");
  out->append(meta_name);
  out->push_back(' ');
  AppendEscapedHelp(family.help, format, out);
  out->append("\n# TYPE ");
  out->append(meta_name);
  out->push_back(' ');
  out->append(type);
  out->push_back('\n');
  for (const Sample& sample : family.samples) AppendSample(family.name, sample, out);
  out->append(family.text_samples);
}

}  // namespace

ExpositionFormat NegotiateFormat(std::string_view accept_header) {
  double om_q = -1;
  double text_q = -1;
  while (!accept_header.empty()) {
    size_t comma = accept_header.find(',');
    MediaRange range = ParseMediaRange(accept_header.substr(0, comma));
    if (range.type == "application/openmetrics-text") om_q = std::max(om_q, range.q);
    if (range.type == "text/plain" || range.type == "*/*") text_q = std::max(text_q, range.q);
    if (comma == std::string_view::npos) break;
    accept_header.remove_prefix(comma + 1);
  }
  return (om_q > 0 && om_q >= text_q) ? ExpositionFormat::kOpenMetrics
                                      : ExpositionFormat::kPrometheusText;
}

std::string_view ContentType(ExpositionFormat format) {
  return format == ExpositionFormat::kOpenMetrics
             ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
             : "text/plain; version=0.0.4; charset=utf-8";
}

void WriteText(const std::vector<MetricFamily>& families, ExpositionFormat format,
               std::string* out) {
  // One allocation up front instead of a doubling series of copies (pages reach megabytes on
  // large Slurm clusters): a generous per-sample estimate, measured on the exporters' pages.
  size_t estimate = 0;
  for (const MetricFamily& family : families) {
    estimate += 2 * family.name.size() + family.help.size() + 32;
    estimate += family.samples.size() * (family.name.size() + 24) + family.text_samples.size();
    for (const Sample& sample : family.samples) {
      for (const Label& label : sample.labels) estimate += label.name.size() + label.value.size() + 4;
    }
  }
  out->reserve(out->size() + estimate);
  for (const MetricFamily& family : families) {
    if (family.empty()) continue;
    AppendFamily(family, format, out);
  }
  if (format == ExpositionFormat::kOpenMetrics) out->append("# EOF\n");
}

void AppendSampleLine(std::string_view name,
                      std::initializer_list<std::pair<std::string_view, std::string_view>> labels,
                      double value, std::string* out) {
  out->append(name);
  if (labels.size() != 0) {
    char sep = '{';
    for (const auto& [label, label_value] : labels) {
      assert(IsValidLabelName(label));
      out->push_back(sep);
      sep = ',';
      out->append(label);
      out->append("=\"");
      AppendEscapedLabelValue(label_value, out);
      out->push_back('"');
    }
    out->push_back('}');
  }
  out->push_back(' ');
  AppendValue(value, out);
  out->push_back('\n');
}

void AppendValue(double value, std::string* out) {
  if (std::isnan(value)) {
    out->append("NaN");
    return;
  }
  if (std::isinf(value)) {
    out->append(value > 0 ? "+Inf" : "-Inf");
    return;
  }
  char buf[32];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  assert(ec == std::errc());
  out->append(buf, ptr);
}

void AppendEscapedLabelValue(std::string_view value, std::string* out) {
  // Appends runs of plain characters whole; most values have no character to escape.
  size_t run = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c != '\\' && c != '"' && c != '\n') continue;
    out->append(value.data() + run, i - run);
    out->append(c == '\n' ? "\\n" : c == '"' ? "\\\"" : "\\\\");
    run = i + 1;
  }
  out->append(value.data() + run, value.size() - run);
}

void AppendEscapedHelp(std::string_view help, ExpositionFormat format, std::string* out) {
  for (char c : help) {
    switch (c) {
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '"':
        out->append(format == ExpositionFormat::kOpenMetrics ? "\\\"" : "\"");
        break;
      default:
        out->push_back(c);
    }
  }
}

}  // namespace gw::metrics
