// Parsing helpers shared by every daemon's flags and config files.
#ifndef GW_COMMON_FLAGS_H_
#define GW_COMMON_FLAGS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace gw {

// Parses a Prometheus duration ("1s", "500ms", "1m30s", "2h", "1d", "1w", "1y") into
// milliseconds. Errors: kInvalidArgument naming the input and the accepted units.
StatusOr<int64_t> ParseDurationMs(std::string_view text);

// Formats milliseconds as the shortest Prometheus duration ("1m30s", "500ms", "0s").
std::string FormatDurationMs(int64_t ms);

struct ListenAddress {
  std::string host;  // empty means every address
  uint16_t port = 0;
};

// Parses "host:port", ":port" or "[v6]:port". Errors: kInvalidArgument.
StatusOr<ListenAddress> ParseListenAddress(std::string_view text);

}  // namespace gw

#endif  // GW_COMMON_FLAGS_H_
