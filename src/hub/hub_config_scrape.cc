// The scrape_configs section: jobs, their targets, relabeling and limits.
#include <algorithm>
#include <charconv>
#include <optional>

#include "common/flags.h"
#include "hub/hub_config.h"
#include "hub/hub_config_yaml.h"

namespace gw::hub {
namespace {

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// "host:port" or "[v6]:port" with a port from 1 to 65535.
Status CheckTarget(const YamlReader& reader, const YAML::Node& node, const std::string& target) {
  const std::string_view view = target;
  size_t colon = view.rfind(':');
  std::string_view host = colon == std::string_view::npos ? "" : view.substr(0, colon);
  if (colon == std::string_view::npos || host.empty() || host == "[]" ||
      (host.find(':') != std::string_view::npos && (host.front() != '[' || host.back() != ']'))) {
    return reader.Error(
        node, "target " + Quote(target) + " must be host:port (e.g. 127.0.1.1:9400, [::1]:9400)");
  }
  std::string_view port_text = view.substr(colon + 1);
  int port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port < 1 || port > 65535) {
    return reader.Error(node, "target " + Quote(target) + ": port " + Quote(port_text) +
                                  " must be a number from 1 to 65535");
  }
  return Status::Ok();
}

Status ParseStaticConfig(const YamlReader& reader, const YAML::Node& node, StaticConfig* out) {
  return reader.ForEachKey(
      node, "static_configs", {"targets", "labels"},
      [&](const std::string& key, const YAML::Node& value) -> Status {
        if (key == "labels") return reader.Labels(value, "labels", &out->labels);
        return reader.ForEachItem(value, "targets", [&](const YAML::Node& item) -> Status {
          if (!item.IsScalar()) return reader.Error(item, "targets must be a list of host:port");
          GW_RETURN_IF_ERROR(CheckTarget(reader, item, item.Scalar()));
          out->targets.push_back(item.Scalar());
          return Status::Ok();
        });
      });
}

Status ParseRelabelKey(const YamlReader& reader, const std::string& key, const YAML::Node& value,
                       RelabelConfig* out) {
  if (key == "source_labels") return reader.StringList(value, key, &out->source_labels);
  if (key == "separator") return reader.String(value, key, &out->separator);
  if (key == "regex") return reader.String(value, key, &out->regex);
  if (key == "target_label") return reader.String(value, key, &out->target_label);
  if (key == "replacement") return reader.String(value, key, &out->replacement);
  if (key == "modulus") return reader.Uint(value, key, &out->modulus);
  std::string name;
  GW_RETURN_IF_ERROR(reader.String(value, key, &name));
  std::optional<RelabelAction> action = ParseRelabelAction(name);
  if (!action) {
    return reader.Error(value, "unknown relabel action " + Quote(name) +
                                   " (use replace, keep, drop, labeldrop, labelkeep, labelmap, "
                                   "hashmod, lowercase, uppercase, keepequal or dropequal)");
  }
  out->action = *action;
  return Status::Ok();
}

Status ParseRelabelConfigs(const YamlReader& reader, const YAML::Node& node, std::string_view where,
                           std::vector<RelabelConfig>* out) {
  return reader.ForEachItem(node, where, [&](const YAML::Node& item) -> Status {
    RelabelConfig config;
    std::optional<YAML::Node> regex_node;
    GW_RETURN_IF_ERROR(reader.ForEachKey(
        item, where,
        {"source_labels", "separator", "regex", "target_label", "replacement", "modulus", "action"},
        [&](const std::string& key, const YAML::Node& value) -> Status {
          if (key == "regex") regex_node = value;
          return ParseRelabelKey(reader, key, value, &config);
        }));
    Status compiled = CompileRelabelConfig(&config);
    if (!compiled.ok()) {
      // Only a regex that failed to compile leaves `compiled` unset.
      bool regex_error = config.compiled == nullptr && regex_node.has_value();
      return reader.Error(regex_error ? *regex_node : item, compiled.message());
    }
    out->push_back(std::move(config));
    return Status::Ok();
  });
}

Status ParseSlurmSd(const YamlReader& reader, const YAML::Node& node, SlurmSdConfig* out) {
  return reader.ForEachKey(node, "slurm_sd_configs", {"exporter_url", "port", "refresh_interval"},
                           [&](const std::string& key, const YAML::Node& value) -> Status {
                             if (key == "port") return reader.Int(value, key, 1, 65535, &out->port);
                             if (key == "refresh_interval") {
                               return reader.Duration(value, key, &out->refresh_interval_ms);
                             }
                             GW_RETURN_IF_ERROR(reader.String(value, key, &out->exporter_url));
                             if (out->exporter_url.rfind("http://", 0) != 0 &&
                                 out->exporter_url.rfind("https://", 0) != 0) {
                               return reader.Error(value,
                                                   "exporter_url " + Quote(out->exporter_url) +
                                                       " must start with http:// or https://");
                             }
                             return Status::Ok();
                           });
}

Status ParseScrapeKey(const YamlReader& reader, const std::string& key, const YAML::Node& value,
                      ScrapeConfig* out) {
  if (key == "job_name") return reader.String(value, key, &out->job_name);
  if (key == "scrape_interval") return reader.Duration(value, key, &out->scrape_interval_ms);
  if (key == "scrape_timeout") return reader.Duration(value, key, &out->scrape_timeout_ms);
  if (key == "honor_labels") return reader.Bool(value, key, &out->honor_labels);
  if (key == "sample_limit") return reader.Uint(value, key, &out->sample_limit);
  if (key == "label_limit") return reader.Uint(value, key, &out->label_limit);
  if (key == "body_size_limit") return reader.ByteSize(value, key, &out->body_size_limit_bytes);
  if (key == "static_configs") return ParseStaticConfigs(reader, value, &out->static_configs);
  if (key == "relabel_configs") {
    return ParseRelabelConfigs(reader, value, key, &out->relabel_configs);
  }
  if (key == "metric_relabel_configs") {
    return ParseRelabelConfigs(reader, value, key, &out->metric_relabel_configs);
  }
  if (key == "basic_auth") return ParseBasicAuth(reader, value, &out->basic_auth.emplace());
  if (key == "slurm_sd_configs") {
    return reader.ForEachItem(value, key, [&](const YAML::Node& item) {
      return ParseSlurmSd(reader, item, &out->slurm_sd_configs.emplace_back());
    });
  }
  if (key == "metrics_path") {
    GW_RETURN_IF_ERROR(reader.String(value, key, &out->metrics_path));
    if (out->metrics_path.empty() || out->metrics_path[0] != '/') {
      return reader.Error(
          value, "metrics_path " + Quote(out->metrics_path) + " must start with / (e.g. /metrics)");
    }
    return Status::Ok();
  }
  GW_RETURN_IF_ERROR(reader.String(value, key, &out->scheme));
  if (out->scheme != "http" && out->scheme != "https") {
    return reader.Error(value, "scheme " + Quote(out->scheme) + " must be http or https");
  }
  return Status::Ok();
}

}  // namespace

