// ValidateWriteRequest (declared in remote_write_reader.h): the checks Prometheus' receiver
// makes on decoded series, kept apart from the byte-level decoding.
#include <cstdint>
#include <string>
#include <string_view>

#include "remote/remote_write_reader.h"

namespace gw::remote {
namespace {

constexpr std::string_view kMetricNameLabel = "__name__";
// Error messages quote at most this much of a series, so a huge label cannot flood a log.
constexpr size_t kMaxQuotedSeriesBytes = 200;

bool IsValidLabelName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char ch = name[i];
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
                    (i > 0 && ch >= '0' && ch <= '9');
    if (!ok) return false;
  }
  return true;
}

// Well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF), as Go's utf8.ValidString.
bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<uint8_t>(s[i]);
    size_t n = 0;
    uint32_t cp = 0;
    uint32_t min = 0;
    if (b0 < 0x80) {
      ++i;
      continue;
    } else if ((b0 & 0xe0) == 0xc0) {
      n = 1, cp = b0 & 0x1f, min = 0x80;
    } else if ((b0 & 0xf0) == 0xe0) {
      n = 2, cp = b0 & 0x0f, min = 0x800;
    } else if ((b0 & 0xf8) == 0xf0) {
      n = 3, cp = b0 & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (n > s.size() - i - 1) return false;  // truncated sequence
    for (size_t k = 1; k <= n; ++k) {
      const auto b = static_cast<uint8_t>(s[i + k]);
      if ((b & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

std::string DescribeSeries(size_t index, const TimeSeries& series) {
  std::string text = "series " + std::to_string(index) + " {";
  for (size_t i = 0; i < series.labels.size(); ++i) {
    if (i > 0) text += ", ";
    text += series.labels[i].name + "=\"" + series.labels[i].value + "\"";
    if (text.size() > kMaxQuotedSeriesBytes) {
      text.resize(kMaxQuotedSeriesBytes);
      text += "...";
      break;
    }
  }
  return text + "}";
}

Status Invalid(size_t index, const TimeSeries& series, std::string_view problem) {
  return InvalidArgumentError("remote_write: " + DescribeSeries(index, series) + ": " +
                              std::string(problem));
}

Status ValidateSeries(size_t index, const TimeSeries& series) {
  bool has_name = false;
  for (size_t i = 0; i < series.labels.size(); ++i) {
    const Label& label = series.labels[i];
    if (!IsValidLabelName(label.name)) {
      return Invalid(index, series,
                     "label name \"" + label.name + "\" is invalid (use [a-zA-Z_][a-zA-Z0-9_]*)");
    }
    if (!IsValidUtf8(label.value)) {
      return Invalid(index, series, "value of label " + label.name + " is not valid UTF-8");
    }
    if (i > 0 && series.labels[i - 1].name == label.name) {
      return Invalid(index, series, "duplicate label name " + label.name);
    }
    if (i > 0 && series.labels[i - 1].name > label.name) {
      return Invalid(index, series,
                     "labels not sorted by name: " + label.name + " comes after " +
                         series.labels[i - 1].name + " (the sender must sort them)");
    }
    if (label.name == kMetricNameLabel) has_name = !label.value.empty();
  }
  if (!has_name) return Invalid(index, series, "no __name__ label (every series needs one)");
  return Status::Ok();
}

}  // namespace

Status ValidateWriteRequest(const WriteRequest& request) {
  for (size_t i = 0; i < request.timeseries.size(); ++i) {
    GW_RETURN_IF_ERROR(ValidateSeries(i, request.timeseries[i]));
  }
  return Status::Ok();
}

}  // namespace gw::remote
