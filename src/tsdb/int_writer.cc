#include "tsdb/int_writer.h"

#include <cassert>
#include <cmath>

#include "tsdb/bitstream.h"
#include "tsdb/int_format.h"
#include "tsdb/xor_format.h"

namespace gw::tsdb {
namespace {

// Two's-complement reinterpretation of a difference taken modulo 2^64: the reader adds it back
// modulo 2^64, so int64 extremes may follow each other.
int64_t Diff(uint64_t a, uint64_t b) { return static_cast<int64_t>(a - b); }

std::vector<uint8_t> Encode(std::span<const Sample> samples, uint8_t order) {
  BitWriter w;
  w.WriteBits(samples.size(), 16);
  w.WriteByte(order);
  uint64_t t_prev = 0, t_delta = 0, v_prev = 0, v_delta = 0;
  for (size_t i = 0; i < samples.size(); ++i) {
    const auto t = static_cast<uint64_t>(samples[i].t_ms);
    const auto v = static_cast<uint64_t>(static_cast<int64_t>(samples[i].v));
    if (i == 0) {
      w.WriteVarint(samples[i].t_ms);
      w.WriteVarint(static_cast<int64_t>(v));
    } else if (i == 1) {
      w.WriteUvarint(t - t_prev);
      w.WriteVarint(Diff(v, v_prev));
    } else {
      WriteVarbit(&w, kTimestampDods, Diff(t - t_prev, t_delta));
      const int64_t d = order == kIntOrderDelta ? Diff(v, v_prev) : Diff(v - v_prev, v_delta);
      WriteVarbit(&w, kIntValueDiffs, d);
    }
    if (i > 0) {
      t_delta = t - t_prev;
      v_delta = v - v_prev;
    }
    t_prev = t;
    v_prev = v;
  }
  return w.TakeBytes();
}

}  // namespace

bool IsInt64Value(double v) {
  // 2^63 is exact as a double; NaN fails both comparisons.
  constexpr double kLimit = 9223372036854775808.0;
  if (!(v >= -kLimit && v < kLimit) || std::trunc(v) != v) return false;
  return !(v == 0 && std::signbit(v));
}

std::optional<std::vector<uint8_t>> EncodeIntChunk(std::span<const Sample> samples) {
  if (samples.empty() || samples.size() > 0xffff) return std::nullopt;
  for (const Sample& s : samples) {
    if (!IsInt64Value(s.v)) return std::nullopt;
  }
  std::vector<uint8_t> delta = Encode(samples, kIntOrderDelta);
  if (samples.size() <= 2) return delta;  // the order matters from sample 2 on
  std::vector<uint8_t> dod = Encode(samples, kIntOrderDeltaOfDelta);
  return dod.size() < delta.size() ? dod : delta;
}

}  // namespace gw::tsdb
