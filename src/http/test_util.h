// Helpers for http_test: a temporary directory, a raw blocking TCP connection for speaking
// (broken) HTTP by hand, and self-signed certificates made with the openssl command.
#ifndef GW_HTTP_TEST_UTIL_H_
#define GW_HTTP_TEST_UTIL_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace gw::http::testing {

// Made on construction, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  // Writes text to path()/name and returns the full path.
  std::string Write(const std::string& name, const std::string& text) const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A parsed response read off a RawConn.
struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// A blocking IPv4 loopback connection with a receive timeout.
class RawConn {
 public:
  explicit RawConn(uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~RawConn();
  RawConn(const RawConn&) = delete;
  RawConn& operator=(const RawConn&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool Send(const std::string& bytes);
  // Reads one response (Content-Length framed; no body when head is true). status 0 on EOF,
  // timeout or garbage.
  RawResponse Read(bool head = false);
  // Reads until `marker` has arrived; returns everything up to and including it, or "" on EOF
  // or timeout (what was read stays buffered).
  std::string ReadUntil(const std::string& marker);
  // True when the peer closed the connection (EOF or reset) before the timeout.
  bool ClosedByPeer();

 private:
  bool Fill();  // reads more into buffer_; false on EOF, error or timeout

  int fd_ = -1;
  std::string buffer_;
};

// Writes a CA, a server certificate for 127.0.0.1/localhost and a client certificate signed by
// the CA into dir: ca.crt, server.crt, server.key, client.crt, client.key. False on failure.
bool MakeCertificates(const std::string& dir);

}  // namespace gw::http::testing

#endif  // GW_HTTP_TEST_UTIL_H_
