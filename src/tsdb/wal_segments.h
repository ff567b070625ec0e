// Naming and listing the segment files of a WAL directory.
#ifndef GW_TSDB_WAL_SEGMENTS_H_
#define GW_TSDB_WAL_SEGMENTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "tsdb/file_env.h"

namespace gw::tsdb::wal {

// "00000042" for 42.
std::string SegmentFileName(uint64_t segment);
// The number of a segment file name written by SegmentFileName, or nullopt for any other name.
std::optional<uint64_t> ParseSegmentFileName(std::string_view name);

struct SegmentListing {
  std::vector<uint64_t> segments;    // ascending; not necessarily consecutive
  std::vector<std::string> ignored;  // names that are not segments (sorted): left alone
};

// Lists the segments of `dir`. Names that contain anything but digits ("wal.lock",
// "00000003.tmp", "checkpoint.000001") are not segments: they are returned in `ignored` for the
// caller to log and never touched. A name of only digits that SegmentFileName would not write
// ("0000001", "000000001") is kCorruption: it looks like a segment whose order is unclear.
StatusOr<SegmentListing> ListSegments(Env* env, const std::string& dir);

}  // namespace gw::tsdb::wal

#endif  // GW_TSDB_WAL_SEGMENTS_H_
