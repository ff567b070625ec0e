// The top level of the hub's config: global, rule_files, alerting, remote_write, and the file.
#include "hub/hub_config.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "common/flags.h"
#include "common/yaml_errors.h"
#include "hub/hub_config_yaml.h"

namespace gw::hub {
namespace {

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

Status ParseGlobal(const YamlReader& reader, const YAML::Node& node, GlobalConfig* out) {
  bool timeout_set = false;
  GW_RETURN_IF_ERROR(reader.ForEachKey(
      node, "global",
      {"scrape_interval", "scrape_timeout", "evaluation_interval", "external_labels"},
      [&](const std::string& key, const YAML::Node& value) -> Status {
        if (key == "scrape_interval") return reader.Duration(value, key, &out->scrape_interval_ms);
        if (key == "scrape_timeout") {
          timeout_set = true;
          return reader.Duration(value, key, &out->scrape_timeout_ms);
        }
        if (key == "evaluation_interval") {
          return reader.Duration(value, key, &out->evaluation_interval_ms);
        }
        return reader.Labels(value, key, &out->external_labels);
      }));
  // As Prometheus: an unset timeout is the default (10s) capped at the interval.
  if (!timeout_set) out->scrape_timeout_ms = std::min(out->scrape_timeout_ms, out->scrape_interval_ms);
  if (out->scrape_timeout_ms > out->scrape_interval_ms) {
    return reader.Error(node, "global scrape_timeout " + FormatDurationMs(out->scrape_timeout_ms) +
                                  " is longer than scrape_interval " +
                                  FormatDurationMs(out->scrape_interval_ms) +
                                  " (make the timeout at most the interval)");
  }
  return Status::Ok();
}

Status ParseAlertmanager(const YamlReader& reader, const YAML::Node& node,
                         AlertmanagerConfig* out) {
  return reader.ForEachKey(
      node, "alertmanagers", {"scheme", "path_prefix", "timeout", "static_configs"},
      [&](const std::string& key, const YAML::Node& value) -> Status {
        if (key == "path_prefix") return reader.String(value, key, &out->path_prefix);
        if (key == "timeout") return reader.Duration(value, key, &out->timeout_ms);
        if (key == "static_configs") return ParseStaticConfigs(reader, value, &out->static_configs);
        GW_RETURN_IF_ERROR(reader.String(value, key, &out->scheme));
        if (out->scheme != "http" && out->scheme != "https") {
          return reader.Error(value, "scheme " + Quote(out->scheme) + " must be http or https");
        }
        return Status::Ok();
      });
}

Status ParseWebhook(const YamlReader& reader, const YAML::Node& node, WebhookConfig* out) {
  GW_RETURN_IF_ERROR(reader.ForEachKey(
      node, "webhooks", {"url", "timeout"},
      [&](const std::string& key, const YAML::Node& value) -> Status {
        if (key == "timeout") return reader.Duration(value, key, &out->timeout_ms);
        GW_RETURN_IF_ERROR(reader.String(value, key, &out->url));
        if (!out->url.starts_with("http://") && !out->url.starts_with("https://")) {
          return reader.Error(value, "webhook url " + Quote(out->url) +
                                         " must start with http:// or https://");
        }
        return Status::Ok();
      }));
  if (out->url.empty()) return reader.Error(node, "a webhook needs a url");
  return Status::Ok();
}

Status ParseAlerting(const YamlReader& reader, const YAML::Node& node, HubConfig* config) {
  return reader.ForEachKey(
      node, "alerting", {"alertmanagers", "webhooks"},
      [&](const std::string& key, const YAML::Node& value) {
        return reader.ForEachItem(value, key, [&](const YAML::Node& item) {
          if (key == "webhooks") return ParseWebhook(reader, item, &config->webhooks.emplace_back());
          return ParseAlertmanager(reader, item, &config->alertmanagers.emplace_back());
        });
      });
}

Status ParseQueueConfig(const YamlReader& reader, const YAML::Node& node, QueueConfig* out) {
  constexpr int kMax = 1'000'000'000;
  return reader.ForEachKey(node, "queue_config",
                           {"capacity", "max_shards", "min_shards", "max_samples_per_send",
                            "batch_send_deadline", "min_backoff", "max_backoff"},
                           [&](const std::string& key, const YAML::Node& value) -> Status {
                             if (key == "capacity")
                               return reader.Int(value, key, 1, kMax, &out->capacity);
                             if (key == "max_shards")
                               return reader.Int(value, key, 1, kMax, &out->max_shards);
                             if (key == "min_shards")
                               return reader.Int(value, key, 1, kMax, &out->min_shards);
                             if (key == "max_samples_per_send") {
                               return reader.Int(value, key, 1, kMax, &out->max_samples_per_send);
                             }
                             if (key == "batch_send_deadline") {
                               return reader.Duration(value, key, &out->batch_send_deadline_ms);
                             }
                             if (key == "min_backoff")
                               return reader.Duration(value, key, &out->min_backoff_ms);
                             return reader.Duration(value, key, &out->max_backoff_ms);
                           });
}

Status ParseRemoteWrite(const YamlReader& reader, const YAML::Node& node, RemoteWriteConfig* out) {
  GW_RETURN_IF_ERROR(reader.ForEachKey(
      node, "remote_write", {"url", "name", "remote_timeout", "queue_config"},
      [&](const std::string& key, const YAML::Node& value) -> Status {
        if (key == "name") return reader.String(value, key, &out->name);
        if (key == "remote_timeout") return reader.Duration(value, key, &out->remote_timeout_ms);
        if (key == "queue_config") return ParseQueueConfig(reader, value, &out->queue_config);
        GW_RETURN_IF_ERROR(reader.String(value, key, &out->url));
        if (out->url.rfind("http://", 0) != 0 && out->url.rfind("https://", 0) != 0) {
          return reader.Error(value,
                              "url " + Quote(out->url) + " must start with http:// or https://");
        }
        return Status::Ok();
      }));
  if (out->url.empty()) return reader.Error(node, "remote_write without url (add url: http://...)");
  return Status::Ok();
}

Status ParseScrapeConfigs(const YamlReader& reader, const YAML::Node& node,
                          const GlobalConfig& global, std::vector<ScrapeConfig>* out) {
  std::map<std::string, int> first_line;  // job name -> line of its first definition
  return reader.ForEachItem(node, "scrape_configs", [&](const YAML::Node& item) -> Status {
    ScrapeConfig& config = out->emplace_back();
    GW_RETURN_IF_ERROR(ParseScrapeConfig(reader, item, global, &config));
    const YAML::Node& job = item["job_name"];
    auto [it, inserted] = first_line.emplace(config.job_name, job.Mark().line + 1);
    if (!inserted) {
      return reader.Error(job, "job_name " + Quote(config.job_name) + " is already used at line " +
                                   std::to_string(it->second) + " (job names must be unique)");
    }
    return Status::Ok();
  });
}

Status ParseRoot(const YamlReader& reader, const YAML::Node& root, HubConfig* config) {
  // Sections are read after the loop, global first, since the jobs take its defaults.
  std::map<std::string, YAML::Node> sections;
  GW_RETURN_IF_ERROR(reader.ForEachKey(
      root, "the config", {"global", "rule_files", "scrape_configs", "alerting", "remote_write"},
      [&](const std::string& key, const YAML::Node& value) -> Status {
        sections.emplace(key, value);
        return Status::Ok();
      }));
  auto section = [&](const std::string& key) {
    auto it = sections.find(key);
    return it == sections.end() ? YAML::Node() : it->second;
  };
  GW_RETURN_IF_ERROR(ParseGlobal(reader, section("global"), &config->global));
  GW_RETURN_IF_ERROR(reader.StringList(section("rule_files"), "rule_files", &config->rule_files));
  GW_RETURN_IF_ERROR(ParseScrapeConfigs(reader, section("scrape_configs"), config->global,
                                        &config->scrape_configs));
  GW_RETURN_IF_ERROR(ParseAlerting(reader, section("alerting"), config));
  return reader.ForEachItem(section("remote_write"), "remote_write", [&](const YAML::Node& item) {
    return ParseRemoteWrite(reader, item, &config->remote_write.emplace_back());
  });
}

}  // namespace

StatusOr<HubConfig> ParseHubConfig(std::string_view yaml, std::string_view file_name) {
  HubConfig config;
  YamlReader reader(file_name);
  GW_RETURN_IF_ERROR(CatchYamlErrors(file_name, [&] {
    YAML::Node root = YAML::Load(std::string(yaml));
    return ParseRoot(reader, root, &config);
  }));
  return config;
}

StatusOr<HubConfig> LoadHubConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    if (err == ENOENT) return NotFoundError(path + ": no such file (check the path)");
    return ErrnoError("cannot open config " + path, err);
  }
  std::ostringstream text;
  text << in.rdbuf();
  GW_ASSIGN_OR_RETURN(HubConfig config, ParseHubConfig(text.str(), path));
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  auto resolve = [&](std::string* file) {
    if (!file->empty() && std::filesystem::path(*file).is_relative()) {
      *file = (dir / *file).lexically_normal().string();
    }
  };
  for (ScrapeConfig& job : config.scrape_configs) {
    if (job.basic_auth) resolve(&job.basic_auth->password_file);
  }
  for (std::string& glob : config.rule_files) resolve(&glob);
  return config;
}

