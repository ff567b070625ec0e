// The exposition parser on arbitrary bytes: it may reject, never crash or hang.
#include <cstdint>
#include <string_view>

#include "metrics/text_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto r = gw::metrics::ParseText(std::string_view(reinterpret_cast<const char*>(data), size));
  r.IgnoreError();
  return 0;
}
