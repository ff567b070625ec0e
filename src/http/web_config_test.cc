#include "http/web_config.h"

#include <crypt.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "http/test_util.h"

namespace gw::http {
namespace {

constexpr char kHash[] = "$2y$10$X0h1ZGz5o8VKxKdgU/Ntn.IbB0wcVE0ObdMQ6xgyP1ZiHsRKnd1Ge";

std::string ParseError(const std::string& yaml) {
  StatusOr<WebConfig> config = ParseWebConfig(yaml, "web.yml");
  EXPECT_FALSE(config.ok()) << yaml;
  if (config.ok()) return "";
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  return config.status().message();
}

TEST(WebConfigTest, ParsesEverySetting) {
  StatusOr<WebConfig> config = ParseWebConfig(std::string(R"(
tls_server_config:
  cert_file: server.crt
  key_file: /etc/gw/server.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: ca.crt
  min_version: TLS13
  max_version: TLS13
  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_RSA_WITH_AES_256_GCM_SHA384]
  curve_preferences: [X25519, CurveP256]
  prefer_server_cipher_suites: false
  client_allowed_sans: [scraper.example.com]
http_server_config:
  http2: false
  headers:
    X-Frame-Options: deny
    strict-transport-security: max-age=31536000
basic_auth_users:
  alice: )") + kHash + "\n",
                                              "web.yml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const TlsServerConfig& tls = config->tls;
  EXPECT_TRUE(tls.enabled());
  EXPECT_EQ(tls.cert_file, "server.crt");
  EXPECT_EQ(tls.key_file, "/etc/gw/server.key");
  EXPECT_EQ(tls.client_auth_type, ClientAuthType::kRequireAndVerifyClientCert);
  EXPECT_EQ(tls.client_ca_file, "ca.crt");
  EXPECT_EQ(tls.min_version, TlsVersion::kTls13);
  EXPECT_EQ(tls.max_version, TlsVersion::kTls13);
  EXPECT_EQ(tls.cipher_suites,
            (std::vector<std::string>{"ECDHE-RSA-AES128-GCM-SHA256", "AES256-GCM-SHA384"}));
  EXPECT_EQ(tls.curve_preferences, (std::vector<std::string>{"X25519", "P-256"}));
  EXPECT_FALSE(tls.prefer_server_cipher_suites);
  EXPECT_EQ(tls.client_allowed_sans, std::vector<std::string>{"scraper.example.com"});
  EXPECT_FALSE(config->http.http2);
  EXPECT_EQ(config->http.headers,
            (std::map<std::string, std::string>{
                {"X-Frame-Options", "deny"}, {"Strict-Transport-Security", "max-age=31536000"}}));
  EXPECT_EQ(config->basic_auth_users, (std::map<std::string, std::string>{{"alice", kHash}}));
}

TEST(WebConfigTest, EmptyMeansPlainHttpWithoutAuth) {
  for (const char* text : {"", "# nothing\n", "tls_server_config:\n", "---\n"}) {
    StatusOr<WebConfig> config = ParseWebConfig(text, "web.yml");
    ASSERT_TRUE(config.ok()) << text << config.status().ToString();
    EXPECT_FALSE(config->tls.enabled());
    EXPECT_EQ(config->tls.min_version, TlsVersion::kTls12);
    EXPECT_TRUE(config->basic_auth_users.empty());
  }
}

TEST(WebConfigTest, RejectsYamlSyntaxErrors) {
  EXPECT_EQ(ParseError("basic_auth_users:\n  alice: [unclosed\n"),
            "web.yml:3: YAML syntax error: end of sequence flow not found "
            "(check indentation, colons and quoting)");
}

TEST(WebConfigTest, RejectsNonMappingTopLevel) {
  EXPECT_EQ(ParseError("- a\n- b\n"),
            "web.yml:1: the web config must be a mapping (use the keys tls_server_config, "
            "http_server_config, basic_auth_users)");
}

TEST(WebConfigTest, RejectsUnknownKeys) {
  EXPECT_EQ(ParseError("tls_config:\n  cert_file: a\n"),
            "web.yml:1: unknown key \"tls_config\" in the web config (known keys: "
            "tls_server_config, http_server_config, basic_auth_users)");
  EXPECT_EQ(ParseError("tls_server_config:\n  cert_file: a\n  key_file: b\n  certfile: c\n"),
            "web.yml:4: unknown key \"certfile\" in tls_server_config (known keys: cert_file, "
            "key_file, client_auth_type, client_ca_file, cipher_suites, curve_preferences, "
            "min_version, max_version, prefer_server_cipher_suites, client_allowed_sans)");
  EXPECT_EQ(ParseError("http_server_config:\n  header: {}\n"),
            "web.yml:2: unknown key \"header\" in http_server_config (known keys: http2, "
            "headers)");
}

TEST(WebConfigTest, RejectsRepeatedKeys) {
  EXPECT_EQ(ParseError("basic_auth_users:\nbasic_auth_users:\n"),
            "web.yml:2: key \"basic_auth_users\" appears twice in the web config (keep one)");
  EXPECT_EQ(ParseError("tls_server_config:\n  cert_file: a\n  key_file: b\n  cert_file: c\n"),
            "web.yml:4: key \"cert_file\" appears twice in tls_server_config (keep one)");
}

TEST(WebConfigTest, RejectsWrongTypes) {
  EXPECT_EQ(ParseError("tls_server_config: yes\n"),
            "web.yml:1: tls_server_config must be a mapping of keys");
  EXPECT_EQ(ParseError("tls_server_config:\n  cert_file: [a, b]\n"),
            "web.yml:2: tls_server_config.cert_file must be a string");
  EXPECT_EQ(ParseError("tls_server_config:\n  cipher_suites: TLS_RSA_WITH_AES_128_CBC_SHA\n"),
            "web.yml:2: tls_server_config.cipher_suites must be a list");
  EXPECT_EQ(ParseError("http_server_config:\n  http2: maybe\n"),
            "web.yml:2: http_server_config.http2 must be true or false");
}

TEST(WebConfigTest, RejectsUnknownEnumValues) {
  EXPECT_EQ(ParseError("tls_server_config:\n  cert_file: a\n  key_file: b\n"
                       "  client_auth_type: RequireClientCert\n"),
            "web.yml:4: tls_server_config.client_auth_type: unknown value "
            "\"RequireClientCert\" (use NoClientCert, RequestClientCert, RequireAnyClientCert, "
            "VerifyClientCertIfGiven or RequireAndVerifyClientCert)");
  EXPECT_EQ(ParseError("tls_server_config:\n  cert_file: a\n  key_file: b\n"
                       "  min_version: TLS1.2\n"),
            "web.yml:4: tls_server_config.min_version: unknown value \"TLS1.2\" (use TLS10, "
            "TLS11, TLS12 or TLS13)");
  EXPECT_EQ(ParseError("tls_server_config:\n  cert_file: a\n  key_file: b\n"
                       "  cipher_suites:\n    - TLS_AES_128_GCM_SHA256\n"),
            "web.yml:5: tls_server_config.cipher_suites: unknown value "
            "\"TLS_AES_128_GCM_SHA256\" (use TLS_RSA_WITH_AES_128_CBC_SHA, "
            "TLS_RSA_WITH_AES_256_CBC_SHA, TLS_RSA_WITH_AES_128_GCM_SHA256, "
            "TLS_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, "
            "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, "
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 or "
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256)");
  EXPECT_EQ(ParseError("tls_server_config:\n  cert_file: a\n  key_file: b\n"
                       "  curve_preferences: [P256]\n"),
            "web.yml:4: tls_server_config.curve_preferences: unknown value \"P256\" (use "
            "CurveP256, CurveP384, CurveP521 or X25519)");
}

TEST(WebConfigTest, RejectsInconsistentTls) {
  EXPECT_EQ(ParseError("tls_server_config:\n  key_file: b\n"),
            "web.yml:2: tls_server_config: cert_file is missing (set cert_file and key_file to "
            "serve TLS)");
  EXPECT_EQ(ParseError("tls_server_config:\n  cert_file: a\n"),
            "web.yml:2: tls_server_config: key_file is missing (set key_file to the private key "
            "of cert_file)");
  EXPECT_EQ(ParseError("tls_server_config:\n  client_auth_type: RequireAnyClientCert\n"),
            "web.yml:2: tls_server_config: cert_file is missing (set cert_file and key_file to "
            "serve TLS)");
  EXPECT_EQ(ParseError("tls_server_config:\n  cert_file: a\n  key_file: b\n"
                       "  client_ca_file: ca\n"),
            "web.yml:2: tls_server_config: client_ca_file is set but client_auth_type is "
            "NoClientCert (set client_auth_type, e.g. RequireAndVerifyClientCert)");
  EXPECT_EQ(ParseError("tls_server_config:\n  cert_file: a\n  key_file: b\n"
                       "  client_auth_type: RequireAndVerifyClientCert\n"),
            "web.yml:2: tls_server_config: client_auth_type verifies client certificates but "
            "client_ca_file is not set (set client_ca_file to the CA that signs client "
            "certificates)");
  EXPECT_EQ(ParseError("tls_server_config:\n  cert_file: a\n  key_file: b\n"
                       "  client_allowed_sans: [x]\n"),
            "web.yml:2: tls_server_config: client_allowed_sans needs verified client "
            "certificates (set client_auth_type: RequireAndVerifyClientCert)");
  EXPECT_EQ(ParseError("tls_server_config:\n  cert_file: a\n  key_file: b\n"
                       "  min_version: TLS13\n  max_version: TLS12\n"),
            "web.yml:2: tls_server_config: min_version is above max_version (lower min_version "
            "or raise max_version)");
}

TEST(WebConfigTest, RejectsHeadersTheToolkitRejects) {
  EXPECT_EQ(ParseError("http_server_config:\n  headers:\n    Server: gw\n"),
            "web.yml:3: header \"Server\" can not be configured (use Strict-Transport-Security, "
            "X-Content-Type-Options, X-Frame-Options, X-XSS-Protection or "
            "Content-Security-Policy)");
  EXPECT_EQ(ParseError("http_server_config:\n  headers:\n    X-Frame-Options: allow\n"),
            "web.yml:3: header X-Frame-Options: value \"allow\" is not allowed (use one of: "
            "deny,sameorigin)");
  EXPECT_EQ(ParseError("http_server_config:\n  headers:\n    X-Content-Type-Options: sniff\n"),
            "web.yml:3: header X-Content-Type-Options: value \"sniff\" is not allowed (use one "
            "of: nosniff)");
}

TEST(WebConfigTest, RejectsPasswordsThatAreNotBcrypt) {
  EXPECT_EQ(ParseError("basic_auth_users:\n  alice: secret\n"),
            "web.yml:2: basic_auth_users.alice: the password must be a bcrypt hash (make one "
            "with: htpasswd -nBC 10 alice)");
  EXPECT_EQ(ParseError("basic_auth_users:\n  bob:\n"),
            "web.yml:2: basic_auth_users.bob: the password must be a bcrypt hash (make one "
            "with: htpasswd -nBC 10 bob)");
  EXPECT_EQ(ParseError("basic_auth_users: [alice]\n"),
            "web.yml:1: basic_auth_users must be a mapping of keys");
}

using testing::TempDir;

TEST(LoadWebConfigFileTest, ResolvesRelativePathsAgainstTheFile) {
  TempDir dir;
  std::string file = dir.Write("web.yml",
                               "tls_server_config:\n  cert_file: certs/server.crt\n"
                               "  key_file: /abs/server.key\n"
                               "  client_auth_type: VerifyClientCertIfGiven\n"
                               "  client_ca_file: ../ca.crt\n");
  StatusOr<WebConfig> config = LoadWebConfigFile(file);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  std::filesystem::path parent = std::filesystem::path(dir.path()).parent_path();
  EXPECT_EQ(config->tls.cert_file, dir.path() + "/certs/server.crt");
  EXPECT_EQ(config->tls.key_file, "/abs/server.key");
  EXPECT_EQ(config->tls.client_ca_file, (parent / "ca.crt").string());
}

TEST(LoadWebConfigFileTest, ErrorsNameTheFile) {
  TempDir dir;
  StatusOr<WebConfig> missing = LoadWebConfigFile(dir.path() + "/nope.yml");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "web config file \"" + dir.path() +
                                            "/nope.yml\": No such file or directory (check "
                                            "--web.config.file)");
  std::string file = dir.Write("bad.yml", "\n\nbogus: 1\n");
  EXPECT_EQ(LoadWebConfigFile(file).status().message(),
            file +
                ":3: unknown key \"bogus\" in the web config (known keys: tls_server_config, "
                "http_server_config, basic_auth_users)");
}

std::string Base64(const std::string& in) {
  static const char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  auto byte = [&in](size_t k) -> uint32_t { return static_cast<uint8_t>(in[k]); };
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    for (int s = 18; s >= 0; s -= 6) out += kChars[(v >> s) & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t v = byte(i) << 16;
    out += std::string{kChars[v >> 18], kChars[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8);
    out += std::string{kChars[v >> 18], kChars[(v >> 12) & 63], kChars[(v >> 6) & 63], '='};
  }
  return out;
}

// A bcrypt hash of password made here with crypt_r, as htpasswd -B would.
std::string BcryptHash(const std::string& password, unsigned long cost) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  EXPECT_NE(crypt_gensalt_rn("$2b$", cost, nullptr, 0, salt, sizeof(salt)), nullptr);
  auto data = std::make_unique<crypt_data>();
  const char* hash = crypt_r(password.c_str(), salt, data.get());
  EXPECT_NE(hash, nullptr);
  return hash;
}

std::string Basic(const std::string& user_colon_password) {
  return "Basic " + Base64(user_colon_password);
}

TEST(CheckBasicAuthTest, VerifiesBcryptPasswords) {
  WebConfig config;
  EXPECT_TRUE(CheckBasicAuth(config, ""));  // no users: open
  std::string hash = BcryptHash("s3cret:with colon", 5);
  ASSERT_EQ(hash.rfind("$2b$05$", 0), 0u) << hash;
  StatusOr<WebConfig> parsed = ParseWebConfig("basic_auth_users:\n  alice: " + hash, "w");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  config = *parsed;
  EXPECT_TRUE(CheckBasicAuth(config, Basic("alice:s3cret:with colon")));
  EXPECT_TRUE(CheckBasicAuth(config, "basic " + Base64("alice:s3cret:with colon")));
  EXPECT_FALSE(CheckBasicAuth(config, Basic("alice:s3cret")));
  EXPECT_FALSE(CheckBasicAuth(config, Basic("alice:")));
  EXPECT_FALSE(CheckBasicAuth(config, Basic("bob:s3cret:with colon")));
  EXPECT_FALSE(CheckBasicAuth(config, Basic("alice")));
  EXPECT_FALSE(CheckBasicAuth(config, ""));
  EXPECT_FALSE(CheckBasicAuth(config, "Bearer abc"));
  EXPECT_FALSE(CheckBasicAuth(config, "Basic !!!notbase64"));
}

TEST(CheckBasicAuthTest, CachesSuccessesOnly) {
  std::string hash = BcryptHash("pw", 10);
  StatusOr<WebConfig> config = ParseWebConfig("basic_auth_users:\n  alice: " + hash, "w");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_FALSE(CheckBasicAuth(*config, Basic("alice:wrong")));
  EXPECT_EQ(config->auth_cache->size(), 0u);
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(CheckBasicAuth(*config, Basic("alice:pw")));
  auto first = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(config->auth_cache->size(), 1u);
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(CheckBasicAuth(*config, Basic("alice:pw")));
  auto twenty = std::chrono::steady_clock::now() - start;
  // Cost 10 takes tens of milliseconds per check; cached checks take microseconds.
  EXPECT_LT(twenty, first) << "20 cached checks were not faster than one bcrypt run";
  // A cached success does not let a wrong password through.
  EXPECT_FALSE(CheckBasicAuth(*config, Basic("alice:pw2")));
  EXPECT_EQ(config->auth_cache->size(), 1u);
}

}  // namespace
}  // namespace gw::http
