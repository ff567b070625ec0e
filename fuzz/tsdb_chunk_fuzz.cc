// The XOR chunk reader on arbitrary bytes, and the writer/reader round trip.
//
// The first byte picks the mode:
//   even: the rest is a chunk; iterate it to the end (and Seek a second iterator). It may fail
//         with kCorruption, never crash or read out of bounds.
//   odd:  the rest is a list of (timestamp delta, value) pairs, 16 bytes each; encode them as a
//         strictly increasing series, decode, and require the same samples back, bit for bit.
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "tsdb/xor_reader.h"
#include "tsdb/xor_writer.h"

namespace {

using gw::tsdb::XorIterator;
using gw::tsdb::XorWriter;

void Iterate(std::span<const uint8_t> chunk) {
  XorIterator it(chunk);
  int64_t last = 0;
  int n = 0;
  while (it.Next()) {
    if (n++ > 0 && it.t_ms() <= last) std::abort();  // the reader promises increasing time
    last = it.t_ms();
  }
  if (!it.status().ok() && it.status().code() != gw::StatusCode::kCorruption) std::abort();
  XorIterator seek(chunk);
  if (seek.Seek(last) && seek.t_ms() < last) std::abort();
}

void RoundTrip(std::span<const uint8_t> data) {
  std::vector<std::pair<int64_t, double>> samples;
  uint64_t t = 0;
  XorWriter w;
  for (size_t off = 0; off + 16 <= data.size(); off += 16) {
    uint64_t delta, v_bits;
    std::memcpy(&delta, data.data() + off, 8);
    std::memcpy(&v_bits, data.data() + off + 8, 8);
    // Keep timestamps strictly increasing and inside int64.
    delta = (delta % (uint64_t{1} << 48)) + 1;
    if (t + delta > static_cast<uint64_t>(INT64_MAX) || samples.size() == 0xfffe) break;
    t += delta;
    samples.push_back({static_cast<int64_t>(t), std::bit_cast<double>(v_bits)});
    w.Append(static_cast<int64_t>(t), std::bit_cast<double>(v_bits));
  }
  XorIterator it(w.bytes());
  for (const auto& [t_ms, v] : samples) {
    if (!it.Next() || it.t_ms() != t_ms ||
        std::bit_cast<uint64_t>(it.value()) != std::bit_cast<uint64_t>(v)) {
      std::abort();
    }
  }
  if (it.Next() || !it.status().ok()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::span<const uint8_t> rest(data + 1, size - 1);
  if (data[0] % 2 == 0) {
    Iterate(rest);
  } else {
    RoundTrip(rest);
  }
  return 0;
}
