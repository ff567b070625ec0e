// Command-line parsing shared by the daemons (CLI11), with the ecosystem's flag names.
#ifndef GW_COMMON_CLI_H_
#define GW_COMMON_CLI_H_

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"

namespace gw {

// The flags every daemon has.
struct DaemonFlags {
  std::string listen_address;
  std::string web_config_file;
  int64_t max_connections = 64;
  std::string log_level = "info";
};

// Adds --web.listen-address (default `default_listen`), --web.config.file,
// --web.max-connections, --log.level and --version to `app`.
void AddDaemonFlags(CLI::App& app, const std::string& default_listen, const std::string& version,
                    DaemonFlags* flags);

// Parses argv. Returns the text to print and exit 0 with for --help and --version, nullopt to
// go on. Errors: kInvalidArgument with CLI11's one-line message, or a bad listen address.
StatusOr<std::optional<std::string>> ParseCli(CLI::App& app, int argc, const char* const* argv,
                                              const DaemonFlags& flags);

}  // namespace gw

#endif  // GW_COMMON_CLI_H_
