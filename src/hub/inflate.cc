#include "hub/inflate.h"

#include <libdeflate.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>

#include "http/gzip.h"

namespace gw::hub {
namespace {

struct DecompressorDeleter {
  void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};

// Deflate expands at most 1032 times; a trailer claiming more is not believed.
constexpr size_t kMaxDeflateRatio = 1032;
constexpr size_t kGzipMinMember = 18;  // 10-byte header, empty deflate block, 8-byte trailer

// The uncompressed size a member's trailer states (mod 2^32), read from the last 4 bytes of
// `data`: exact when data holds one member, as a scraped body does.
size_t TrailerSize(std::string_view data) {
  const auto* end = reinterpret_cast<const unsigned char*>(data.data() + data.size());
  return size_t{end[-4]} | size_t{end[-3]} << 8 | size_t{end[-2]} << 16 | size_t{end[-1]} << 24;
}

// The whole-buffer path; nullopt for anything it cannot finish (bad or truncated data, output
// over the limit), which the caller hands to zlib.
std::optional<std::string> InflateWhole(std::string_view data, size_t max_output_bytes) {
  thread_local std::unique_ptr<libdeflate_decompressor, DecompressorDeleter> decompressor(
      libdeflate_alloc_decompressor());
  if (decompressor == nullptr || data.size() < kGzipMinMember) return std::nullopt;
  const size_t most = std::min(max_output_bytes, data.size() * kMaxDeflateRatio);
  std::string out;
  out.resize(std::min(most, std::max(TrailerSize(data), data.size() * 4)));
  size_t in_pos = 0;
  size_t out_pos = 0;
  while (in_pos < data.size()) {
    size_t in_used = 0;
    size_t produced = 0;
    const libdeflate_result rc = libdeflate_gzip_decompress_ex(
        decompressor.get(), data.data() + in_pos, data.size() - in_pos, out.data() + out_pos,
        out.size() - out_pos, &in_used, &produced);
    if (rc == LIBDEFLATE_INSUFFICIENT_SPACE && out.size() < most) {
      out.resize(std::min(most, out.size() * 2));  // and decompress this member again
      continue;
    }
    if (rc != LIBDEFLATE_SUCCESS) return std::nullopt;
    in_pos += in_used;
    out_pos += produced;
  }
  out.resize(out_pos);
  return out;
}

}  // namespace

StatusOr<std::string> InflateGzip(std::string_view data, size_t max_output_bytes) {
  if (std::optional<std::string> out = InflateWhole(data, max_output_bytes)) {
    return *std::move(out);
  }
  return http::GzipDecompress(data, max_output_bytes);
}

}  // namespace gw::hub
