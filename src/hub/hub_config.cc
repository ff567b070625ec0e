// The top level of the hub's config: global, rule_files, alerting, remote_write, and the file.
#include "hub/hub_config.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
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
  if (!timeout_set)
    out->scrape_timeout_ms = std::min(out->scrape_timeout_ms, out->scrape_interval_ms);
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
          return reader.Error(
              value, "webhook url " + Quote(out->url) + " must start with http:// or https://");
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
          if (key == "webhooks")
            return ParseWebhook(reader, item, &config->webhooks.emplace_back());
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

// Set by the sender itself or by the connection, lower-cased: Prometheus' reservedHeaders
// (config/config.go), which also holds remote read's and SigV4's so configs move both ways.
constexpr std::string_view kReservedHeaders[] = {"host",
                                                 "content-encoding",
                                                 "content-length",
                                                 "content-type",
                                                 "user-agent",
                                                 "connection",
                                                 "keep-alive",
                                                 "proxy-authenticate",
                                                 "proxy-authorization",
                                                 "www-authenticate",
                                                 "accept-encoding",
                                                 "x-prometheus-remote-write-version",
                                                 "x-prometheus-remote-read-version",
                                                 "x-amz-date",
                                                 "x-amz-security-token",
                                                 "x-amz-content-sha256"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

// RFC 9110's token, what a header name (and an auth scheme) is made of.
bool IsToken(std::string_view s) {
  constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || kSpecials.find(c) != kSpecials.npos;
  });
}

Status ParseHeader(const YamlReader& reader, const YAML::Node& key, const YAML::Node& value,
                   std::map<std::string, int>* lines, std::map<std::string, std::string>* out) {
  const std::string name = key.IsScalar() ? key.Scalar() : "";
  if (!IsToken(name)) {
    return reader.Error(key, "header name " + Quote(name) +
                                 " is not a valid HTTP header name (use letters, digits and -)");
  }
  const std::string lower = Lower(name);
  if (lower == "authorization") {
    return reader.Error(key, "header " + Quote(name) +
                                 " cannot be set in headers (use basic_auth or authorization)");
  }
  if (std::find(std::begin(kReservedHeaders), std::end(kReservedHeaders), lower) !=
      std::end(kReservedHeaders)) {
    return reader.Error(key, "header " + Quote(name) +
                                 " is reserved: the sender or the connection sets it (remove it)");
  }
  auto [it, inserted] = lines->emplace(lower, key.Mark().line + 1);
  if (!inserted) {
    return reader.Error(key, "header " + Quote(name) + " is already set at line " +
                                 std::to_string(it->second) +
                                 " (header names ignore case; keep one)");
  }
  if (!value.IsScalar()) {
    return reader.Error(value, "the value of header " + Quote(name) + " must be a string");
  }
  if (HasLineBreak(value.Scalar())) {
    return reader.Error(value, "the value of header " + Quote(name) + " has a line break");
  }
  out->emplace(name, value.Scalar());
  return Status::Ok();
}

Status ParseHeaders(const YamlReader& reader, const YAML::Node& node,
                    std::map<std::string, std::string>* out) {
  if (node.IsNull()) return Status::Ok();
  if (!node.IsMap()) return reader.Error(node, "headers must be a mapping of names to values");
  std::map<std::string, int> lines;  // lower-cased name -> line
  for (const auto& entry : node) {
    GW_RETURN_IF_ERROR(ParseHeader(reader, entry.first, entry.second, &lines, out));
  }
  return Status::Ok();
}

