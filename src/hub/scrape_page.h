// Reads a scraped page line by line without building label sets: each sample line is split into
// its series text (name and labels, as written), value and timestamp. The scrape loop looks the
// series text up in its cache and parses labels (ParseSeries) only for text it has not seen, so
// an unchanged page costs a scan and a hash lookup per line.
#ifndef GW_HUB_SCRAPE_PAGE_H_
#define GW_HUB_SCRAPE_PAGE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string_view>

#include "common/status.h"
#include "hub/metric_metadata.h"
#include "hub/relabel.h"

namespace gw::hub {

enum class PageFormat {
  kPrometheusText,  // text/plain; version=0.0.4: timestamps in int64 milliseconds
  kOpenMetrics,     // application/openmetrics-text: timestamps in (float) seconds, "# EOF"
};

// The format a Content-Type names; Prometheus text for anything but OpenMetrics (also for a
// missing header, where Prometheus 3 would fail the scrape: exporters in the field omit it).
PageFormat FormatOfContentType(std::string_view content_type);

struct PageSample {
  std::string_view series;  // "name{a=\"1\"}" exactly as written, a view into the page
  double value = 0;
  std::optional<int64_t> timestamp_ms;
};

// Iterates over the sample lines of a page; comments, HELP, TYPE, UNIT and empty lines are
// skipped, as are OpenMetrics exemplars. The page must outlive the scanner and its samples.
// Not thread-safe.
class PageScanner {
 public:
  PageScanner(std::string_view page, PageFormat format) : rest_(page), format_(format) {}

  // When set, the HELP, TYPE and UNIT lines met are recorded into *metadata by family name.
  void set_metadata(std::map<std::string, MetricMetadata, std::less<>>* metadata) {
    metadata_ = metadata;
  }

  // The next sample. Returns false at the end of the page or on the first malformed line;
  // status() then tells which.
  bool Next(PageSample* sample);
  // OK at the end; kInvalidArgument "line N: what is wrong" after a malformed line, or for an
  // OpenMetrics page that does not end with "# EOF" or has lines after it.
  const Status& status() const { return status_; }

 private:
  bool Fail(const std::string& why);
  void RecordMetadata(std::string_view comment);
  bool ParseLine(std::string_view line, PageSample* sample);

  std::string_view rest_;
  PageFormat format_;
  int line_number_ = 0;
  bool saw_eof_ = false;
  Status status_;
  std::map<std::string, MetricMetadata, std::less<>>* metadata_ = nullptr;
};

// Parses series text ("name{a=\"x\",b=\"y\"}" or a bare name) into __name__ plus the labels,
// sorted by name. Errors: kInvalidArgument for a bad name, bad escape, unclosed value or a
// duplicate label.
StatusOr<LabelSet> ParseSeries(std::string_view series);

}  // namespace gw::hub

#endif  // GW_HUB_SCRAPE_PAGE_H_
