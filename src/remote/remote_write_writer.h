// Encodes a WriteRequest as remote_write 1.0 protobuf bytes and compresses it with snappy.
// Thread-safety: the functions are pure; call them from any thread.
#ifndef GW_REMOTE_REMOTE_WRITE_WRITER_H_
#define GW_REMOTE_REMOTE_WRITE_WRITER_H_

#include <string>
#include <string_view>

#include "remote/remote_write_format.h"

namespace gw::remote {

// The protobuf encoding of `request`, fields in field-number order, defaults omitted as proto3
// does (an empty Label name, a zero timestamp). Never fails.
std::string EncodeWriteRequest(const WriteRequest& request);

// Snappy block format (not the framed format, which remote_write forbids).
std::string CompressSnappy(std::string_view raw);

// The HTTP body of a remote_write POST: CompressSnappy(EncodeWriteRequest(request)).
std::string EncodeBody(const WriteRequest& request);

}  // namespace gw::remote

#endif  // GW_REMOTE_REMOTE_WRITE_WRITER_H_
