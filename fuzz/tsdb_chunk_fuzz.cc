// The chunk readers on arbitrary bytes, and the writer/reader round trips, for both chunk
// encodings: XOR (head and blocks) and integer (blocks only).
//
// The first byte picks the mode (modulo 4):
//   0: the rest is an XOR chunk; iterate it to the end (and Seek a second iterator). It may fail
//      with kCorruption, never crash or read out of bounds.
//   1: the rest is a list of (timestamp delta, value) pairs, 16 bytes each; encode them as a
//      strictly increasing series in an XOR chunk, decode, and require the same samples back,
//      bit for bit. If the block writer would store them as an integer chunk, that too.
//   2: as 0, for an integer chunk.
//   3: as 1, with the value bits taken as an int64 (shifted right by their low 6 bits, so small
//      and large magnitudes both occur), encoded as an integer chunk.
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "tsdb/chunk_encoding.h"
#include "tsdb/int_format.h"
#include "tsdb/int_writer.h"
#include "tsdb/sample.h"
#include "tsdb/xor_format.h"
#include "tsdb/xor_writer.h"

namespace {

using gw::tsdb::ChunkIterator;
using gw::tsdb::Sample;
using gw::tsdb::XorWriter;

void Iterate(uint8_t encoding, std::span<const uint8_t> chunk) {
  ChunkIterator it(encoding, chunk);
  int64_t last = 0;
  int n = 0;
  while (it.Next()) {
    if (n++ > 0 && it.t_ms() <= last) std::abort();  // the readers promise increasing time
    last = it.t_ms();
  }
  if (!it.status().ok() && it.status().code() != gw::StatusCode::kCorruption) std::abort();
  ChunkIterator seek(encoding, chunk);
  if (seek.Seek(last) && seek.t_ms() < last) std::abort();
}

void ExpectSamples(uint8_t encoding, std::span<const uint8_t> chunk,
                   const std::vector<Sample>& samples) {
  ChunkIterator it(encoding, chunk);
  for (const Sample& s : samples) {
    if (!it.Next() || it.t_ms() != s.t_ms ||
        std::bit_cast<uint64_t>(it.value()) != std::bit_cast<uint64_t>(s.v)) {
      std::abort();
    }
  }
  if (it.Next() || !it.status().ok()) std::abort();
}

// Strictly increasing samples inside int64 from 16-byte (delta, value bits) pairs.
std::vector<Sample> Samples(std::span<const uint8_t> data, bool integers) {
  std::vector<Sample> samples;
  uint64_t t = 0;
  for (size_t off = 0; off + 16 <= data.size(); off += 16) {
    uint64_t delta, v_bits;
    std::memcpy(&delta, data.data() + off, 8);
    std::memcpy(&v_bits, data.data() + off + 8, 8);
    delta = (delta % (uint64_t{1} << 48)) + 1;
    if (t + delta > static_cast<uint64_t>(INT64_MAX) || samples.size() == 0xfffe) break;
    t += delta;
    double v = std::bit_cast<double>(v_bits);
    if (integers) {
      v = static_cast<double>(static_cast<int64_t>(v_bits) >> (v_bits & 63));
      if (!gw::tsdb::IsInt64Value(v)) v = -v;  // rounded up to 2^63; -2^63 is exact
    }
    samples.push_back({static_cast<int64_t>(t), v});
  }
  return samples;
}

void RoundTripXor(std::span<const uint8_t> data) {
  const std::vector<Sample> samples = Samples(data, false);
  XorWriter w;
  for (const Sample& s : samples) w.Append(s.t_ms, s.v);
  ExpectSamples(gw::tsdb::kXorEncoding, w.bytes(), samples);
  if (auto ints = gw::tsdb::SmallerIntChunk(w.bytes())) {
    if (ints->size() >= w.bytes().size()) std::abort();
    ExpectSamples(gw::tsdb::kIntEncoding, *ints, samples);
  }
}

void RoundTripInt(std::span<const uint8_t> data) {
  const std::vector<Sample> samples = Samples(data, true);
  auto chunk = gw::tsdb::EncodeIntChunk(samples);
  if (!chunk) {
    if (!samples.empty()) std::abort();  // every value is an int64
    return;
  }
  ExpectSamples(gw::tsdb::kIntEncoding, *chunk, samples);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::span<const uint8_t> rest(data + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      Iterate(gw::tsdb::kXorEncoding, rest);
      break;
    case 1:
      RoundTripXor(rest);
      break;
    case 2:
      Iterate(gw::tsdb::kIntEncoding, rest);
      break;
    default:
      RoundTripInt(rest);
      break;
  }
  return 0;
}