Status ParseBasicAuth(const YamlReader& reader, const YAML::Node& node, BasicAuth* out) {
  GW_RETURN_IF_ERROR(
      reader.ForEachKey(node, "basic_auth", {"username", "password", "password_file"},
                        [&](const std::string& key, const YAML::Node& value) -> Status {
                          if (key == "username") return reader.String(value, key, &out->username);
                          if (key == "password") return reader.String(value, key, &out->password);
                          return reader.String(value, key, &out->password_file);
                        }));
  if (!out->password.empty() && !out->password_file.empty()) {
    return reader.Error(node, "basic_auth has both password and password_file (keep one)");
  }
  return Status::Ok();
}

Status ParseStaticConfigs(const YamlReader& reader, const YAML::Node& node,
                          std::vector<StaticConfig>* out) {
  return reader.ForEachItem(node, "static_configs", [&](const YAML::Node& item) {
    return ParseStaticConfig(reader, item, &out->emplace_back());
  });
}

Status ParseScrapeConfig(const YamlReader& reader, const YAML::Node& node,
                         const GlobalConfig& global, ScrapeConfig* out) {
  std::optional<YAML::Node> timeout_node;
  GW_RETURN_IF_ERROR(reader.ForEachKey(
      node, "scrape_configs",
      {"job_name", "scrape_interval", "scrape_timeout", "metrics_path", "scheme", "honor_labels",
       "basic_auth", "static_configs", "slurm_sd_configs", "relabel_configs",
       "metric_relabel_configs", "sample_limit", "label_limit", "body_size_limit"},
      [&](const std::string& key, const YAML::Node& value) -> Status {
        if (key == "scrape_timeout") timeout_node = value;
        return ParseScrapeKey(reader, key, value, out);
      }));
  if (out->job_name.empty()) {
    return reader.Error(node, "scrape config without job_name (add job_name: <name>)");
  }
  if (out->scrape_interval_ms == 0) out->scrape_interval_ms = global.scrape_interval_ms;
  if (out->scrape_timeout_ms == 0) {
    // As Prometheus: the global timeout, capped at this job's interval.
    out->scrape_timeout_ms = std::min(global.scrape_timeout_ms, out->scrape_interval_ms);
  }
  if (out->scrape_timeout_ms > out->scrape_interval_ms) {
    return reader.Error(
        timeout_node ? *timeout_node : node,
        "job " + Quote(out->job_name) + ": scrape_timeout " +
            FormatDurationMs(out->scrape_timeout_ms) + " is longer than scrape_interval " +
            FormatDurationMs(out->scrape_interval_ms) + " (make the timeout at most the interval)");
  }
  return Status::Ok();
}

}  // namespace gw::hub
