// gzip (RFC 1952) compression for HTTP bodies, and the Accept-Encoding check.
// Thread-safety: all functions are pure and may be called from any thread.
#ifndef GW_HTTP_GZIP_H_
#define GW_HTTP_GZIP_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace gw::http {

// Returns data as one gzip member. level is zlib's 1 (fast) .. 9 (small); out-of-range values
// are clamped. Never fails for inputs that fit in memory.
std::string GzipCompress(std::string_view data, int level = 6);

// Decompresses gzip data (one or more concatenated members).
// Errors: kInvalidArgument on data that is not valid gzip or is truncated;
// kResourceExhausted when the output would exceed max_output_bytes.
StatusOr<std::string> GzipDecompress(std::string_view data, size_t max_output_bytes);

// Whether an Accept-Encoding header value allows gzip: "gzip" or "x-gzip" with q > 0, or "*"
// with q > 0 when gzip is not named. "gzip;q=0" refuses it.
bool AcceptsGzip(std::string_view accept_encoding_header);

}  // namespace gw::http

#endif  // GW_HTTP_GZIP_H_
