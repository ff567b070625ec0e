// CRC32C (Castagnoli, polynomial 0x1EDC6F41 reflected as 0x82F63B78), the checksum of the WAL and
// of the chunk files; the same function as leveldb's crc32c and Go's crc32.Castagnoli.
#ifndef GW_TSDB_CRC32C_H_
#define GW_TSDB_CRC32C_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gw::tsdb::crc32c {

// Returns the CRC32C of data[0, n) appended to a stream whose CRC32C so far is `crc` (0 for an
// empty stream), so Extend(Extend(0, a), b) == Value(a + b). Thread-safe; no allocation.
uint32_t Extend(uint32_t crc, const void* data, size_t n);

inline uint32_t Extend(uint32_t crc, std::string_view data) {
  return Extend(crc, data.data(), data.size());
}

// The CRC32C of `data`.
inline uint32_t Value(std::string_view data) { return Extend(0, data); }

}  // namespace gw::tsdb::crc32c

#endif  // GW_TSDB_CRC32C_H_
