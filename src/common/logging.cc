#include "common/logging.h"

#include <spdlog/sinks/stdout_sinks.h>

#include <string>

namespace gw {

Status InitLogging(std::string_view level) {
  spdlog::level::level_enum lvl;
  if (level == "debug") {
    lvl = spdlog::level::debug;
  } else if (level == "info") {
    lvl = spdlog::level::info;
  } else if (level == "warn") {
    lvl = spdlog::level::warn;
  } else if (level == "error") {
    lvl = spdlog::level::err;
  } else {
    return InvalidArgumentError("--log.level \"" + std::string(level) +
                                "\": unknown level (use debug, info, warn or error)");
  }
  auto logger = spdlog::stderr_logger_mt("gw");
  logger->set_pattern("ts=%Y-%m-%dT%H:%M:%S.%eZ level=%l msg=\"%v\"",
                      spdlog::pattern_time_type::utc);
  logger->set_level(lvl);
  spdlog::set_default_logger(logger);
  return Status::Ok();
}

}  // namespace gw
