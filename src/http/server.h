// The HTTP/1.1 server every daemon serves /metrics and its API with (Boost.Beast underneath,
// hidden here). It speaks keep-alive, gzip, HEAD, TLS and basic auth from a web config file in
// exporter-toolkit's format, and guards itself with size limits, timeouts and a connection cap.
#ifndef GW_HTTP_SERVER_H_
#define GW_HTTP_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "http/http_types.h"

namespace gw::http {

struct ServerOptions {
  // "host:port", ":port" (every address: IPv6 dual-stack when the host has IPv6, else 0.0.0.0)
  // or "[v6]:port". Port 0 picks a free port (see Server::port()).
  std::string listen_address = ":9400";
  int threads = 2;  // threads that run I/O and handlers
  // Connections past this many get 503 and are closed.
  size_t max_connections = 64;
  // Server-Sent Events streams (Response::stream) open at once, within max_connections; past
  // it a request for one gets 503.
  size_t max_streams = 16;
  // A stream quiet this long gets a ": keepalive" comment line.
  std::chrono::milliseconds stream_keepalive{15000};
  // Limit on a request's header and on its body; past it the answer is 413 and close.
  size_t max_request_bytes = size_t{64} * 1024;
  // Time to receive a whole request once its first byte (or the connection) arrived; past it
  // the connection is closed, after a 408 when part of a request came.
  std::chrono::milliseconds read_timeout{10000};
  std::chrono::milliseconds write_timeout{10000};
  // Time a keep-alive connection may wait for its next request.
  std::chrono::milliseconds idle_timeout{60000};
  // Bodies at least this long are gzipped for clients that accept gzip.
  size_t gzip_min_bytes = 1024;
  // exporter-toolkit web config (TLS, basic auth, headers); empty: plain HTTP, no auth.
  std::string web_config_file;
  // How long Shutdown() lets in-flight requests finish before closing their connections.
  std::chrono::milliseconds shutdown_grace{5000};
};

// Thread-safety: all methods may be called from any thread. The handler is called from the
// server's threads, several at once.
class Server {
 public:
  // Loads the web config, binds, and starts serving on options.threads threads.
  // Errors: kInvalidArgument for a bad listen address or web config (file:line: ...) or bad
  // certificates; kNotFound / kIoError for an unreadable web config file; kUnavailable
  // "listen on ADDRESS: reason" when the address cannot be bound.
  [[nodiscard]] static StatusOr<std::unique_ptr<Server>> Start(ServerOptions options,
                                                               Handler handler);

  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  // Calls Shutdown().
  ~Server();

  // The bound port (the chosen one when listening on port 0).
  uint16_t port() const;

  // Re-reads options.web_config_file. New connections use the new TLS settings; basic auth and
  // headers apply to every request from now on. On error the old config stays in force and the
  // error is returned (as Start's). OK and a no-op when no file is configured.
  [[nodiscard]] Status ReloadWebConfig();

  // Stops accepting, closes idle connections and event streams, lets in-flight requests finish
  // for up to options.shutdown_grace, then closes what is left and stops the threads.
  // Idempotent.
  // A handler that never returns keeps Shutdown waiting: handlers must return.
  void Shutdown();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace gw::http

#endif  // GW_HTTP_SERVER_H_
