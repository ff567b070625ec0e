#include "tsdb/int_reader.h"

#include <limits>
#include <string>

#include "tsdb/int_format.h"
#include "tsdb/varbit.h"
#include "tsdb/xor_format.h"

namespace gw::tsdb {

IntIterator::IntIterator(std::span<const uint8_t> chunk) : reader_(chunk) {
  uint64_t n;
  if (!reader_.ReadBits(16, &n) || !reader_.ReadByte(&order_)) {
    Fail("header");
    return;
  }
  num_samples_ = static_cast<int>(n);
  if (order_ != kIntOrderDelta && order_ != kIntOrderDeltaOfDelta) Fail("header (value order)");
}

bool IntIterator::Fail(const char* what) {
  if (status_.ok()) {
    status_ = CorruptionError("integer chunk: sample " + std::to_string(num_read_) + " of " +
                              std::to_string(num_samples_) + ": bad or truncated " + what);
  }
  num_read_ = num_samples_;  // stop for good
  return false;
}

bool IntIterator::Next() {
  if (!status_.ok() || num_read_ >= num_samples_) return false;
  const bool ok = num_read_ == 0 ? ReadFirst() : num_read_ == 1 ? ReadSecond() : ReadLater();
  if (!ok) return false;
  ++num_read_;
  return true;
}

bool IntIterator::Seek(int64_t t_ms) {
  if (!status_.ok()) return false;
  if (num_read_ > 0 && t_ms_ >= t_ms) return true;
  while (Next()) {
    if (t_ms_ >= t_ms) return true;
  }
  return false;
}

bool IntIterator::ReadFirst() {
  int64_t t, v;
  if (!reader_.ReadVarint(&t)) return Fail("first timestamp");
  if (!reader_.ReadVarint(&v)) return Fail("first value");
  t_ms_ = t;
  v_ = static_cast<uint64_t>(v);
  return true;
}

bool IntIterator::ReadSecond() {
  uint64_t delta;
  if (!reader_.ReadUvarint(&delta)) return Fail("timestamp delta");
  if (!AdvanceTime(delta)) return false;
  int64_t v_delta;
  if (!reader_.ReadVarint(&v_delta)) return Fail("value delta");
  v_delta_ = static_cast<uint64_t>(v_delta);
  v_ += v_delta_;
  return true;
}

bool IntIterator::ReadLater() {
  int64_t dod, d;
  if (!ReadVarbit(&reader_, kTimestampDods, &dod)) return Fail("timestamp");
  if (!AdvanceTime(t_delta_ + static_cast<uint64_t>(dod))) return false;
  if (!ReadVarbit(&reader_, kIntValueDiffs, &d)) return Fail("value");
  // Modulo 2^64, as written.
  v_delta_ =
      order_ == kIntOrderDelta ? static_cast<uint64_t>(d) : v_delta_ + static_cast<uint64_t>(d);
  v_ += v_delta_;
  return true;
}

bool IntIterator::AdvanceTime(uint64_t delta) {
  if (!NextTimestamp(t_ms_, delta, &t_ms_)) return Fail("timestamp (not increasing)");
  t_delta_ = delta;
  return true;
}

}  // namespace gw::tsdb
