#include "tsdb/crc32c.h"

#include <gtest/gtest.h>

#include <string>

namespace gw::tsdb::crc32c {
namespace {

// The bit-at-a-time definition, to check the table-driven code against.
uint32_t Reference(std::string_view data) {
  uint32_t crc = 0xFFFFFFFF;
  for (char c : data) {
    crc ^= static_cast<uint8_t>(c);
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1) ? 0x82F63B78 : 0);
  }
  return ~crc;
}

TEST(Crc32cTest, KnownAnswers) {
  EXPECT_EQ(Value(""), 0u);
  EXPECT_EQ(Value("123456789"), 0xE3069283u);  // the standard check value
  // RFC 3720 (iSCSI), appendix B.4, as in leveldb's crc32c_test.
  EXPECT_EQ(Value(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Value(std::string(32, '\xff')), 0x62A8AB43u);
  std::string ascending(32, '\0');
  std::string descending(32, '\0');
  for (int i = 0; i < 32; ++i) {
    ascending[i] = static_cast<char>(i);
    descending[i] = static_cast<char>(31 - i);
  }
  EXPECT_EQ(Value(ascending), 0x46DD794Eu);
  EXPECT_EQ(Value(descending), 0x113FDB5Cu);
}

TEST(Crc32cTest, MatchesBitwiseDefinitionAtEveryLengthAndAlignment) {
  std::string data;
  for (int i = 0; i < 300; ++i) data.push_back(static_cast<char>(i * 131 + 7));
  for (size_t start = 0; start < 9; ++start) {
    for (size_t len = 0; start + len <= data.size(); len += 1 + len / 8) {
      const std::string_view piece = std::string_view{data}.substr(start, len);
      ASSERT_EQ(Value(piece), Reference(piece)) << "start " << start << " len " << len;
    }
  }
}

TEST(Crc32cTest, ExtendEqualsValueOfConcatenation) {
  const std::string data = "The quick brown fox jumps over the lazy dog, twice over.";
  for (size_t split = 0; split <= data.size(); ++split) {
    const std::string_view a = std::string_view{data}.substr(0, split);
    const std::string_view b = std::string_view{data}.substr(split);
    ASSERT_EQ(Extend(Value(a), b), Value(data)) << "split " << split;
  }
}

TEST(Crc32cTest, DetectsEverySingleBitFlip) {
  std::string data = "0123456789abcdef0123";
  const uint32_t crc = Value(data);
  for (size_t i = 0; i < data.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      data[i] = static_cast<char>(data[i] ^ (1 << bit));
      EXPECT_NE(Value(data), crc) << "byte " << i << " bit " << bit;
      data[i] = static_cast<char>(data[i] ^ (1 << bit));
    }
  }
}

}  // namespace
}  // namespace gw::tsdb::crc32c
