#include "tsdb/varbit.h"

namespace gw::tsdb {

void WriteVarbit(BitWriter* w, const VarbitScheme& scheme, int64_t x) {
  if (x == 0) {
    w->WriteBit(false);
    return;
  }
  for (const DodBucket& bucket : scheme.buckets) {
    if (DodFits(x, bucket.value_bits)) {
      w->WriteBits(bucket.prefix, bucket.prefix_bits);
      w->WriteBits(static_cast<uint64_t>(x), bucket.value_bits);
      return;
    }
  }
  w->WriteBits(scheme.fallback.prefix, scheme.fallback.prefix_bits);
  w->WriteBits(static_cast<uint64_t>(x), scheme.fallback.value_bits);
}

bool ReadVarbit(BitReader* r, const VarbitScheme& scheme, int64_t* x) {
  const int max_ones = static_cast<int>(scheme.buckets.size()) + 1;
  int ones = 0;
  for (; ones < max_ones; ++ones) {
    bool bit;
    if (!r->ReadBit(&bit)) return false;
    if (!bit) break;
  }
  if (ones == 0) {
    *x = 0;
    return true;
  }
  const int nbits =
      ones == max_ones ? scheme.fallback.value_bits : scheme.buckets[ones - 1].value_bits;
  uint64_t bits;
  if (!r->ReadBits(nbits, &bits)) return false;
  // Two's complement in nbits; Prometheus treats exactly 2^(nbits-1) as positive.
  if (nbits < 64 && bits > (uint64_t{1} << (nbits - 1))) bits -= uint64_t{1} << nbits;
  *x = static_cast<int64_t>(bits);
  return true;
}

}  // namespace gw::tsdb
