#include "tsdb/block_format.h"

#include <cstdio>

namespace gw::tsdb::block {

std::string SegmentName(uint32_t segment) {
  char name[16];
  std::snprintf(name, sizeof(name), "%06u", segment);
  return name;
}

void PutU32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

void PutU64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

void PutUvarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void PutVarint(std::string* out, int64_t v) {
  // Zig-zag, as Go's PutVarint; the cast avoids shifting a negative value.
  const uint64_t u = static_cast<uint64_t>(v) << 1;
  PutUvarint(out, v < 0 ? ~u : u);
}

void PutStr(std::string* out, std::string_view s) {
  PutUvarint(out, s.size());
  out->append(s);
}

bool Decoder::U8(uint8_t* v) {
  if (remaining() < 1) return false;
  *v = static_cast<uint8_t>(data_[pos_++]);
  return true;
}

bool Decoder::U32(uint32_t* v) {
  if (remaining() < 4) return false;
  uint32_t x = 0;
  for (int i = 0; i < 4; ++i) x = (x << 8) | static_cast<uint8_t>(data_[pos_ + i]);
  pos_ += 4;
  *v = x;
  return true;
}

bool Decoder::U64(uint64_t* v) {
  if (remaining() < 8) return false;
  uint64_t x = 0;
  for (int i = 0; i < 8; ++i) x = (x << 8) | static_cast<uint8_t>(data_[pos_ + i]);
  pos_ += 8;
  *v = x;
  return true;
}

bool Decoder::Uvarint(uint64_t* v) {
  uint64_t x = 0;
  for (size_t i = 0; i < 10 && pos_ + i < data_.size(); ++i) {
    const auto b = static_cast<uint8_t>(data_[pos_ + i]);
    // The tenth byte may only carry the top bit of a 64-bit value.
    if (i == 9 && b > 1) return false;
    x |= uint64_t{b & 0x7fu} << (7 * i);
    if (b < 0x80) {
      pos_ += i + 1;
      *v = x;
      return true;
    }
  }
  return false;
}

bool Decoder::Varint(int64_t* v) {
  uint64_t u = 0;
  if (!Uvarint(&u)) return false;
  *v = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  return true;
}

bool Decoder::Bytes(size_t n, std::string_view* s) {
  if (remaining() < n) return false;
  *s = data_.substr(pos_, n);
  pos_ += n;
  return true;
}

bool Decoder::Str(std::string_view* s) {
  const size_t start = pos_;
  uint64_t n = 0;
  if (!Uvarint(&n)) return false;
  if (n > remaining()) {
    pos_ = start;
    return false;
  }
  return Bytes(static_cast<size_t>(n), s);
}

Status CorruptAt(std::string_view file, uint64_t offset, std::string_view what) {
  std::string message(file);
  message += " offset ";
  message += std::to_string(offset);
  message += ": ";
  message += what;
  return CorruptionError(std::move(message));
}

}  // namespace gw::tsdb::block
