// Writes metric families whose label values and help text come from the fuzzer, parses the
// text back, and requires the same values: the writer's escaping must round-trip any bytes.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "metrics/text_parser.h"
#include "metrics/text_writer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using gw::metrics::ExpositionFormat;
  std::string input(reinterpret_cast<const char*>(data), size);
  // Split into up to three pieces: help, label value 1, label value 2. The parser works on
  // lines, so a raw '\r' at a line end is the one byte it may legitimately drop; avoid it.
  for (char& c : input) {
    if (c == '\r') c = ' ';
  }
  size_t a = input.find('\x01');
  size_t b = a == std::string::npos ? std::string::npos : input.find('\x01', a + 1);
  std::string help = input.substr(0, a);
  std::string v1 = a == std::string::npos ? "" : input.substr(a + 1, b - a - 1);
  std::string v2 = b == std::string::npos ? "" : input.substr(b + 1);
  double value = 0;
  if (size >= 8) std::memcpy(&value, data, 8);

  gw::metrics::MetricFamily f{"fuzz_metric", help, gw::metrics::MetricType::kGauge, {}};
  f.samples.push_back({{{"a", v1}, {"b", v2}}, value});
  for (ExpositionFormat format :
       {ExpositionFormat::kPrometheusText, ExpositionFormat::kOpenMetrics}) {
    std::string text;
    gw::metrics::WriteText({f}, format, &text);
    auto parsed = gw::metrics::ParseText(text);
    if (!parsed.ok() || parsed->samples.size() != 1) abort();
    const auto& s = parsed->samples[0];
    if (s.labels != f.samples[0].labels) abort();
    if (!(s.value == value || (std::isnan(s.value) && std::isnan(value)))) abort();
    // Help text is one line: trailing spaces are not significant to the parser's split.
    if (parsed->help.at("fuzz_metric") != help) abort();
  }
  return 0;
}
