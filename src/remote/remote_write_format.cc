#include "remote/remote_write_format.h"

#include <bit>

namespace gw::remote {

bool operator==(const Sample& a, const Sample& b) {
  return std::bit_cast<uint64_t>(a.value) == std::bit_cast<uint64_t>(b.value) &&
         a.timestamp_ms == b.timestamp_ms;
}

}  // namespace gw::remote
