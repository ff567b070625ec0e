// The web config file (--web.config.file) in the format of Prometheus' exporter-toolkit, so an
// operator's existing file for node_exporter or dcgm-exporter works here unchanged:
//
//   tls_server_config:
//     cert_file: server.crt            # relative paths resolve against this file's directory
//     key_file: server.key
//     client_auth_type: RequireAndVerifyClientCert
//     client_ca_file: ca.crt
//     min_version: TLS12
//   http_server_config:
//     headers:
//       Strict-Transport-Security: max-age=31536000
//   basic_auth_users:
//     alice: $2y$10$...                 # bcrypt hash, e.g. from `htpasswd -nBC 10 alice`
//
// The format is written up in src/http/README.md.
#ifndef GW_HTTP_WEB_CONFIG_H_
#define GW_HTTP_WEB_CONFIG_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/status.h"

namespace gw::http {

// The toolkit's names, which follow Go's crypto/tls.ClientAuthType.
enum class ClientAuthType {
  kNoClientCert,
  kRequestClientCert,           // asked for, not required, not verified
  kRequireAnyClientCert,        // required, not verified
  kVerifyClientCertIfGiven,     // verified when sent
  kRequireAndVerifyClientCert,  // required and verified against client_ca_file
};

enum class TlsVersion { kTls10, kTls11, kTls12, kTls13 };

struct TlsServerConfig {
  std::string cert_file;  // empty: no TLS
  std::string key_file;
  ClientAuthType client_auth_type = ClientAuthType::kNoClientCert;
  std::string client_ca_file;
  TlsVersion min_version = TlsVersion::kTls12;
  TlsVersion max_version = TlsVersion::kTls13;
  std::vector<std::string> cipher_suites;      // OpenSSL names, converted from Go's; TLS <= 1.2
  std::vector<std::string> curve_preferences;  // OpenSSL group names ("P-256", "X25519")
  bool prefer_server_cipher_suites = true;
  // When not empty, a client certificate must carry one of these as a DNS, IP, email or URI SAN.
  std::vector<std::string> client_allowed_sans;

  bool enabled() const { return !cert_file.empty(); }
};

struct HttpServerConfig {
  // Response headers added to every response. Only those the toolkit allows are accepted.
  std::map<std::string, std::string> headers;
  bool http2 = true;  // accepted for compatibility; this server speaks HTTP/1.1
};

// Remembers successful bcrypt verifications so that a scraper authenticating every second does
// not pay bcrypt's cost (tens of milliseconds) each time. Keys are SHA-256 digests of
// (user, stored hash, password), so a changed hash or password misses the cache and nothing
// secret is kept in the clear. Thread-safe.
class BasicAuthCache {
 public:
  bool Contains(const std::string& key) const;
  void Insert(std::string key);
  size_t size() const;

 private:
  static constexpr size_t kMaxEntries = 1024;
  mutable std::mutex mu_;
  std::unordered_set<std::string> entries_;  // GUARDED_BY(mu_)
};

// A parsed web config. Thread-safety: const methods and CheckBasicAuth may be called from many
// threads at once; copies share one auth cache.
struct WebConfig {
  TlsServerConfig tls;
  HttpServerConfig http;
  std::map<std::string, std::string> basic_auth_users;  // user -> bcrypt hash
  std::shared_ptr<BasicAuthCache> auth_cache = std::make_shared<BasicAuthCache>();
};

// Parses the YAML text of a web config. file_name is used only in error messages.
// Errors: kInvalidArgument "file:line: what is wrong (what to do)" for YAML syntax errors,
// unknown or repeated keys (rejected, as the toolkit's strict parsing does), wrong types, unknown
// enum values, inconsistent TLS settings, disallowed headers and passwords that are not bcrypt
// hashes. An empty document is valid and means plain HTTP without authentication.
StatusOr<WebConfig> ParseWebConfig(std::string_view yaml_text, std::string_view file_name);

// Reads and parses the file at path; relative cert_file, key_file and client_ca_file resolve
// against the file's directory, as the toolkit does. Errors: kNotFound / kIoError when the file
// cannot be read, otherwise as ParseWebConfig. Certificates are not read here (Server does).
StatusOr<WebConfig> LoadWebConfigFile(const std::string& path);

// Whether the Authorization header ("Basic base64(user:password)") names a configured user with
// the right password (bcrypt, through crypt_r). Returns true when no users are configured.
// Thread-safe; successful checks are cached in config.auth_cache.
bool CheckBasicAuth(const WebConfig& config, std::string_view authorization_header);

}  // namespace gw::http

#endif  // GW_HTTP_WEB_CONFIG_H_
