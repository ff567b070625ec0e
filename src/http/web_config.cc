// Parsing follows exporter-toolkit's web.Config (yaml.UnmarshalStrict plus its validation), with
// errors that carry the line and say what to do.
#include "http/web_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <set>
#include <sstream>

#include "common/yaml_errors.h"

namespace gw::http {
namespace {

struct NamedValue {
  std::string_view name;
  std::string_view value;
};

// Go's cipher suite names (crypto/tls) and their OpenSSL spellings.
constexpr NamedValue kCiphers[] = {
    {"TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA"},
    {"TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA"},
    {"TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256"},
    {"TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384"},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA"},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA"},
    {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA"},
    {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA"},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384"},
    {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"},
    {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384"},
    {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"},
    {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305"},
};
constexpr NamedValue kCurves[] = {
    {"CurveP256", "P-256"}, {"CurveP384", "P-384"}, {"CurveP521", "P-521"}, {"X25519", "X25519"}};
constexpr NamedValue kVersions[] = {{"TLS10", "0"}, {"TLS11", "1"}, {"TLS12", "2"}, {"TLS13", "3"}};
constexpr NamedValue kClientAuth[] = {{"NoClientCert", "0"},
                                      {"RequestClientCert", "1"},
                                      {"RequireAnyClientCert", "2"},
                                      {"VerifyClientCertIfGiven", "3"},
                                      {"RequireAndVerifyClientCert", "4"}};
// The headers the toolkit lets a web config set, with their allowed values (none: any value).
constexpr NamedValue kAllowedHeaders[] = {
    {"Strict-Transport-Security", ""},      {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "deny,sameorigin"}, {"X-XSS-Protection", ""},
    {"Content-Security-Policy", ""},
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

template <size_t N>
std::string NameList(const NamedValue (&table)[N]) {
  std::string out;
  for (size_t i = 0; i < N; ++i) {
    out += i == 0 ? "" : (i + 1 == N ? " or " : ", ");
    out += table[i].name;
  }
  return out;
}

template <size_t N>
const NamedValue* Find(const NamedValue (&table)[N], std::string_view name) {
  for (const NamedValue& entry : table) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

using KeyFn = std::function<Status(const std::string& key, const YAML::Node& value)>;

// Turns YAML nodes into a WebConfig; each error names the file and the node's line.
class Parser {
 public:
  explicit Parser(std::string_view file_name) : file_name_(file_name) {}

  Status Error(const YAML::Node& node, std::string_view what) const {
    // A null value ("key:" and nothing) is placed where the next token starts, often the next
    // line; its key's line is the one to show.
    YAML::Mark mark = node.IsNull() && !key_mark_.is_null() ? key_mark_ : node.Mark();
    std::string line = mark.is_null() ? "" : ":" + std::to_string(mark.line + 1);
    return InvalidArgumentError(file_name_ + line + ": " + std::string(what));
  }

  // Calls fn for every key of a mapping; rejects non-mappings, non-string, unknown and repeated
  // keys, as yaml.UnmarshalStrict does.
  Status ForEachKey(const YAML::Node& map, std::string_view where,
                    std::initializer_list<std::string_view> known, const KeyFn& fn) const {
    if (map.IsNull()) return Status::Ok();
    if (!map.IsMap()) return Error(map, std::string(where) + " must be a mapping of keys");
    std::set<std::string> seen;
    for (const auto& entry : map) {
      const YAML::Node& key = entry.first;
      if (!key.IsScalar()) return Error(key, std::string(where) + ": keys must be strings");
      const std::string& name = key.Scalar();
      if (known.size() > 0 && std::find(known.begin(), known.end(), name) == known.end()) {
        return UnknownKey(key, where, known);
      }
      if (!seen.insert(name).second) {
        return Error(key,
                     "key \"" + name + "\" appears twice in " + std::string(where) + " (keep one)");
      }
      key_mark_ = key.Mark();
      GW_RETURN_IF_ERROR(fn(name, entry.second));
    }
    return Status::Ok();
  }

  // The error for a key of `where` that is none of `known`, listing those.
  Status UnknownKey(const YAML::Node& key, std::string_view where,
                    std::initializer_list<std::string_view> known) const {
    std::string list;
    for (std::string_view k : known) {
      if (!list.empty()) list += ", ";
      list += k;
    }
    return Error(key, "unknown key \"" + key.Scalar() + "\" in " + std::string(where) +
                          " (known keys: " + list + ")");
  }

  StatusOr<std::string> String(const YAML::Node& node, std::string_view where) const {
    if (node.IsNull()) return std::string();
    if (!node.IsScalar()) return Error(node, std::string(where) + " must be a string");
    return node.Scalar();
  }

  Status Assign(const YAML::Node& node, std::string_view where, std::string* out) const {
    GW_ASSIGN_OR_RETURN(*out, String(node, where));
    return Status::Ok();
  }

  Status Bool(const YAML::Node& node, std::string_view where, bool* out) const {
    if (node.IsScalar() && YAML::convert<bool>::decode(node, *out)) return Status::Ok();
    return Error(node, std::string(where) + " must be true or false");
  }

  Status StringList(const YAML::Node& node, std::string_view where,
                    std::vector<std::string>* out) const {
    if (node.IsNull()) return Status::Ok();
    if (!node.IsSequence()) return Error(node, std::string(where) + " must be a list");
    for (const YAML::Node& item : node) {
      GW_ASSIGN_OR_RETURN(std::string value, String(item, where));
      out->push_back(std::move(value));
    }
    return Status::Ok();
  }

  // Looks a list of Go names up in table, storing the mapped values.
  template <size_t N>
  Status MappedList(const YAML::Node& node, std::string_view where, const NamedValue (&table)[N],
                    std::vector<std::string>* out) const {
    std::vector<std::string> names;
    GW_RETURN_IF_ERROR(StringList(node, where, &names));
    for (size_t i = 0; i < names.size(); ++i) {
      const NamedValue* entry = Find(table, names[i]);
      if (entry == nullptr) {
        return Error(node[i], std::string(where) + ": unknown value \"" + names[i] + "\" (use " +
                                  NameList(table) + ")");
      }
      out->emplace_back(entry->value);
    }
    return Status::Ok();
  }

  template <size_t N>
  StatusOr<int> Enum(const YAML::Node& node, std::string_view where,
                     const NamedValue (&table)[N]) const {
    GW_ASSIGN_OR_RETURN(std::string name, String(node, where));
    const NamedValue* entry = Find(table, name);
    if (entry == nullptr) {
      return Error(node, std::string(where) + ": unknown value \"" + name + "\" (use " +
                             NameList(table) + ")");
    }
    return entry->value[0] - '0';
  }

  Status Tls(const YAML::Node& node, TlsServerConfig* tls) const;
  Status CheckTls(const YAML::Node& node, const TlsServerConfig& tls, bool auth_set) const;
  Status Http(const YAML::Node& node, HttpServerConfig* http) const;
  Status Header(const std::string& name, const YAML::Node& value, HttpServerConfig* http) const;
  Status CheckHeaderValue(const YAML::Node& node, const NamedValue& allowed,
                          const std::string& value, HttpServerConfig* http) const;
  Status Users(const YAML::Node& node, std::map<std::string, std::string>* users) const;

 private:
  std::string file_name_;
  mutable YAML::Mark key_mark_ = YAML::Mark::null_mark();  // of the key being parsed
};

Status Parser::Tls(const YAML::Node& node, TlsServerConfig* tls) const {
  bool auth_set = false;
  GW_RETURN_IF_ERROR(ForEachKey(node, "tls_server_config",
                                {"cert_file", "key_file", "client_auth_type", "client_ca_file",
                                 "cipher_suites", "curve_preferences", "min_version", "max_version",
                                 "prefer_server_cipher_suites", "client_allowed_sans"},
                                [&](const std::string& key, const YAML::Node& value) -> Status {
                                  std::string where = "tls_server_config." + key;
                                  if (key == "cert_file")
                                    return Assign(value, where, &tls->cert_file);
                                  if (key == "key_file")
                                    return Assign(value, where, &tls->key_file);
                                  if (key == "client_ca_file")
                                    return Assign(value, where, &tls->client_ca_file);
                                  if (key == "cipher_suites")
                                    return MappedList(value, where, kCiphers, &tls->cipher_suites);
                                  if (key == "curve_preferences") {
                                    return MappedList(value, where, kCurves,
                                                      &tls->curve_preferences);
                                  }
                                  if (key == "client_allowed_sans") {
                                    return StringList(value, where, &tls->client_allowed_sans);
                                  }
                                  if (key == "prefer_server_cipher_suites") {
                                    return Bool(value, where, &tls->prefer_server_cipher_suites);
                                  }
                                  if (key == "client_auth_type") {
                                    auth_set = !value.IsNull();
                                    if (!auth_set) return Status::Ok();
                                    GW_ASSIGN_OR_RETURN(int auth, Enum(value, where, kClientAuth));
                                    tls->client_auth_type = static_cast<ClientAuthType>(auth);
                                    return Status::Ok();
                                  }
                                  GW_ASSIGN_OR_RETURN(int version, Enum(value, where, kVersions));
                                  (key == "min_version" ? tls->min_version : tls->max_version) =
                                      static_cast<TlsVersion>(version);
                                  return Status::Ok();
                                }));
  return CheckTls(node, *tls, auth_set);
}

// The toolkit's consistency checks, each with the fix spelled out.
Status Parser::CheckTls(const YAML::Node& node, const TlsServerConfig& tls, bool auth_set) const {
  using Auth = ClientAuthType;
  auto error = [&](std::string_view what) {
    return Error(node, "tls_server_config: " + std::string(what));
  };
  bool verifies = tls.client_auth_type == Auth::kVerifyClientCertIfGiven ||
                  tls.client_auth_type == Auth::kRequireAndVerifyClientCert;
  if (tls.cert_file.empty() && (!tls.key_file.empty() || !tls.client_ca_file.empty() || auth_set)) {
    return error("cert_file is missing (set cert_file and key_file to serve TLS)");
  }
  if (!tls.cert_file.empty() && tls.key_file.empty()) {
    return error("key_file is missing (set key_file to the private key of cert_file)");
  }
  if (!tls.client_ca_file.empty() && tls.client_auth_type == Auth::kNoClientCert) {
    return error(
        "client_ca_file is set but client_auth_type is NoClientCert (set client_auth_type, "
        "e.g. RequireAndVerifyClientCert)");
  }
  if (verifies && tls.client_ca_file.empty()) {
    return error(
        "client_auth_type verifies client certificates but client_ca_file is not set "
        "(set client_ca_file to the CA that signs client certificates)");
  }
  if (!tls.client_allowed_sans.empty() && !verifies) {
    return error(
        "client_allowed_sans needs verified client certificates (set client_auth_type: "
        "RequireAndVerifyClientCert)");
  }
  if (tls.min_version > tls.max_version) {
    return error("min_version is above max_version (lower min_version or raise max_version)");
  }
  return Status::Ok();
}

Status Parser::Http(const YAML::Node& node, HttpServerConfig* http) const {
  return ForEachKey(node, "http_server_config", {"http2", "headers"},
                    [&](const std::string& key, const YAML::Node& value) -> Status {
                      if (key == "http2") {
                        return Bool(value, "http_server_config.http2", &http->http2);
                      }
                      return ForEachKey(value, "http_server_config.headers", {},
                                        [&](const std::string& name, const YAML::Node& v) {
                                          return Header(name, v, http);
                                        });
                    });
}

Status Parser::Header(const std::string& name, const YAML::Node& value,
                      HttpServerConfig* http) const {
  const NamedValue* allowed = nullptr;
  for (const NamedValue& header : kAllowedHeaders) {
    if (EqualsIgnoreCase(header.name, name)) allowed = &header;
  }
  if (allowed == nullptr) {
    return Error(value, "header \"" + name + "\" can not be configured (use " +
                            NameList(kAllowedHeaders) + ")");
  }
  GW_ASSIGN_OR_RETURN(std::string text, String(value, "http_server_config.headers." + name));
  return CheckHeaderValue(value, *allowed, text, http);
}

Status Parser::CheckHeaderValue(const YAML::Node& node, const NamedValue& allowed,
                                const std::string& value, HttpServerConfig* http) const {
  if (!allowed.value.empty()) {
    bool ok = false;
    std::string_view rest = allowed.value;
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      ok = ok || EqualsIgnoreCase(rest.substr(0, comma), value);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    if (!ok) {
      return Error(node, "header " + std::string(allowed.name) + ": value \"" + value +
                             "\" is not allowed (use one of: " + std::string(allowed.value) + ")");
    }
  }
  if (value.find_first_of("\r\n") != std::string::npos) {
    return Error(node, "header " + std::string(allowed.name) +
                           ": value contains a line break "
                           "(write it on one line)");
  }
  http->headers[std::string(allowed.name)] = value;
  return Status::Ok();
}

Status Parser::Users(const YAML::Node& node, std::map<std::string, std::string>* users) const {
  static const std::regex kBcrypt(R"(\$2[aby]\$[0-9]{2}\$[./A-Za-z0-9]{53})");
  return ForEachKey(node, "basic_auth_users", {},
                    [&](const std::string& user, const YAML::Node& value) -> Status {
                      std::string where = "basic_auth_users." + user;
                      GW_ASSIGN_OR_RETURN(std::string hash, String(value, where));
                      if (!std::regex_match(hash, kBcrypt)) {
                        return Error(value, where +
                                                ": the password must be a bcrypt hash (make one "
                                                "with: htpasswd -nBC 10 " +
                                                user + ")");
                      }
                      (*users)[user] = std::move(hash);
                      return Status::Ok();
                    });
}

std::string ResolvePath(const std::filesystem::path& dir, const std::string& file) {
  if (file.empty() || std::filesystem::path(file).is_absolute()) return file;
  return (dir / file).lexically_normal().string();
}

}  // namespace

StatusOr<WebConfig> ParseWebConfig(std::string_view yaml_text, std::string_view file_name) {
  Parser parser(file_name);
  WebConfig config;
  // yaml-cpp throws; nothing of it escapes this function.
  GW_RETURN_IF_ERROR(CatchYamlErrors(file_name, [&]() -> Status {
    YAML::Node root = YAML::Load(std::string(yaml_text));
    if (!root.IsNull() && !root.IsMap()) {
      return parser.Error(root,
                          "the web config must be a mapping (use the keys "
                          "tls_server_config, http_server_config, basic_auth_users)");
    }
    GW_RETURN_IF_ERROR(parser.ForEachKey(
        root, "the web config", {"tls_server_config", "http_server_config", "basic_auth_users"},
        [&](const std::string& key, const YAML::Node& value) -> Status {
          if (key == "tls_server_config") return parser.Tls(value, &config.tls);
          if (key == "http_server_config") return parser.Http(value, &config.http);
          return parser.Users(value, &config.basic_auth_users);
        }));
    return Status::Ok();
  }));
  return config;
}

StatusOr<WebConfig> LoadWebConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    std::string what =
        "web config file \"" + path + "\": " + std::strerror(err) + " (check --web.config.file)";
    return err == ENOENT ? NotFoundError(what) : IoError(what);
  }
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) return IoError("web config file \"" + path + "\": read failed");
  GW_ASSIGN_OR_RETURN(WebConfig config, ParseWebConfig(text.str(), path));
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  config.tls.cert_file = ResolvePath(dir, config.tls.cert_file);
  config.tls.key_file = ResolvePath(dir, config.tls.key_file);
  config.tls.client_ca_file = ResolvePath(dir, config.tls.client_ca_file);
  return config;
}

}  // namespace gw::http
