// What the server answers to one request, decided apart from sockets so that it is tested
// without them: authentication, the method check, the handler's top-level guard, content
// encoding, HEAD, and the web config's extra headers. server.cc only moves bytes.
#ifndef GW_HTTP_EXCHANGE_H_
#define GW_HTTP_EXCHANGE_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/http_types.h"
#include "http/web_config.h"

namespace gw::http {

struct ExchangeOptions {
  size_t gzip_min_bytes = 1024;
  // A pre-gzipped body larger than this after decompression (for a client that does not accept
  // gzip) is answered with 500 rather than held in memory.
  size_t max_decompressed_bytes = size_t{256} << 20;
};

// A response ready to be written. Content-Length and Connection are the writer's business.
struct WireResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::shared_ptr<const std::string> body;  // never null
  bool omit_body = false;                   // HEAD: send Content-Length of body but no body bytes
  bool close = false;                       // close the connection after this response
  // A Server-Sent Events stream: the body is what comes through it (headers already set).
  std::shared_ptr<EventStream> stream;
};

// Answers request: 401 (with WWW-Authenticate: Basic) when the web config's basic auth fails,
// 405 for methods other than GET, HEAD and POST, else the handler's response, or 500 when the
// handler throws (the exception is logged). Thread-safe when handler is.
WireResponse Exchange(const Request& request, const Handler& handler, const WebConfig& config,
                      const ExchangeOptions& options);

// A response the server makes on its own (400, 408, 413, 503...): text body, the web config's
// headers, and close = true.
WireResponse ServerError(int status, std::string_view text, const WebConfig& config);

}  // namespace gw::http

#endif  // GW_HTTP_EXCHANGE_H_