StatusOr<uint64_t> ParseByteSize(std::string_view text) {
  static const std::pair<std::string_view, uint64_t> kUnits[] = {{"B", 1},
                                                                 {"KB", 1ULL << 10},
                                                                 {"KiB", 1ULL << 10},
                                                                 {"MB", 1ULL << 20},
                                                                 {"MiB", 1ULL << 20},
                                                                 {"GB", 1ULL << 30},
                                                                 {"GiB", 1ULL << 30},
                                                                 {"TB", 1ULL << 40},
                                                                 {"TiB", 1ULL << 40}};
  uint64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  std::string_view unit = text.substr(end - text.data());
  if (text.empty() || ec != std::errc() || end == text.data()) {
    return InvalidArgumentError("size " + Quote(text) + " must be a number and a unit (e.g. 10MB)");
  }
  if (unit.empty()) {
    if (number == 0) return uint64_t{0};
    return InvalidArgumentError("size " + Quote(text) +
                                " has no unit (use B, KB, MB, GB, KiB, MiB or GiB)");
  }
  for (const auto& [name, scale] : kUnits) {
    if (name != unit) continue;
    if (number > UINT64_MAX / scale)
      return InvalidArgumentError("size " + Quote(text) + " is too large");
    return number * scale;
  }
  return InvalidArgumentError("size " + Quote(text) + ": unknown unit " + Quote(unit) +
                              " (use B, KB, MB, GB, KiB, MiB or GiB)");
}

}  // namespace gw::hub
