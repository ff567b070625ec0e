// The metadata of a metric family, from a scraped page's HELP, TYPE and UNIT lines.
#ifndef GW_HUB_METRIC_METADATA_H_
#define GW_HUB_METRIC_METADATA_H_

#include <compare>
#include <map>
#include <string>
#include <vector>

namespace gw::hub {

// What a page says about a metric family (# HELP, # TYPE, # UNIT), as the metadata API reports
// it: type "unknown" for untyped, help unescaped.
struct MetricMetadata {
  std::string type;
  std::string help;
  std::string unit;
  friend bool operator==(const MetricMetadata&, const MetricMetadata&) = default;
  // clang-tidy 14 misreads the comparison with 0 that a defaulted <=> synthesizes as a null
  // pointer constant (fixed in later versions); there is no pointer here.
  // NOLINTNEXTLINE(modernize-use-nullptr)
  friend auto operator<=>(const MetricMetadata&, const MetricMetadata&) = default;
};

// Per family name, the distinct metadata the targets report.
using MetadataByMetric = std::map<std::string, std::vector<MetricMetadata>>;

}  // namespace gw::hub

#endif  // GW_HUB_METRIC_METADATA_H_
