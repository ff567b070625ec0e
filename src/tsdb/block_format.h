// The on-disk block: chunk segments and the index (docs/formats/block.md walks through it byte
// by byte). Constants and the byte-level encoding helpers shared by the writer and the reader.
//
//   chunks/NNNNNN := magic:u32 | version:u8 | pad:3 | (len:uvarint | enc:u8 | data | crc:u32)*
//   index         := magic:u32 | version:u8 | symbols | series* | postings* | postings_table | toc
//
// Writer: block_writer.h. Reader: block.h.
#ifndef GW_TSDB_BLOCK_FORMAT_H_
#define GW_TSDB_BLOCK_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace gw::tsdb::block {

inline constexpr uint32_t kChunksMagic = 0x85BD40DD;
// Version 2 segments may hold integer chunks (encoding kIntEncoding); version 1 held XOR chunks
// only. Readers accept both; writers write 2, so a reader that predates integer chunks refuses
// the block at open instead of failing queries later (docs/formats/block.md).
inline constexpr uint8_t kChunksVersion = 2;
inline constexpr uint8_t kChunksOldestVersion = 1;
inline constexpr size_t kChunksHeaderBytes = 8;
inline constexpr uint64_t kMaxSegmentBytes = uint64_t{512} << 20;
inline constexpr uint64_t kMaxChunkBytes = uint64_t{1} << 20;

inline constexpr uint32_t kIndexMagic = 0xBAAAD700;
inline constexpr uint8_t kIndexVersion = 1;
inline constexpr size_t kIndexHeaderBytes = 5;
inline constexpr size_t kTocBytes = 4 * 8 + 4;
inline constexpr uint64_t kSeriesAlignment = 16;

inline constexpr int kMetaVersion = 1;

inline constexpr std::string_view kMetaFile = "meta.json";
inline constexpr std::string_view kIndexFile = "index";
inline constexpr std::string_view kChunksDir = "chunks";
inline constexpr std::string_view kTmpSuffix = ".tmp";
inline constexpr std::string_view kDeletionSuffix = ".tmp-for-deletion";

// "000001" for segment 1.
std::string SegmentName(uint32_t segment);

inline uint64_t ChunkRef(uint32_t segment, uint32_t offset) {
  return (uint64_t{segment} << 32) | offset;
}
inline uint32_t ChunkRefSegment(uint64_t ref) { return static_cast<uint32_t>(ref >> 32); }
inline uint32_t ChunkRefOffset(uint64_t ref) { return static_cast<uint32_t>(ref); }

// Appends to `out`.
void PutU32(std::string* out, uint32_t v);
void PutU64(std::string* out, uint64_t v);
void PutUvarint(std::string* out, uint64_t v);
void PutVarint(std::string* out, int64_t v);
void PutStr(std::string* out, std::string_view s);

// Reads fields from untrusted bytes. Every getter returns false, consuming nothing, when the
// field does not fit in what is left (or a varint is longer than 10 bytes).
// Thread-compatible; borrows the bytes.
class Decoder {
 public:
  // `base` is the file offset of data[0], for error messages.
  Decoder(std::string_view data, uint64_t base) : data_(data), base_(base) {}

  [[nodiscard]] bool U8(uint8_t* v);
  [[nodiscard]] bool U32(uint32_t* v);
  [[nodiscard]] bool U64(uint64_t* v);
  [[nodiscard]] bool Uvarint(uint64_t* v);
  [[nodiscard]] bool Varint(int64_t* v);
  [[nodiscard]] bool Str(std::string_view* s);
  [[nodiscard]] bool Bytes(size_t n, std::string_view* s);

  size_t remaining() const { return data_.size() - pos_; }
  // The file offset of the next byte.
  uint64_t offset() const { return base_ + pos_; }

 private:
  std::string_view data_;
  uint64_t base_;
  size_t pos_ = 0;
};

// kCorruption "<file> offset <offset>: <what>".
Status CorruptAt(std::string_view file, uint64_t offset, std::string_view what);

}  // namespace gw::tsdb::block

#endif  // GW_TSDB_BLOCK_FORMAT_H_
