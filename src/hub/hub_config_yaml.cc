#include "hub/hub_config_yaml.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "common/flags.h"
#include "common/suggest.h"
#include "hub/hub_config.h"

namespace gw::hub {
namespace {

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

bool IsValidLabelName(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

std::string ClosestKey(std::string_view key, std::initializer_list<std::string_view> known) {
  return std::string(
      ClosestMatch(key, std::span<const std::string_view>(known.begin(), known.size()), 3));
}

Status YamlReader::Error(const YAML::Node& node, std::string_view what) const {
  // A null value ("key:" and nothing) is placed where the next token starts, often the next
  // line; its key's line is the one to show.
  YAML::Mark mark = node.IsNull() && !key_mark_.is_null() ? key_mark_ : node.Mark();
  std::string line = mark.is_null() ? "" : ":" + std::to_string(mark.line + 1);
  return InvalidArgumentError(file_name_ + line + ": " + std::string(what));
}

Status YamlReader::ForEachKey(const YAML::Node& map, std::string_view where,
                              std::initializer_list<std::string_view> known,
                              const KeyFn& fn) const {
  if (map.IsNull()) return Status::Ok();
  if (!map.IsMap()) return Error(map, std::string(where) + " must be a mapping of keys");
  std::set<std::string> seen;
  for (const auto& entry : map) {
    const YAML::Node& key = entry.first;
    if (!key.IsScalar()) return Error(key, std::string(where) + ": keys must be strings");
    const std::string& name = key.Scalar();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string closest = ClosestKey(name, known);
      std::string hint;
      if (closest.empty()) {
        for (std::string_view k : known)
          hint += (hint.empty() ? "known keys: " : ", ") + std::string(k);
      } else {
        hint = "did you mean " + closest + "?";
      }
      return Error(key,
                   "unknown key " + Quote(name) + " in " + std::string(where) + " (" + hint + ")");
    }
    if (!seen.insert(name).second) {
      return Error(
          key, "key " + Quote(name) + " appears twice in " + std::string(where) + " (keep one)");
    }
    key_mark_ = key.Mark();
    GW_RETURN_IF_ERROR(fn(name, entry.second));
  }
  return Status::Ok();
}

Status YamlReader::ForEachItem(const YAML::Node& seq, std::string_view where,
                               const ItemFn& fn) const {
  if (seq.IsNull()) return Status::Ok();
  if (!seq.IsSequence()) return Error(seq, std::string(where) + " must be a list");
  for (const YAML::Node& item : seq) GW_RETURN_IF_ERROR(fn(item));
  return Status::Ok();
}

Status YamlReader::String(const YAML::Node& node, std::string_view where, std::string* out) const {
  if (node.IsNull()) {
    out->clear();
    return Status::Ok();
  }
  if (!node.IsScalar()) return Error(node, std::string(where) + " must be a string");
  *out = node.Scalar();
  return Status::Ok();
}

Status YamlReader::Bool(const YAML::Node& node, std::string_view where, bool* out) const {
  if (node.IsScalar() && YAML::convert<bool>::decode(node, *out)) return Status::Ok();
  return Error(node, std::string(where) + " must be true or false");
}

Status YamlReader::Duration(const YAML::Node& node, std::string_view where, int64_t* out_ms) const {
  std::string text;
  GW_RETURN_IF_ERROR(String(node, where, &text));
  StatusOr<int64_t> ms = ParseDurationMs(text);
  if (!ms.ok()) return Error(node, std::string(where) + ": " + ms.status().message());
  if (*ms <= 0) {
    return Error(node, std::string(where) + " " + Quote(text) + " must be positive (e.g. 15s)");
  }
  *out_ms = *ms;
  return Status::Ok();
}

Status YamlReader::Uint(const YAML::Node& node, std::string_view where, uint64_t* out) const {
  std::string text;
  GW_RETURN_IF_ERROR(String(node, where, &text));
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return Error(node, std::string(where) + " " + Quote(text) +
                           " must be a whole number >= 0 (0 means no limit)");
  }
  return Status::Ok();
}

Status YamlReader::Int(const YAML::Node& node, std::string_view where, int min, int max,
                       int* out) const {
  std::string text;
  GW_RETURN_IF_ERROR(String(node, where, &text));
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || *out < min ||
      *out > max) {
    return Error(node, std::string(where) + " " + Quote(text) + " must be a whole number from " +
                           std::to_string(min) + " to " + std::to_string(max));
  }
  return Status::Ok();
}

Status YamlReader::ByteSize(const YAML::Node& node, std::string_view where, uint64_t* out) const {
  std::string text;
  GW_RETURN_IF_ERROR(String(node, where, &text));
  StatusOr<uint64_t> bytes = ParseByteSize(text);
  if (!bytes.ok()) return Error(node, std::string(where) + ": " + bytes.status().message());
  *out = *bytes;
  return Status::Ok();
}

Status YamlReader::StringList(const YAML::Node& node, std::string_view where,
                              std::vector<std::string>* out) const {
  out->clear();
  return ForEachItem(node, where, [&](const YAML::Node& item) -> Status {
    if (!item.IsScalar()) return Error(item, std::string(where) + " must be a list of strings");
    out->push_back(item.Scalar());
    return Status::Ok();
  });
}

Status YamlReader::Labels(const YAML::Node& node, std::string_view where, LabelSet* out) const {
  out->clear();
  if (node.IsNull()) return Status::Ok();
  if (!node.IsMap()) return Error(node, std::string(where) + " must be a mapping of labels");
  for (const auto& entry : node) {
    const YAML::Node& key = entry.first;
    if (!key.IsScalar() || !IsValidLabelName(key.Scalar())) {
      return Error(key, std::string(where) + ": " + Quote(key.IsScalar() ? key.Scalar() : "") +
                            " is not a valid label name (use [a-zA-Z_][a-zA-Z0-9_]*)");
    }
    if (!entry.second.IsScalar()) {
      return Error(entry.second, std::string(where) + ": the value of label " +
                                     Quote(key.Scalar()) + " must be a string");
    }
    out->emplace_back(key.Scalar(), entry.second.Scalar());
  }
  std::sort(out->begin(), out->end());
  return Status::Ok();
}

}  // namespace gw::hub
