#include "metrics/markdown_table.h"

#include "metrics/text_parser.h"

namespace gw::metrics {
namespace {

std::string Cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string MarkdownTable(const std::vector<MetricFamily>& families,
                          const std::set<std::string>& common_labels) {
  std::string out = "| metric | type | labels | meaning |\n|---|---|---|---|\n";
  for (const MetricFamily& f : families) {
    std::string labels;
    Labels first;
    if (!f.samples.empty()) {
      first = f.samples.front().labels;
    } else if (auto parsed = ParseText(f.text_samples); parsed.ok() && !parsed->samples.empty()) {
      first = parsed->samples.front().labels;
    }
    {
      for (const Label& l : first) {
        if (common_labels.count(l.name) != 0) continue;
        labels += (labels.empty() ? "`" : ", `") + l.name + "`";
      }
    }
    out += "| `" + f.name + "` | " + std::string(MetricTypeName(f.type)) + " | " + labels + " | " +
           Cell(f.help) + " |\n";
  }
  return out;
}

}  // namespace gw::metrics
