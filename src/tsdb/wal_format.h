// The write-ahead log's on-disk format, shared by wal_writer.cc and wal_reader.cc. The full
// description, byte by byte, is docs/formats/wal.md; this is its summary.
//
// A WAL is a directory of segment files named by eight (or more) decimal digits: 00000000,
// 00000001, ... Numbers are consecutive; the oldest ones may have been deleted by Truncate.
// A segment is a sequence of 32 KiB pages; only the last page of a segment may be short.
// A page holds fragments, each a 7-byte header and a payload:
//
//   crc32c  uint32 little-endian   CRC32C of the type byte followed by the payload
//   length  uint16 little-endian   payload bytes
//   type    uint8                  FragmentType
//   payload length bytes
//
// A fragment never crosses a page. When fewer than 7 bytes remain in a page, they are zeros and
// the next fragment starts the next page. A record is one FULL fragment or FIRST, MIDDLE*, LAST;
// a record never crosses a segment. A zero-filled header (type 0) means "the rest of this page is
// padding" and the padding must be all zeros.
#ifndef GW_TSDB_WAL_FORMAT_H_
#define GW_TSDB_WAL_FORMAT_H_

#include <cstddef>
#include <cstdint>

namespace gw::tsdb::wal {

enum class FragmentType : uint8_t {
  kPadding = 0,  // rest of the page is zeros
  kFull = 1,     // a whole record
  kFirst = 2,    // first fragment of a record
  kMiddle = 3,   // neither first nor last
  kLast = 4,     // last fragment of a record
};
inline constexpr uint8_t kMaxFragmentType = 4;

inline constexpr size_t kPageSize = size_t{32} * 1024;
// crc32c (4) + length (2) + type (1).
inline constexpr size_t kHeaderSize = 7;
inline constexpr size_t kMaxFragmentPayload = kPageSize - kHeaderSize;

inline constexpr uint64_t kDefaultSegmentSize = 128ull * 1024 * 1024;
// Digits in a segment's file name; numbers past 99999999 simply grow longer names.
inline constexpr int kSegmentNameDigits = 8;

const char* FragmentTypeName(FragmentType type);

}  // namespace gw::tsdb::wal

#endif  // GW_TSDB_WAL_FORMAT_H_