Status ParseAuthorization(const YamlReader& reader, const YAML::Node& node, Authorization* out) {
  std::optional<YAML::Node> type_node;
  GW_RETURN_IF_ERROR(
      reader.ForEachKey(node, "authorization", {"type", "credentials", "credentials_file"},
                        [&](const std::string& key, const YAML::Node& value) -> Status {
                          if (key == "type") {
                            type_node = value;
                            return reader.String(value, key, &out->type);
                          }
                          if (key == "credentials")
                            return reader.String(value, key, &out->credentials);
                          return reader.String(value, key, &out->credentials_file);
                        }));
  if (out->type.empty()) out->type = "Bearer";  // as Prometheus
  const YAML::Node& at = type_node ? *type_node : node;
  if (Lower(out->type) == "basic") {
    return reader.Error(
        at, "authorization type " + Quote(out->type) + " is not allowed (use basic_auth instead)");
  }
  if (!IsToken(out->type)) {
    return reader.Error(
        at, "authorization type " + Quote(out->type) + " must be one word, such as Bearer");
  }
  if (!out->credentials.empty() && !out->credentials_file.empty()) {
    return reader.Error(node, "authorization has both credentials and credentials_file (keep one)");
  }
  if (HasLineBreak(out->credentials)) {
    return reader.Error(node, "authorization credentials have a line break");
  }
  return Status::Ok();
}

Status ParseRemoteWrite(const YamlReader& reader, const YAML::Node& node, RemoteWriteConfig* out) {
  GW_RETURN_IF_ERROR(reader.ForEachKey(
      node, "remote_write",
      {"url", "name", "remote_timeout", "headers", "basic_auth", "authorization", "queue_config"},
      [&](const std::string& key, const YAML::Node& value) -> Status {
        if (key == "name") return reader.String(value, key, &out->name);
        if (key == "remote_timeout") return reader.Duration(value, key, &out->remote_timeout_ms);
        if (key == "headers") return ParseHeaders(reader, value, &out->headers);
        if (key == "basic_auth") return ParseBasicAuth(reader, value, &out->basic_auth.emplace());
        if (key == "authorization") {
          return ParseAuthorization(reader, value, &out->authorization.emplace());
        }
        if (key == "queue_config") return ParseQueueConfig(reader, value, &out->queue_config);
        GW_RETURN_IF_ERROR(reader.String(value, key, &out->url));
        if (out->url.rfind("http://", 0) != 0 && out->url.rfind("https://", 0) != 0) {
          return reader.Error(value,
                              "url " + Quote(out->url) + " must start with http:// or https://");
        }
        return Status::Ok();
      }));
  if (out->url.empty()) return reader.Error(node, "remote_write without url (add url: http://...)");
  if (out->basic_auth && out->authorization) {
    return reader.Error(node, "remote_write has both basic_auth and authorization (keep one)");
  }
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

// Reads the file a remote_write takes a secret from, so that a wrong path fails the load and
// check-config rather than every request. The error names the file, never what it holds.
Status CheckSecretFile(const std::string& config_path, const RemoteWriteConfig& rw,
                       std::string_view key, const std::string& file) {
  if (file.empty()) return Status::Ok();
  errno = 0;
  std::ifstream in(file, std::ios::binary);
  int err = errno;
  std::string first_line;  // a directory opens, but cannot be read
  if (in.is_open()) {
    std::getline(in, first_line);
    err = in.bad() ? errno : 0;
  }
  if (!in.is_open() || in.bad()) {
    std::string error = err != 0 ? std::strerror(err) : "unreadable";
    return InvalidArgumentError(config_path + ": remote_write " +
                                Quote(rw.name.empty() ? rw.url : rw.name) + ": " +
                                std::string(key) + " " + file + " cannot be read: " + error +
                                " (fix the path or the file's permissions)");
  }
  return Status::Ok();
}

Status CheckSecretFiles(const std::string& config_path, const RemoteWriteConfig& rw) {
  if (rw.basic_auth) {
    GW_RETURN_IF_ERROR(
        CheckSecretFile(config_path, rw, "basic_auth password_file", rw.basic_auth->password_file));
  }
  if (!rw.authorization) return Status::Ok();
  return CheckSecretFile(config_path, rw, "authorization credentials_file",
                         rw.authorization->credentials_file);
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
  for (RemoteWriteConfig& rw : config.remote_write) {
    if (rw.basic_auth) resolve(&rw.basic_auth->password_file);
    if (rw.authorization) resolve(&rw.authorization->credentials_file);
    GW_RETURN_IF_ERROR(CheckSecretFiles(path, rw));
  }
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
