// Internal to hub_config: reading YAML nodes with errors that name the file and the line.
#ifndef GW_HUB_HUB_CONFIG_YAML_H_
#define GW_HUB_HUB_CONFIG_YAML_H_

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "hub/relabel.h"

namespace gw::hub {

// The known key closest to `key` by edit distance, or "" when none is close (more than a third
// of the key's length away, and at least 3).
std::string ClosestKey(std::string_view key, std::initializer_list<std::string_view> known);

// Turns YAML nodes into values; every error is "file:line: what".
class YamlReader {
 public:
  using KeyFn = std::function<Status(const std::string& key, const YAML::Node& value)>;
  using ItemFn = std::function<Status(const YAML::Node& item)>;

  explicit YamlReader(std::string_view file_name) : file_name_(file_name) {}

  // kInvalidArgument "file:line: what", at the node's line (its key's line for a null value).
  Status Error(const YAML::Node& node, std::string_view what) const;

  // Calls fn for each key of a mapping (a null node is an empty mapping); rejects other nodes,
  // unknown keys (suggesting the closest known one) and repeated keys.
  Status ForEachKey(const YAML::Node& map, std::string_view where,
                    std::initializer_list<std::string_view> known, const KeyFn& fn) const;
  // Calls fn for each item of a sequence (a null node is an empty sequence).
  Status ForEachItem(const YAML::Node& seq, std::string_view where, const ItemFn& fn) const;

  Status String(const YAML::Node& node, std::string_view where, std::string* out) const;
  Status Bool(const YAML::Node& node, std::string_view where, bool* out) const;
  Status Duration(const YAML::Node& node, std::string_view where, int64_t* out_ms) const;
  Status Uint(const YAML::Node& node, std::string_view where, uint64_t* out) const;
  Status Int(const YAML::Node& node, std::string_view where, int min, int max, int* out) const;
  Status ByteSize(const YAML::Node& node, std::string_view where, uint64_t* out) const;
  Status StringList(const YAML::Node& node, std::string_view where,
                    std::vector<std::string>* out) const;
  // A mapping of label names to values, sorted.
  Status Labels(const YAML::Node& node, std::string_view where, LabelSet* out) const;

  // The line (1-based) of the key being read, for errors about a whole value.
  const YAML::Mark& key_mark() const { return key_mark_; }

 private:
  std::string file_name_;
  mutable YAML::Mark key_mark_ = YAML::Mark::null_mark();
};

struct BasicAuth;
struct GlobalConfig;
struct ScrapeConfig;
struct StaticConfig;

// The sections of hub_config_scrape.cc, used by hub_config.cc.
Status ParseScrapeConfig(const YamlReader& reader, const YAML::Node& node,
                         const GlobalConfig& global, ScrapeConfig* out);
Status ParseStaticConfigs(const YamlReader& reader, const YAML::Node& node,
                          std::vector<StaticConfig>* out);
// basic_auth of a job or a remote_write: username, and password or password_file.
Status ParseBasicAuth(const YamlReader& reader, const YAML::Node& node, BasicAuth* out);

}  // namespace gw::hub

#endif  // GW_HUB_HUB_CONFIG_YAML_H_
