#include "tsdb/bitstream.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace gw::tsdb {
namespace {

constexpr uint64_t LowMask(int n) { return n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1; }

}  // namespace

void BitWriter::WriteBits(uint64_t bits, int nbits) {
  assert(nbits >= 0 && nbits <= 64);
  if (nbits == 0) return;
  bits &= LowMask(nbits);
  // First the free low bits of the last byte: most writes of a chunk (a 1-bit "same as before"
  // flag, a short control code) end here.
  if (free_bits_ > 0) {
    if (nbits <= free_bits_) {
      free_bits_ -= nbits;
      bytes_.back() = static_cast<uint8_t>(bytes_.back() | (bits << free_bits_));
      return;
    }
    nbits -= free_bits_;
    bytes_.back() = static_cast<uint8_t>(bytes_.back() | (bits >> nbits));
    free_bits_ = 0;
  }
  // Then whole bytes, and what is left at the top of a new byte (the casts keep the low 8 bits).
  while (nbits >= 8) {
    nbits -= 8;
    bytes_.push_back(static_cast<uint8_t>(bits >> nbits));
  }
  if (nbits > 0) {
    free_bits_ = 8 - nbits;
    bytes_.push_back(static_cast<uint8_t>(bits << free_bits_));
  }
}

void BitWriter::WriteUvarint(uint64_t x) {
  while (x >= 0x80) {
    WriteByte(static_cast<uint8_t>(x | 0x80));
    x >>= 7;
  }
  WriteByte(static_cast<uint8_t>(x));
}

void BitWriter::WriteVarint(int64_t x) {
  // Unsigned arithmetic: the shift of a negative value is well defined this way.
  uint64_t ux = static_cast<uint64_t>(x) << 1;
  if (x < 0) ux = ~ux;
  WriteUvarint(ux);
}

std::vector<uint8_t> BitWriter::TakeBytes() {
  free_bits_ = 0;
  return std::exchange(bytes_, {});
}

bool BitReader::ReadBit(bool* bit) {
  if (pos_ >= data_.size() * 8) return false;
  *bit = (data_[pos_ >> 3] >> (7 - (pos_ & 7))) & 1;
  ++pos_;
  return true;
}

bool BitReader::ReadBits(int nbits, uint64_t* out) {
  assert(nbits >= 0 && nbits <= 64);
  if (static_cast<size_t>(nbits) > bits_left()) return false;
  uint64_t v = 0;
  while (nbits > 0) {
    const int avail = 8 - static_cast<int>(pos_ & 7);
    const int n = std::min(avail, nbits);
    const uint64_t chunk = (data_[pos_ >> 3] >> (avail - n)) & LowMask(n);
    // n == 64 cannot happen here (n <= 8), so the shift is defined.
    v = (v << n) | chunk;
    pos_ += n;
    nbits -= n;
  }
  *out = v;
  return true;
}

bool BitReader::ReadByte(uint8_t* out) {
  uint64_t v;
  if (!ReadBits(8, &v)) return false;
  *out = static_cast<uint8_t>(v);
  return true;
}

bool BitReader::ReadUvarint(uint64_t* out) {
  // Go's binary.ReadUvarint: at most 10 bytes, and the 10th may only carry the top bit.
  uint64_t x = 0;
  for (int i = 0, shift = 0; i < 10; ++i, shift += 7) {
    uint8_t b;
    if (!ReadByte(&b)) return false;
    if (b < 0x80) {
      if (i == 9 && b > 1) return false;
      *out = x | (uint64_t{b} << shift);
      return true;
    }
    x |= uint64_t{b & 0x7fu} << shift;
  }
  return false;
}

bool BitReader::ReadVarint(int64_t* out) {
  uint64_t ux;
  if (!ReadUvarint(&ux)) return false;
  uint64_t x = ux >> 1;
  if (ux & 1) x = ~x;
  *out = static_cast<int64_t>(x);
  return true;
}

}  // namespace gw::tsdb
