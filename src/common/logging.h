// Logging: a thin layer over spdlog so the rest of the code names one place.
#ifndef GW_COMMON_LOGGING_H_
#define GW_COMMON_LOGGING_H_

#include <spdlog/spdlog.h>

#include <string_view>

#include "common/status.h"

namespace gw {

// Sets the process-wide log level from a Prometheus-style name: debug, info, warn, error.
// Logs go to stderr with a timestamp. Errors: kInvalidArgument on an unknown level.
Status InitLogging(std::string_view level);

}  // namespace gw

#define GW_LOG_DEBUG(...) ::spdlog::debug(__VA_ARGS__)
#define GW_LOG_INFO(...) ::spdlog::info(__VA_ARGS__)
#define GW_LOG_WARN(...) ::spdlog::warn(__VA_ARGS__)
#define GW_LOG_ERROR(...) ::spdlog::error(__VA_ARGS__)

#endif  // GW_COMMON_LOGGING_H_
