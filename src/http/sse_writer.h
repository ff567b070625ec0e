// Internal to the server: writes a handler's EventStream on a connection, after the request
// that asked for it. Lives apart from server.cc so each stays readable; instantiated for plain
// and TLS sockets in sse_writer.cc.
#ifndef GW_HTTP_SSE_WRITER_H_
#define GW_HTTP_SSE_WRITER_H_

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>

#include "http/deadline.h"
#include "http/exchange.h"

namespace gw::http {

struct SseWriteOptions {
  std::chrono::milliseconds write_timeout{10000};
  // A comment line (": keepalive") goes out after this long without an event, so proxies and
  // browsers keep the connection and a vanished client is noticed.
  std::chrono::milliseconds keepalive_interval{15000};
};

// Writes wire's status line and headers (no Content-Length: the body ends when the connection
// does, so the caller closes it afterwards), then, unless wire.omit_body (HEAD), every chunk of
// wire.stream as it is queued, until the producer closes the stream, the client closes or sends
// anything unreadable, a write times out, or `stopping` is seen. `idle` is true while the writer
// waits for a chunk: the server may then cancel the socket (Shutdown). Always Finish()es
// wire.stream. REQUIRES: wire.stream; runs on the connection's strand.
template <class Stream>
boost::asio::awaitable<void> WriteEventStream(Stream& stream, Deadline& deadline,
                                              const WireResponse& wire,
                                              const SseWriteOptions& options,
                                              const std::atomic<bool>& stopping, bool& idle);

}  // namespace gw::http

#endif  // GW_HTTP_SSE_WRITER_H_
