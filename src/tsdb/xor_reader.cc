#include "tsdb/xor_reader.h"

#include <bit>
#include <limits>
#include <string>

#include "tsdb/varbit.h"
#include "tsdb/xor_format.h"

namespace gw::tsdb {

XorIterator::XorIterator(std::span<const uint8_t> chunk) : reader_(chunk) {
  uint64_t n;
  if (!reader_.ReadBits(16, &n)) {
    Fail("header");
    return;
  }
  num_samples_ = static_cast<int>(n);
}

double XorIterator::value() const { return std::bit_cast<double>(v_bits_); }

bool XorIterator::Fail(const char* what) {
  if (status_.ok()) {
    status_ = CorruptionError("XOR chunk: sample " + std::to_string(num_read_) + " of " +
                              std::to_string(num_samples_) + ": bad or truncated " + what);
  }
  num_read_ = num_samples_;  // stop for good
  return false;
}

bool XorIterator::Next() {
  if (!status_.ok() || num_read_ >= num_samples_) return false;
  bool ok;
  if (num_read_ == 0) {
    ok = ReadFirst();
  } else if (num_read_ == 1) {
    ok = ReadSecond();
  } else {
    int64_t dod;
    ok = ReadDod(&dod) && AdvanceTime(t_delta_ + static_cast<uint64_t>(dod)) && ReadValue();
  }
  if (!ok) return false;
  ++num_read_;
  return true;
}

bool XorIterator::Seek(int64_t t_ms) {
  if (!status_.ok()) return false;
  if (num_read_ > 0 && t_ms_ >= t_ms) return true;
  while (Next()) {
    if (t_ms_ >= t_ms) return true;
  }
  return false;
}

bool XorIterator::ReadFirst() {
  int64_t t;
  if (!reader_.ReadVarint(&t)) return Fail("first timestamp");
  if (!reader_.ReadBits(64, &v_bits_)) return Fail("first value");
  t_ms_ = t;
  return true;
}

bool XorIterator::ReadSecond() {
  uint64_t delta;
  if (!reader_.ReadUvarint(&delta)) return Fail("timestamp delta");
  return AdvanceTime(delta) && ReadValue();
}

// Timestamps must strictly increase without overflowing int64 (NextTimestamp).
bool XorIterator::AdvanceTime(uint64_t delta) {
  if (!NextTimestamp(t_ms_, delta, &t_ms_)) return Fail("timestamp (not increasing)");
  t_delta_ = delta;
  return true;
}

bool XorIterator::ReadDod(int64_t* dod) {
  if (!ReadVarbit(&reader_, kTimestampDods, dod)) return Fail("timestamp");
  return true;
}

bool XorIterator::ReadValue() {
  bool bit;
  if (!reader_.ReadBit(&bit)) return Fail("value");
  if (!bit) return true;  // unchanged
  if (!reader_.ReadBit(&bit)) return Fail("value");
  if (bit) {
    uint64_t leading, sigbits;
    if (!reader_.ReadBits(5, &leading) || !reader_.ReadBits(6, &sigbits)) return Fail("value");
    if (sigbits == 0) sigbits = 64;
    if (leading + sigbits > 64) return Fail("value window");
    leading_ = static_cast<uint8_t>(leading);
    trailing_ = static_cast<uint8_t>(64 - leading - sigbits);
  }
  // With no window yet (a corrupt chunk reusing one), leading = trailing = 0: all 64 bits, as
  // Prometheus reads it.
  const int sigbits = 64 - leading_ - trailing_;
  uint64_t bits;
  if (!reader_.ReadBits(sigbits, &bits)) return Fail("value");
  v_bits_ ^= bits << trailing_;  // trailing_ <= 63: sigbits >= 1
  return true;
}

}  // namespace gw::tsdb
