#include "tsdb/wal_segments.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "tsdb/wal_format.h"

namespace gw::tsdb::wal {

const char* FragmentTypeName(FragmentType type) {
  switch (type) {
    case FragmentType::kPadding:
      return "padding";
    case FragmentType::kFull:
      return "FULL";
    case FragmentType::kFirst:
      return "FIRST";
    case FragmentType::kMiddle:
      return "MIDDLE";
    case FragmentType::kLast:
      return "LAST";
  }
  return "unknown";
}

std::string SegmentFileName(uint64_t segment) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%0*llu", kSegmentNameDigits,
                static_cast<unsigned long long>(segment));
  return buf;
}

namespace {

bool AllDigits(std::string_view name) {
  return !name.empty() &&
         std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::optional<uint64_t> ParseSegmentFileName(std::string_view name) {
  if (!AllDigits(name)) return std::nullopt;
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), value);
  if (ec != std::errc() || end != name.data() + name.size()) return std::nullopt;
  if (SegmentFileName(value) != name) return std::nullopt;
  return value;
}

StatusOr<SegmentListing> ListSegments(Env* env, const std::string& dir) {
  GW_ASSIGN_OR_RETURN(std::vector<std::string> names, env->GetChildren(dir));
  SegmentListing listing;
  for (std::string& name : names) {
    if (std::optional<uint64_t> segment = ParseSegmentFileName(name)) {
      listing.segments.push_back(*segment);
    } else if (AllDigits(name)) {
      return CorruptionError(
          JoinPath(dir, name) + ": named like a WAL segment but not as the writer names them (" +
          std::to_string(kSegmentNameDigits) + " digits, zero-padded); rename or remove it");
    } else {
      listing.ignored.push_back(std::move(name));
    }
  }
  std::sort(listing.segments.begin(), listing.segments.end());
  std::sort(listing.ignored.begin(), listing.ignored.end());
  return listing;
}

}  // namespace gw::tsdb::wal
