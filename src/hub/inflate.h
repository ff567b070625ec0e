// gzip decompression for scraped pages. The hub inflates every scrape of every target (a tenth
// of its ingestion CPU with zlib), so it uses libdeflate, which decompresses a whole buffer
// about twice as fast; zlib (http::GzipDecompress) stays the reference and explains failures.
#ifndef GW_HUB_INFLATE_H_
#define GW_HUB_INFLATE_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace gw::hub {

// As http::GzipDecompress, with the same results and errors: one or more gzip members, at most
// max_output_bytes of output. Data libdeflate refuses goes through zlib, so that an error says
// precisely what is wrong (truncated, corrupt, too large).
// Thread-safe: each thread keeps its own decompressor.
StatusOr<std::string> InflateGzip(std::string_view data, size_t max_output_bytes);

}  // namespace gw::hub

#endif  // GW_HUB_INFLATE_H_
