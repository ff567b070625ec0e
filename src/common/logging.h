// Logging: one line per event on stderr, `ts=<UTC time> level=<level> msg="<text>"`, with fmt's
// format strings. Deliberately small (no sinks, no async queue): the GPU exporter's memory
// budget counts every shared library it maps, and spdlog's pages were 0.4 MiB of it.
//
// Thread-safety: every function may be called from any thread; a line is written with one
// write(2), so lines of concurrent threads do not interleave.
#ifndef GW_COMMON_LOGGING_H_
#define GW_COMMON_LOGGING_H_

#include <fmt/format.h>

#include <atomic>
#include <string_view>
#include <utility>

#include "common/status.h"

namespace gw {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// Sets the process-wide log level from a Prometheus-style name: debug, info, warn, error.
// Before it is called the level is info. Errors: kInvalidArgument on an unknown level.
Status InitLogging(std::string_view level);

namespace logging_internal {
extern std::atomic<int> min_level;
void WriteLine(LogLevel level, std::string_view message);
}  // namespace logging_internal

inline bool LogEnabled(LogLevel level) {
  return static_cast<int>(level) >=
         logging_internal::min_level.load(std::memory_order_relaxed);
}

template <typename... Args>
void Log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
  if (!LogEnabled(level)) return;
  logging_internal::WriteLine(level, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace gw

#define GW_LOG_DEBUG(...) ::gw::Log(::gw::LogLevel::kDebug, __VA_ARGS__)
#define GW_LOG_INFO(...) ::gw::Log(::gw::LogLevel::kInfo, __VA_ARGS__)
#define GW_LOG_WARN(...) ::gw::Log(::gw::LogLevel::kWarn, __VA_ARGS__)
#define GW_LOG_ERROR(...) ::gw::Log(::gw::LogLevel::kError, __VA_ARGS__)

#endif  // GW_COMMON_LOGGING_H_
