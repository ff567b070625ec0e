// Bit-granular writer and reader for the XOR chunk encoding. Bits are packed most significant
// first, as in Prometheus' bstream: the first bit written is bit 7 of byte 0.
#ifndef GW_TSDB_BITSTREAM_H_
#define GW_TSDB_BITSTREAM_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace gw::tsdb {

// Appends bits to a growing byte buffer that it owns. The unused low bits of the last byte are
// zero, so bytes() is always a valid, zero-padded stream.
// Thread-compatible: one writer per object.
class BitWriter {
 public:
  void WriteBit(bool bit) { WriteBits(bit ? 1 : 0, 1); }
  // Writes the low `nbits` of `bits`, most significant first. REQUIRES: 0 <= nbits <= 64.
  void WriteBits(uint64_t bits, int nbits);
  void WriteByte(uint8_t byte) { WriteBits(byte, 8); }
  void WriteUvarint(uint64_t x);
  // Zig-zag varint, as Go's binary.PutVarint.
  void WriteVarint(int64_t x);

  const std::vector<uint8_t>& bytes() const { return bytes_; }
  // For patching a fixed-size header in place; the caller must not change the size.
  uint8_t* mutable_data() { return bytes_.data(); }
  // Moves the buffer out and leaves the writer empty.
  std::vector<uint8_t> TakeBytes();

 private:
  std::vector<uint8_t> bytes_;
  int free_bits_ = 0;  // unused low bits in bytes_.back()
};

// Reads bits from a borrowed byte span, never past its end. The read functions return false,
// leaving the output unspecified, when the stream ends early or a varint overflows. They return
// bool rather than Status because they run once per field in the decoding loop; the chunk reader
// turns a false into kCorruption with context.
// Thread-compatible. REQUIRES: the bytes outlive the reader.
class BitReader {
 public:
  explicit BitReader(std::span<const uint8_t> data) : data_(data) {}

  [[nodiscard]] bool ReadBit(bool* bit);
  // REQUIRES: 0 <= nbits <= 64.
  [[nodiscard]] bool ReadBits(int nbits, uint64_t* out);
  [[nodiscard]] bool ReadByte(uint8_t* out);
  [[nodiscard]] bool ReadUvarint(uint64_t* out);
  [[nodiscard]] bool ReadVarint(int64_t* out);

  size_t bits_left() const { return data_.size() * 8 - pos_; }

 private:
  std::span<const uint8_t> data_;
  size_t pos_ = 0;  // in bits
};

}  // namespace gw::tsdb

#endif  // GW_TSDB_BITSTREAM_H_
