// A small synchronous HTTP/1.1 client: one request per connection, http:// and https://.
// For tests, and for the hub's notifications and remote writes; the hub's scrapes keep their
// connections open with HttpConnection (connection.h). It does not decompress bodies and does
// not follow redirects.
#ifndef GW_HTTP_CLIENT_H_
#define GW_HTTP_CLIENT_H_

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "common/status.h"

namespace gw::http {

struct ClientOptions {
  std::string ca_file;                // https: trust these CAs (PEM) instead of the system's
  bool insecure_skip_verify = false;  // https: accept any server certificate
  std::string cert_file;              // https: client certificate chain (PEM), for mTLS
  std::string key_file;               // https: its private key (PEM)
  size_t max_response_bytes = size_t{64} << 20;
};

struct ClientResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased; repeats joined with ", "
  std::string body;                            // as received (still gzipped if it was)
};

// A parsed http(s) URL.
struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets for IPv6
  std::string port;    // "80" / "443" when absent
  std::string target;  // path and query, "/" when absent
};

// Errors: kInvalidArgument naming the URL and what is wrong.
StatusOr<Url> ParseUrl(std::string_view url);

// Sends one request and reads the whole response; the whole exchange, name resolution
// included, must finish within timeout. headers are sent as given (Host, Content-Length and
// Connection: close are added).
// Errors: kInvalidArgument for a bad URL or unusable client certificate or CA file;
// kUnavailable when the host cannot be resolved or reached, TLS fails, or the response is not
// valid HTTP; kDeadlineExceeded past the timeout; kResourceExhausted when the body exceeds
// options.max_response_bytes. Thread-safe: each call uses its own connection.
StatusOr<ClientResponse> HttpRequest(std::string_view method, std::string_view url,
                                     const std::map<std::string, std::string>& headers,
                                     std::string_view body, std::chrono::milliseconds timeout,
                                     const ClientOptions& options = {});

// HttpRequest("GET", url, headers, "", timeout, options).
StatusOr<ClientResponse> HttpGet(std::string_view url,
                                 const std::map<std::string, std::string>& headers,
                                 std::chrono::milliseconds timeout,
                                 const ClientOptions& options = {});

}  // namespace gw::http

#endif  // GW_HTTP_CLIENT_H_
