#include "tsdb/xor_writer.h"

#include <bit>
#include <cassert>

#include "tsdb/xor_format.h"

namespace gw::tsdb {

XorWriter::XorWriter() { Reset(); }

void XorWriter::Reset() {
  stream_.TakeBytes();
  stream_.WriteBits(0, 16);  // the sample count, patched after each append
  num_samples_ = 0;
  leading_ = 0xff;
  trailing_ = 0;
}

void XorWriter::Append(int64_t t_ms, double v) {
  assert(num_samples_ == 0 || t_ms > t_ms_);
  assert(num_samples_ < 0xffff);
  const uint64_t v_bits = std::bit_cast<uint64_t>(v);
  if (num_samples_ == 0) {
    stream_.WriteVarint(t_ms);
    stream_.WriteBits(v_bits, 64);
    first_t_ms_ = t_ms;
  } else {
    WriteTimestamp(t_ms);
    WriteValue(v);
  }
  t_ms_ = t_ms;
  v_bits_ = v_bits;
  ++num_samples_;
  uint8_t* header = stream_.mutable_data();
  header[0] = static_cast<uint8_t>(num_samples_ >> 8);
  header[1] = static_cast<uint8_t>(num_samples_);
}

void XorWriter::WriteTimestamp(int64_t t_ms) {
  const uint64_t delta = static_cast<uint64_t>(t_ms) - static_cast<uint64_t>(t_ms_);
  if (num_samples_ == 1) {
    stream_.WriteUvarint(delta);
    t_delta_ = delta;
    return;
  }
  // Modular subtraction, then reinterpretation: the reader adds it back modulo 2^64.
  const auto dod = static_cast<int64_t>(delta - t_delta_);
  t_delta_ = delta;
  WriteVarbit(&stream_, kTimestampDods, dod);
}

void XorWriter::WriteValue(double v) {
  const uint64_t delta = std::bit_cast<uint64_t>(v) ^ v_bits_;
  if (delta == 0) {
    stream_.WriteBit(false);
    return;
  }
  stream_.WriteBit(true);
  uint8_t leading = static_cast<uint8_t>(std::countl_zero(delta));
  const auto trailing = static_cast<uint8_t>(std::countr_zero(delta));
  if (leading > kMaxLeadingZeros) leading = kMaxLeadingZeros;
  if (leading_ != 0xff && leading >= leading_ && trailing >= trailing_) {
    stream_.WriteBit(false);
    stream_.WriteBits(delta >> trailing_, 64 - leading_ - trailing_);
    return;
  }
  leading_ = leading;
  trailing_ = trailing;
  stream_.WriteBit(true);
  stream_.WriteBits(leading, 5);
  // 64 significant bits do not fit 6 bits; they are written as 0, which cannot otherwise occur
  // (a zero delta took the branch above).
  const int sigbits = 64 - leading - trailing;
  stream_.WriteBits(static_cast<uint64_t>(sigbits), 6);
  stream_.WriteBits(delta >> trailing, sigbits);
}

bool XorWriter::Full() const {
  return num_samples_ >= kMaxSamplesPerChunk || stream_.bytes().size() >= kMaxBytesPerChunk;
}

int64_t XorWriter::min_t_ms() const {
  assert(num_samples_ > 0);
  return first_t_ms_;
}

int64_t XorWriter::max_t_ms() const {
  assert(num_samples_ > 0);
  return t_ms_;
}

double XorWriter::last_value() const {
  assert(num_samples_ > 0);
  return std::bit_cast<double>(v_bits_);
}

std::vector<uint8_t> XorWriter::TakeBytes() {
  std::vector<uint8_t> bytes = stream_.TakeBytes();
  Reset();
  return bytes;
}

}  // namespace gw::tsdb
