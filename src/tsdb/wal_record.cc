#include "tsdb/wal_record.h"

#include <bit>

namespace gw::tsdb {
namespace {

// Smallest encodings, used to reject counts that cannot fit before allocating for them.
constexpr size_t kMinSeriesBytes = 2;   // ref, nlabels
constexpr size_t kMinLabelBytes = 2;    // two empty strings
constexpr size_t kMinSampleBytes = 10;  // two one-byte varints and the value

void PutUvarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Two's-complement wrap-around is intended: deltas between any two int64s fit in a uint64.
uint64_t ZigZag(uint64_t delta) { return (delta << 1) ^ (0 - (delta >> 63)); }
uint64_t UnZigZag(uint64_t v) { return (v >> 1) ^ (0 - (v & 1)); }

void PutString(std::string_view s, std::string* out) {
  PutUvarint(s.size(), out);
  out->append(s);
}

// Reads the record front to back; the first failure sticks and says where it happened.
class Decoder {
 public:
  explicit Decoder(std::string_view record) : record_(record) {}

  bool Uvarint(uint64_t* v, const char* what) {
    uint64_t result = 0;
    for (int shift = 0; shift <= 63; shift += 7) {
      if (pos_ >= record_.size()) return Fail(std::string("truncated varint in ") + what);
      const auto byte = static_cast<uint8_t>(record_[pos_++]);
      if (shift == 63 && byte > 1) return Fail(std::string("varint overflows 64 bits in ") + what);
      result |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) {
        *v = result;
        return true;
      }
    }
    return Fail(std::string("varint longer than 10 bytes in ") + what);
  }

  bool String(std::string* s, const char* what) {
    uint64_t n = 0;
    if (!Uvarint(&n, what)) return false;
    if (n > left()) {
      return Fail(std::string(what) + " of " + std::to_string(n) + " bytes runs past the end");
    }
    s->assign(record_.substr(pos_, n));
    pos_ += n;
    return true;
  }

  bool Fixed64(uint64_t* v) {
    if (left() < 8) return Fail("truncated sample value");
    uint64_t r = 0;
    for (int i = 7; i >= 0; --i) r = (r << 8) | static_cast<uint8_t>(record_[pos_ + i]);
    pos_ += 8;
    *v = r;
    return true;
  }

  // Reads a count of items of at least `min_bytes` each, checked against what is left.
  bool Count(uint64_t* n, size_t min_bytes, const char* what) {
    if (!Uvarint(n, what)) return false;
    if (*n > left() / min_bytes) {
      return Fail(std::to_string(*n) + " " + what + " cannot fit in " + std::to_string(left()) +
                  " bytes");
    }
    return true;
  }

  bool Type(WalRecordType want) {
    if (record_.empty()) return Fail("empty record");
    if (static_cast<uint8_t>(record_[0]) != static_cast<uint8_t>(want)) {
      return Fail("record type " + std::to_string(static_cast<uint8_t>(record_[0])) + ", want " +
                  std::to_string(static_cast<uint8_t>(want)));
    }
    pos_ = 1;
    return true;
  }

  Status Finish(bool ok) {
    if (ok && pos_ != record_.size()) {
      Fail(std::to_string(record_.size() - pos_) + " trailing bytes");
    }
    return status_;
  }

  size_t left() const { return record_.size() - pos_; }

 private:
  bool Fail(const std::string& what) {
    if (status_.ok()) {
      status_ = CorruptionError("WAL record byte " + std::to_string(pos_) + ": " + what);
    }
    return false;
  }

  std::string_view record_;
  size_t pos_ = 0;
  Status status_;
};

bool DecodeOneSeries(Decoder& d, WalSeries* s) {
  uint64_t nlabels = 0;
  if (!d.Uvarint(&s->ref, "series ref") || !d.Count(&nlabels, kMinLabelBytes, "labels")) {
    return false;
  }
  s->labels.resize(nlabels);
  for (WalLabel& label : s->labels) {
    if (!d.String(&label.name, "label name") || !d.String(&label.value, "label value")) {
      return false;
    }
  }
  return true;
}

}  // namespace

void EncodeSeries(std::span<const WalSeries> series, std::string* out) {
  out->push_back(static_cast<char>(WalRecordType::kSeries));
  PutUvarint(series.size(), out);
  for (const WalSeries& s : series) {
    PutUvarint(s.ref, out);
    PutUvarint(s.labels.size(), out);
    for (const WalLabel& label : s.labels) {
      PutString(label.name, out);
      PutString(label.value, out);
    }
  }
}

void EncodeSamples(std::span<const WalSample> samples, std::string* out) {
  out->push_back(static_cast<char>(WalRecordType::kSamples));
  PutUvarint(samples.size(), out);
  uint64_t prev_ref = 0;
  uint64_t prev_t = 0;
  for (const WalSample& s : samples) {
    const auto t = static_cast<uint64_t>(s.t_ms);
    PutUvarint(ZigZag(s.ref - prev_ref), out);
    PutUvarint(ZigZag(t - prev_t), out);
    uint64_t bits = std::bit_cast<uint64_t>(s.value);
    for (int i = 0; i < 8; ++i, bits >>= 8) out->push_back(static_cast<char>(bits & 0xFF));
    prev_ref = s.ref;
    prev_t = t;
  }
}

StatusOr<WalRecordType> PeekRecordType(std::string_view record) {
  if (record.empty()) return CorruptionError("WAL record byte 0: empty record");
  const auto type = static_cast<uint8_t>(record[0]);
  if (type == static_cast<uint8_t>(WalRecordType::kSeries)) return WalRecordType::kSeries;
  if (type == static_cast<uint8_t>(WalRecordType::kSamples)) return WalRecordType::kSamples;
  return CorruptionError("WAL record byte 0: unknown record type " + std::to_string(type));
}

Status DecodeSeries(std::string_view record, std::vector<WalSeries>* out) {
  out->clear();
  Decoder d(record);
  uint64_t n = 0;
  bool ok = d.Type(WalRecordType::kSeries) && d.Count(&n, kMinSeriesBytes, "series");
  if (ok) out->resize(n);
  for (size_t i = 0; ok && i < n; ++i) ok = DecodeOneSeries(d, &(*out)[i]);
  return d.Finish(ok);
}

Status DecodeSamples(std::string_view record, std::vector<WalSample>* out) {
  out->clear();
  Decoder d(record);
  uint64_t n = 0;
  bool ok = d.Type(WalRecordType::kSamples) && d.Count(&n, kMinSampleBytes, "samples");
  if (ok) out->resize(n);
  uint64_t ref = 0;
  uint64_t t = 0;
  for (size_t i = 0; ok && i < n; ++i) {
    uint64_t ref_delta = 0;
    uint64_t t_delta = 0;
    uint64_t bits = 0;
    ok = d.Uvarint(&ref_delta, "sample ref") && d.Uvarint(&t_delta, "sample time") &&
         d.Fixed64(&bits);
    ref += UnZigZag(ref_delta);
    t += UnZigZag(t_delta);
    (*out)[i] = WalSample{ref, static_cast<int64_t>(t), std::bit_cast<double>(bits)};
  }
  return d.Finish(ok);
}

}  // namespace gw::tsdb
