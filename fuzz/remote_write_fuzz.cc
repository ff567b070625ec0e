// remote_write bodies from the network (src/remote): decoding arbitrary bytes, as a snappy body
// and as raw protobuf, never crashes; whatever decodes re-encodes to something that decodes to
// the same request.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "remote/remote_write_reader.h"
#include "remote/remote_write_writer.h"

namespace {

// Small limits keep libFuzzer from spending its time on allocation.
constexpr gw::remote::DecodeLimits kLimits{.max_body_bytes = 1 << 20,
                                           .max_uncompressed_bytes = 4 << 20,
                                           .max_series = 10'000,
                                           .max_labels_per_series = 1'000,
                                           .max_samples_per_series = 10'000,
                                           .max_metadata = 10'000};

void CheckRoundTrip(const gw::remote::WriteRequest& request) {
  gw::StatusOr<gw::remote::WriteRequest> again =
      gw::remote::DecodeBody(gw::remote::EncodeBody(request), kLimits);
  if (!again.ok() || !(*again == request)) std::abort();
  gw::remote::ValidateWriteRequest(request).IgnoreError();  // must not crash either way
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  gw::StatusOr<gw::remote::WriteRequest> from_body = gw::remote::DecodeBody(input, kLimits);
  if (from_body.ok()) CheckRoundTrip(*from_body);
  gw::StatusOr<gw::remote::WriteRequest> from_protobuf =
      gw::remote::DecodeWriteRequest(input, kLimits);
  if (from_protobuf.ok()) CheckRoundTrip(*from_protobuf);
  return 0;
}
