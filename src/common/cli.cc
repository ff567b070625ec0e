#include "common/cli.h"

#include "common/flags.h"

namespace gw {

void AddDaemonFlags(CLI::App& app, const std::string& default_listen, const std::string& version,
                    DaemonFlags* flags) {
  flags->listen_address = default_listen;
  app.set_version_flag("--version", version);
  app.add_option("--web.listen-address", flags->listen_address, "Address to serve /metrics on")
      ->capture_default_str();
  app.add_option("--web.config.file", flags->web_config_file,
                 "Exporter-toolkit web config (TLS, basic auth); re-read on SIGHUP")
      ->check(CLI::ExistingFile);
  app.add_option("--web.max-connections", flags->max_connections,
                 "Open connections beyond this get 503")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--log.level", flags->log_level, "debug, info, warn or error")
      ->capture_default_str()
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
}

StatusOr<std::optional<std::string>> ParseCli(CLI::App& app, int argc, const char* const* argv,
                                              const DaemonFlags& flags) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    return std::optional<std::string>(app.help());
  } catch (const CLI::CallForVersion&) {
    return std::optional<std::string>(app.version() + "\n");
  } catch (const CLI::ParseError& e) {
    return InvalidArgumentError(e.what());
  }
  GW_RETURN_IF_ERROR(ParseListenAddress(flags.listen_address).status());
  return std::optional<std::string>();
}

}  // namespace gw
