// An HTTP/1.1 client that keeps its connection open between requests (keep-alive), as
// Prometheus' scraper does: one per scrape loop, so a target's scrapes share one TCP (and TLS)
// connection and one I/O context instead of setting both up and tearing them down every time.
#ifndef GW_HTTP_CONNECTION_H_
#define GW_HTTP_CONNECTION_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string_view>

#include "common/status.h"
#include "http/client.h"

namespace gw::http {

enum class ConnectionMode {
  kKeepAlive,  // keep the connection for the next request when the server allows it
  kClose,      // send "Connection: close" and close after every response (HttpRequest)
};

// Owns one I/O context (made on the first request) and at most one open connection.
// Thread-safety: none; calls must not overlap (a scrape loop's scrapes never do). Successive
// calls may come from different threads.
class HttpConnection {
 public:
  explicit HttpConnection(ClientOptions options = {},
                          ConnectionMode mode = ConnectionMode::kKeepAlive);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends one request and reads the whole response, with HttpRequest's promises (headers, the
  // timeout covering the whole exchange, errors). The request goes over the open connection
  // when it has the URL's scheme, host and port; otherwise that one is closed and a new one
  // opened. A reused connection that the server had closed (the request's write fails, or, for
  // an idempotent method, the connection ends before any byte of a response) is replaced by a
  // fresh one and the request sent again, once, within the same timeout. The connection is
  // closed after any error, after a response with "Connection: close" (or one delimited by the
  // end of the connection), and after a timeout. max_response_bytes, when given, replaces
  // options.max_response_bytes for this request.
  StatusOr<ClientResponse> Request(std::string_view method, std::string_view url,
                                   const std::map<std::string, std::string>& headers,
                                   std::string_view body, std::chrono::milliseconds timeout,
                                   std::optional<size_t> max_response_bytes = std::nullopt);

  // Closes the open connection, if any.
  void Close();

  // A connection is open (and would be tried for the next request to its origin).
  bool open() const;
  // Connections this object has established (TCP connects that succeeded), for tests and
  // metrics.
  uint64_t connections_opened() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace gw::http

#endif  // GW_HTTP_CONNECTION_H_
