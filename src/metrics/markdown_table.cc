#include "metrics/markdown_table.h"

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
    if (!f.samples.empty()) {
      for (const Label& l : f.samples.front().labels) {
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
