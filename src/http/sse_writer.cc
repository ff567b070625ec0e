// The stream waits for two things at once on the connection's strand: a wake-up (a timer that
// the producer's Send cancels through a post to the strand, or that expires for a keepalive) and
// a read, which ends with the client's close. No thread blocks on a stream.
#include "http/sse_writer.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <memory>
#include <string>

#include "http/event_stream.h"

namespace gw::http {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using boost::system::error_code;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view kKeepalive = ": keepalive\n\n";

// Finishes the stream however the writer ends (a write error, an exception, the server's
// shutdown destroying the frame), so that its producer stops sending.
struct FinishOnExit {
  EventStream& events;
  ~FinishOnExit() { events.Finish(); }
};

template <class Stream>
asio::awaitable<error_code> WriteHeader(Stream& stream, const WireResponse& wire) {
  bhttp::response<bhttp::empty_body> response;
  response.version(11);
  response.result(static_cast<unsigned>(wire.status));
  for (const auto& [name, value] : wire.headers) response.insert(name, value);
  response.keep_alive(false);
  bhttp::response_serializer<bhttp::empty_body> serializer(response);
  auto [ec, n] = co_await bhttp::async_write_header(stream, serializer, kAwait);
  co_return ec;
}

template <class Stream>
asio::awaitable<error_code> WriteBytes(Stream& stream, Deadline& deadline, std::string_view bytes,
                                       std::chrono::milliseconds timeout) {
  deadline.Arm(timeout);
  auto [ec, n] = co_await asio::async_write(stream, asio::buffer(bytes), kAwait);
  deadline.Disarm();
  co_return ec;
}

// Waits for a wake-up or the keepalive interval. False when the client closed (or the socket
// was cancelled); what a client sends is read and ignored.
template <class Stream>
asio::awaitable<bool> WaitForWork(Stream& stream, asio::steady_timer& timer,
                                  std::chrono::milliseconds interval, bool& keepalive_due) {
  char sink[512];
  timer.expires_after(interval);
  auto [order, timer_ec, read_ec, n] =
      co_await asio::experimental::make_parallel_group(
          timer.async_wait(asio::deferred),
          stream.async_read_some(asio::buffer(sink), asio::deferred))
          .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
  if (order[0] == 1) co_return !read_ec;
  keepalive_due = !timer_ec;  // expired rather than cancelled by a wake-up
  co_return true;
}

// A TLS stream ends with close_notify, so that a client reading to the end of a close-delimited
// body sees its end rather than a truncation. Plain TCP needs nothing: the close is the end.
asio::awaitable<void> EndBody(asio::ip::tcp::socket&, Deadline&) { co_return; }

asio::awaitable<void> EndBody(asio::ssl::stream<asio::ip::tcp::socket>& stream,
                              Deadline& deadline) {
  deadline.Arm(std::chrono::milliseconds(1000));  // the client need not answer close_notify
  co_await stream.async_shutdown(kAwait);
  deadline.Disarm();
}

// Writes chunks as they come. True when the stream ended in order (the producer closed it or
// the server is stopping), false when the client went away or a write failed.
template <class Stream>
asio::awaitable<bool> Pump(Stream& stream, Deadline& deadline, EventStream& events,
                           const SseWriteOptions& options, const std::atomic<bool>& stopping,
                           bool& idle) {
  auto executor = co_await asio::this_coro::executor;
  auto timer = std::make_shared<asio::steady_timer>(executor);
  events.SetWaker([timer, executor] { asio::post(executor, [timer] { timer->cancel(); }); });
  for (bool keepalive_due = false;;) {
    EventStream::Taken taken = events.Take();
    std::string bytes;
    for (const std::string& chunk : taken.chunks) bytes += chunk;
    if (bytes.empty() && keepalive_due) bytes = kKeepalive;
    keepalive_due = false;
    if (!bytes.empty() && co_await WriteBytes(stream, deadline, bytes, options.write_timeout)) {
      co_return false;
    }
    if (taken.closed || stopping) co_return true;
    // Chunks queued while we wrote only woke a timer nobody waited on: look before waiting.
    if (!taken.chunks.empty()) continue;
    idle = true;
    bool open = co_await WaitForWork(stream, *timer, options.keepalive_interval, keepalive_due);
    idle = false;
    if (!open) co_return false;
  }
}

}  // namespace

template <class Stream>
asio::awaitable<void> WriteEventStream(Stream& stream, Deadline& deadline, const WireResponse& wire,
                                       const SseWriteOptions& options,
                                       const std::atomic<bool>& stopping, bool& idle) {
  FinishOnExit finish{*wire.stream};
  deadline.Arm(options.write_timeout);
  error_code ec = co_await WriteHeader(stream, wire);
  deadline.Disarm();
  if (ec) co_return;
  if (wire.omit_body || co_await Pump(stream, deadline, *wire.stream, options, stopping, idle)) {
    co_await EndBody(stream, deadline);
  }
}

template asio::awaitable<void> WriteEventStream(asio::ip::tcp::socket&, Deadline&,
                                                const WireResponse&, const SseWriteOptions&,
                                                const std::atomic<bool>&, bool&);
template asio::awaitable<void> WriteEventStream(asio::ssl::stream<asio::ip::tcp::socket>&,
                                                Deadline&, const WireResponse&,
                                                const SseWriteOptions&, const std::atomic<bool>&,
                                                bool&);

}  // namespace gw::http
