#include "http/client.h"

#include <gtest/gtest.h>

#include <thread>

#include "http/server.h"
#include "http/test_util.h"

namespace gw::http {
namespace {

using std::chrono::milliseconds;

TEST(ParseUrlTest, SplitsTheParts) {
  StatusOr<Url> url = ParseUrl("http://127.0.0.1:9400/metrics?x=1");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->scheme, "http");
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, "9400");
  EXPECT_EQ(url->target, "/metrics?x=1");
  url = ParseUrl("https://[::1]/");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, "443");
  url = ParseUrl("http://node1?a=b");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->port, "80");
  EXPECT_EQ(url->target, "/?a=b");
}

TEST(ParseUrlTest, RejectsBadUrls) {
  EXPECT_EQ(ParseUrl("node1:9400/metrics").status().message(),
            "URL \"node1:9400/metrics\": missing scheme (use http:// or https://)");
  EXPECT_EQ(ParseUrl("ftp://x/").status().message(),
            "URL \"ftp://x/\": scheme must be http or https");
  EXPECT_EQ(ParseUrl("http://:80/").status().message(), "URL \"http://:80/\": missing host");
  EXPECT_EQ(ParseUrl("http://h:99999/").status().message(),
            "URL \"http://h:99999/\": port must be a number from 0 to 65535");
  EXPECT_EQ(ParseUrl("http://[::1/").status().code(), StatusCode::kInvalidArgument);
}

TEST(ClientTest, RefusedConnectionIsUnavailable) {
  uint16_t port;
  {
    StatusOr<std::unique_ptr<Server>> server =
        Server::Start({.listen_address = "127.0.0.1:0"}, [](const Request&) { return Response(); });
    ASSERT_TRUE(server.ok());
    port = (*server)->port();
  }
  StatusOr<ClientResponse> response =
      HttpGet("http://127.0.0.1:" + std::to_string(port) + "/", {}, milliseconds(2000));
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(response.status().message().find("connect: Connection refused"), std::string::npos)
      << response.status().message();
}

TEST(ClientTest, SlowServerIsDeadlineExceeded) {
  StatusOr<std::unique_ptr<Server>> server =
      Server::Start({.listen_address = "127.0.0.1:0"}, [](const Request&) {
        std::this_thread::sleep_for(milliseconds(600));
        return Response::Text(200, "late");
      });
  ASSERT_TRUE(server.ok());
  std::string url = "http://127.0.0.1:" + std::to_string((*server)->port()) + "/";
  auto start = std::chrono::steady_clock::now();
  StatusOr<ClientResponse> response = HttpGet(url, {}, milliseconds(150));
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(500));
  EXPECT_EQ(response.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(response.status().message(), "GET " + url + ": no complete response within 150 ms");
}

// TLS, with certificates made by the openssl command for this test.
class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::MakeCertificates(dir_.path()))
        << "openssl failed; see " << dir_.path() << "/openssl.log";
  }
  std::unique_ptr<Server> Start(const std::string& web_config) {
    ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.web_config_file = dir_.Write("web.yml", web_config);
    StatusOr<std::unique_ptr<Server>> server = Server::Start(
        options, [](const Request& r) { return Response::Text(200, "secure " + r.path); });
    EXPECT_TRUE(server.ok()) << server.status().ToString();
    return server.ok() ? std::move(server).value() : nullptr;
  }
  ClientOptions Trusting() const { return {.ca_file = dir_.path() + "/ca.crt"}; }

  testing::TempDir dir_;
};

TEST_F(TlsTest, ServesHttpsWithAVerifiedCertificate) {
  std::unique_ptr<Server> server =
      Start("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n");
  ASSERT_TRUE(server);
  std::string port = std::to_string(server->port());
  StatusOr<ClientResponse> response =
      HttpGet("https://127.0.0.1:" + port + "/x", {}, milliseconds(5000), Trusting());
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "secure /x");

  StatusOr<ClientResponse> untrusted =
      HttpGet("https://127.0.0.1:" + port + "/x", {}, milliseconds(5000));
  EXPECT_EQ(untrusted.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(untrusted.status().message().find("TLS handshake"), std::string::npos);

  StatusOr<ClientResponse> plain =
      HttpGet("http://127.0.0.1:" + port + "/x", {}, milliseconds(5000));
  EXPECT_FALSE(plain.ok() && plain->status == 200);
}

TEST_F(TlsTest, RequiresAVerifiedClientCertificate) {
  std::unique_ptr<Server> server = Start(
      "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
      "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n"
      "  client_allowed_sans: [scraper.example.com]\n");
  ASSERT_TRUE(server);
  std::string url = "https://localhost:" + std::to_string(server->port()) + "/";
  StatusOr<ClientResponse> anonymous = HttpGet(url, {}, milliseconds(5000), Trusting());
  EXPECT_EQ(anonymous.status().code(), StatusCode::kUnavailable) << anonymous.status().ToString();

  ClientOptions with_cert = Trusting();
  with_cert.cert_file = dir_.path() + "/client.crt";
  with_cert.key_file = dir_.path() + "/client.key";
  StatusOr<ClientResponse> response = HttpGet(url, {}, milliseconds(5000), with_cert);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
}

TEST_F(TlsTest, RejectsAClientCertificateWithoutAnAllowedSan) {
  std::unique_ptr<Server> server = Start(
      "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
      "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n"
      "  client_allowed_sans: [other.example.com]\n");
  ASSERT_TRUE(server);
  ClientOptions with_cert = Trusting();
  with_cert.cert_file = dir_.path() + "/client.crt";
  with_cert.key_file = dir_.path() + "/client.key";
  StatusOr<ClientResponse> response =
      HttpGet("https://127.0.0.1:" + std::to_string(server->port()) + "/", {}, milliseconds(5000),
              with_cert);
  EXPECT_FALSE(response.ok() && response->status == 200);
}

TEST_F(TlsTest, BadCertificateFailsStart) {
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.web_config_file = dir_.Write(
      "web.yml", "tls_server_config:\n  cert_file: server.crt\n  key_file: client.key\n");
  StatusOr<std::unique_ptr<Server>> server =
      Server::Start(options, [](const Request&) { return Response(); });
  EXPECT_EQ(server.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(server.status().message().find("tls_server_config.key_file \"" + dir_.path() +
                                           "/client.key\""),
            std::string::npos)
      << server.status().message();
}

}  // namespace
}  // namespace gw::http
