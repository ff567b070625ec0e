// Decodes remote_write 1.0 bodies received from the network. All input is untrusted: every
// length is checked against the bytes that remain, and DecodeLimits bounds what is allocated.
// Thread-safety: the functions are pure; call them from any thread.
#ifndef GW_REMOTE_REMOTE_WRITE_READER_H_
#define GW_REMOTE_REMOTE_WRITE_READER_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"
#include "remote/remote_write_format.h"

namespace gw::remote {

// Parses protobuf bytes into a WriteRequest. Unknown fields (exemplars, histograms, fields of
// later versions) are skipped by wire type.
// Errors: kCorruption for malformed bytes (truncated varint, length past the end, a known field
// with the wrong wire type, a group), with the byte offset; kResourceExhausted when the input or
// a count exceeds `limits`. Does not check label names or order: see ValidateWriteRequest.
[[nodiscard]] StatusOr<WriteRequest> DecodeWriteRequest(std::string_view protobuf,
                                                        const DecodeLimits& limits = {});

// Uncompresses a snappy block. The length the block claims is checked against
// `max_uncompressed_bytes` before anything is allocated.
// Errors: kCorruption for a bad block; kResourceExhausted when the claimed length is too big.
[[nodiscard]] StatusOr<std::string> DecompressSnappy(std::string_view compressed,
                                                     size_t max_uncompressed_bytes);

// DecompressSnappy then DecodeWriteRequest, with limits.max_body_bytes checked first.
[[nodiscard]] StatusOr<WriteRequest> DecodeBody(std::string_view body,
                                                const DecodeLimits& limits = {});

// Checks what Prometheus' receiver requires of each series: at least one label, label names
// valid ([a-zA-Z_][a-zA-Z0-9_]*), strictly sorted by name (so no duplicates), label values
// valid UTF-8, and a non-empty __name__.
// Errors: kInvalidArgument naming the series (index and labels) and the offending label.
[[nodiscard]] Status ValidateWriteRequest(const WriteRequest& request);

}  // namespace gw::remote

#endif  // GW_REMOTE_REMOTE_WRITE_READER_H_
