#include "common/logging.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <string>

namespace gw {
namespace logging_internal {

std::atomic<int> min_level{static_cast<int>(LogLevel::kInfo)};

namespace {

constexpr std::string_view kLevelNames[] = {"debug", "info", "warning", "error"};

// "2026-11-30T01:02:03.456Z"
std::string UtcTimestamp() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  return fmt::format("{}.{:03d}Z", std::string_view(text, n), static_cast<int>(ms % 1000));
}

}  // namespace

void WriteLine(LogLevel level, std::string_view message) {
  std::string line = fmt::format("ts={} level={} msg=\"{}\"\n", UtcTimestamp(),
                                 kLevelNames[static_cast<int>(level)], message);
  std::string_view rest = line;
  while (!rest.empty()) {
    ssize_t n = ::write(STDERR_FILENO, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // stderr is gone: nothing better to do with a log line
    rest.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace logging_internal

Status InitLogging(std::string_view level) {
  LogLevel parsed;
  if (level == "debug") {
    parsed = LogLevel::kDebug;
  } else if (level == "info") {
    parsed = LogLevel::kInfo;
  } else if (level == "warn") {
    parsed = LogLevel::kWarn;
  } else if (level == "error") {
    parsed = LogLevel::kError;
  } else {
    return InvalidArgumentError("--log.level \"" + std::string(level) +
                                "\": unknown level (use debug, info, warn or error)");
  }
  logging_internal::min_level.store(static_cast<int>(parsed), std::memory_order_relaxed);
  return Status::Ok();
}

}  // namespace gw
