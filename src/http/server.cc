// Boost.Beast underneath Server. Each connection is one C++20 coroutine on its own strand;
// timeouts are a per-connection Deadline (deadline.h). A handler's event stream is written by
// sse_writer.cc on the same coroutine.
#include "http/server.h"

#include <pthread.h>

#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "common/flags.h"
#include "common/logging.h"
#include "http/deadline.h"
#include "http/event_stream.h"
#include "http/exchange.h"
#include "http/openssl_runtime.h"
#include "http/sse_writer.h"
#include "http/tls_context.h"
#include "http/web_config.h"

namespace gw::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
constexpr size_t kFirstReadBytes = 2048;

// The web config in force, with its TLS context (null: plain HTTP). Immutable once built.
struct ActiveConfig {
  WebConfig web;
  std::shared_ptr<asio::ssl::context> ssl;
};

StatusOr<std::shared_ptr<const ActiveConfig>> LoadActiveConfig(const std::string& file) {
  auto active = std::make_shared<ActiveConfig>();
  if (file.empty()) return std::shared_ptr<const ActiveConfig>(active);
  GW_ASSIGN_OR_RETURN(active->web, LoadWebConfigFile(file));
  if (active->web.tls.enabled() || !active->web.basic_auth_users.empty()) {
    Status openssl = RequireOpenSsl();
    if (!openssl.ok()) return openssl.WithContext(file);
  }
  if (active->web.tls.enabled()) {
    StatusOr<SslCtxPtr> ctx = NewServerSslContext(active->web.tls);
    if (!ctx.ok()) return ctx.status().WithContext(file);
    active->ssl = std::make_shared<asio::ssl::context>(ctx->release());
  }
  return std::shared_ptr<const ActiveConfig>(active);
}

// One open connection, as Shutdown sees it. Fields other than fd are touched only on the
// connection's strand.
struct Conn {
  explicit Conn(asio::any_io_executor executor, int native_fd)
      : strand(std::move(executor)), fd(native_fd) {}
  asio::any_io_executor strand;
  const int fd;                   // for the forced close past the grace period, from any thread
  tcp::socket* socket = nullptr;  // null once the session has ended
  bool idle = true;               // waiting for the first byte of a request
};

Request ToRequest(bhttp::request<bhttp::string_body>& message) {
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  size_t question = request.target.find('?');
  request.path = request.target.substr(0, question);
  if (question != std::string::npos) request.query = request.target.substr(question + 1);
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto [it, inserted] = request.headers.emplace(name, std::string(field.value()));
    if (!inserted) it->second += ", " + std::string(field.value());
  }
  request.body = std::move(message.body());
  return request;
}

// The status to answer a failed read with, or 0 to close without answering.
int StatusForReadError(const error_code& ec, bool timed_out) {
  if (timed_out) return 408;
  if (ec == bhttp::error::header_limit || ec == bhttp::error::body_limit ||
      ec == bhttp::error::buffer_overflow) {
    return 413;
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
      ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
    return 400;
  }
  return 0;
}

std::string_view ReasonText(int status) {
  switch (status) {
    case 400:
      return "Bad Request\n";
    case 408:
      return "Request Timeout\n";
    case 413:
      return "Request Entity Too Large\n";
    case 503:
      return "Service Unavailable: too many connections\n";
  }
  return "Error\n";
}

template <class Stream>
asio::awaitable<error_code> Write(Stream& stream, const WireResponse& wire, bool keep_alive) {
  bhttp::response<bhttp::span_body<const char>> response;
  response.version(11);
  response.result(static_cast<unsigned>(wire.status));
  for (const auto& [name, value] : wire.headers) response.insert(name, value);
  response.keep_alive(keep_alive);
  if (wire.omit_body) {
    response.content_length(wire.body->size());
  } else {
    response.body() = boost::span<const char>(wire.body->data(), wire.body->size());
    response.prepare_payload();
  }
  auto [ec, written] = co_await bhttp::async_write(stream, response, kAwait);
  co_return ec;
}

// Waits for the peer to close after we stopped sending, so that unread request bytes do not
// make the kernel reset the connection before the client has read our answer.
asio::awaitable<void> LingeringClose(tcp::socket& socket, Deadline& deadline) {
  error_code ec;
  socket.shutdown(tcp::socket::shutdown_send, ec);
  char sink[4096];
  deadline.Arm(std::chrono::milliseconds(1000));
  for (size_t drained = 0; drained < (size_t{1} << 20);) {
    auto [read_ec, n] = co_await socket.async_read_some(asio::buffer(sink), kAwait);
    if (read_ec) break;
    drained += n;
  }
  deadline.Disarm();
}

}  // namespace

struct Server::Impl {
  Impl(ServerOptions opts, Handler h) : options(std::move(opts)), handler(std::move(h)) {}

  std::shared_ptr<const ActiveConfig> Config() {
    std::lock_guard<std::mutex> lock(mu);
    return config;
  }

  Status Listen();
  void Accepted(tcp::socket socket);
  void Unregister(const std::shared_ptr<Conn>& conn, bool counted);
  asio::awaitable<void> AcceptLoop();
  template <class Stream>
  asio::awaitable<void> Serve(Stream& stream, Conn& conn, Deadline& deadline, bool reject);
  template <class Stream>
  asio::awaitable<void> ServeStream(Stream& stream, Conn& conn, Deadline& deadline,
                                    const WireResponse& wire);
  bool AcquireStream();
  void ReleaseStream();
  asio::awaitable<void> ServePlain(tcp::socket socket, std::shared_ptr<Conn> conn, bool reject);
  asio::awaitable<void> ServeTls(tcp::socket socket, std::shared_ptr<Conn> conn, bool reject,
                                 std::shared_ptr<const ActiveConfig> active);
  void Shutdown();

  const ServerOptions options;
  const Handler handler;
  uint16_t port = 0;
  std::atomic<bool> stopping{false};

  std::mutex mu;
  std::condition_variable cv;
  std::shared_ptr<const ActiveConfig> config;  // GUARDED_BY(mu)
  std::set<std::shared_ptr<Conn>> conns;       // GUARDED_BY(mu)
  size_t serving = 0;                          // GUARDED_BY(mu): conns not being rejected
  size_t streams = 0;                          // GUARDED_BY(mu): conns writing an EventStream
  bool shut_down = false;                      // GUARDED_BY(mu)
  std::vector<std::thread> threads;

  // Declared last so that they are destroyed first: pending coroutine frames destroyed with
  // the io_context still reach the members above.
  asio::io_context ioc;
  asio::strand<asio::io_context::executor_type> accept_strand{ioc.get_executor()};
  tcp::acceptor acceptor{accept_strand};
  asio::executor_work_guard<asio::io_context::executor_type> work{ioc.get_executor()};
};

Status Server::Impl::Listen() {
  GW_ASSIGN_OR_RETURN(ListenAddress address, ParseListenAddress(options.listen_address));
  auto fail = [&](const error_code& ec) {
    return UnavailableError("listen on " + options.listen_address + ": " + ec.message());
  };
  error_code ec;
  tcp::endpoint endpoint;
  if (address.host.empty()) {
    endpoint = tcp::endpoint(tcp::v6(), address.port);
    if (acceptor.open(tcp::v6(), ec); !ec) {
      acceptor.set_option(asio::ip::v6_only(false), ec);
    } else {
      endpoint = tcp::endpoint(tcp::v4(), address.port);
    }
  } else {
    asio::ip::address ip = asio::ip::make_address(address.host, ec);
    if (ec) {
      tcp::resolver resolver(ioc);
      auto results = resolver.resolve(address.host, std::to_string(address.port), ec);
      if (ec || results.empty()) return fail(ec);
      ip = results.begin()->endpoint().address();
    }
    endpoint = tcp::endpoint(ip, address.port);
  }
  if (!acceptor.is_open() && acceptor.open(endpoint.protocol(), ec)) return fail(ec);
  acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (acceptor.bind(endpoint, ec) ||
      acceptor.listen(asio::socket_base::max_listen_connections, ec)) {
    return fail(ec);
  }
  port = acceptor.local_endpoint(ec).port();
  return Status::Ok();
}

asio::awaitable<void> Server::Impl::AcceptLoop() {
  asio::steady_timer backoff(accept_strand);
  while (!stopping) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), kAwait);
    if (stopping || ec == asio::error::operation_aborted) break;
    if (ec) {
      // Out of file descriptors, most likely: wait rather than spin.
      GW_LOG_WARN("http: accept on {}: {}", options.listen_address, ec.message());
      backoff.expires_after(std::chrono::milliseconds(100));
      co_await backoff.async_wait(kAwait);
      continue;
    }
    Accepted(std::move(socket));
  }
}

void Server::Impl::Accepted(tcp::socket socket) {
  auto conn = std::make_shared<Conn>(socket.get_executor(), socket.native_handle());
  bool reject = false;
  {
    std::lock_guard<std::mutex> lock(mu);
    // Rejections take a connection too; past twice the cap they are not even answered.
    if (conns.size() >= 2 * options.max_connections) return;
    reject = serving >= options.max_connections;
    if (!reject) ++serving;
    conns.insert(conn);
  }
  error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  std::shared_ptr<const ActiveConfig> active = Config();
  auto executor = conn->strand;
  if (active->ssl) {
    asio::co_spawn(executor, ServeTls(std::move(socket), std::move(conn), reject, active),
                   asio::detached);
  } else {
    asio::co_spawn(executor, ServePlain(std::move(socket), std::move(conn), reject),
                   asio::detached);
  }
}

void Server::Impl::Unregister(const std::shared_ptr<Conn>& conn, bool counted) {
  conn->socket = nullptr;
  std::lock_guard<std::mutex> lock(mu);
  conns.erase(conn);
  if (counted) --serving;
  cv.notify_all();
}

// Serves requests on one connection until it closes, times out, fails, or Shutdown.
template <class Stream>
asio::awaitable<void> Server::Impl::Serve(Stream& stream, Conn& conn, Deadline& deadline,
                                          bool reject) {
  beast::flat_buffer buffer;
  constexpr size_t kUint32Max = std::numeric_limits<uint32_t>::max();
  for (bool first = true;; first = false) {
    if (buffer.size() == 0) {
      if (stopping) co_return;
      conn.idle = true;
      deadline.Arm(first ? options.read_timeout : options.idle_timeout);
      // Room for a typical request (a scrape's is about 300 bytes); the parser grows the buffer
      // for a longer one. Each open connection keeps this buffer, so it stays small.
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(kFirstReadBytes), kAwait);
      deadline.Disarm();
      conn.idle = false;
      buffer.commit(n);
      if (ec) co_return;
    }
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<uint32_t>(std::min(options.max_request_bytes, kUint32Max)));
    parser.body_limit(options.max_request_bytes);
    deadline.Arm(options.read_timeout);
    auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, kAwait);
    deadline.Disarm();
    std::shared_ptr<const ActiveConfig> active = Config();
    WireResponse wire;
    if (ec) {
      int status = StatusForReadError(ec, deadline.fired());
      if (status == 0) co_return;
      wire = ServerError(status, ReasonText(status), active->web);
    } else if (reject) {
      wire = ServerError(503, ReasonText(503), active->web);
      wire.omit_body = parser.get().method() == bhttp::verb::head;
    } else {
      Request request = ToRequest(parser.get());
      wire = Exchange(request, handler, active->web, {.gzip_min_bytes = options.gzip_min_bytes});
      if (wire.stream) {
        co_await ServeStream(stream, conn, deadline, wire);
        co_return;
      }
    }
    bool keep_alive = !ec && parser.keep_alive() && !wire.close && !stopping;
    deadline.Arm(options.write_timeout);
    error_code write_ec = co_await Write(stream, wire, keep_alive);
    deadline.Disarm();
    if (write_ec) co_return;
    if (!keep_alive) {
      if (wire.close) co_await LingeringClose(*conn.socket, deadline);
      co_return;
    }
  }
}

bool Server::Impl::AcquireStream() {
  std::lock_guard<std::mutex> lock(mu);
  if (streams >= options.max_streams) return false;
  ++streams;
  return true;
}

void Server::Impl::ReleaseStream() {
  std::lock_guard<std::mutex> lock(mu);
  --streams;
}

// Writes an event stream, or 503 past max_streams; the connection closes after either.
template <class Stream>
asio::awaitable<void> Server::Impl::ServeStream(Stream& stream, Conn& conn, Deadline& deadline,
                                                const WireResponse& wire) {
  if (!AcquireStream()) {
    wire.stream->Finish();
    WireResponse busy = ServerError(503, "Service Unavailable: too many event streams\n",
                                    Config()->web);
    busy.omit_body = wire.omit_body;
    deadline.Arm(options.write_timeout);
    co_await Write(stream, busy, /*keep_alive=*/false);
    deadline.Disarm();
    co_return;
  }
  struct Release {
    Impl* impl;
    ~Release() { impl->ReleaseStream(); }
  } release{this};
  SseWriteOptions sse{.write_timeout = options.write_timeout,
                      .keepalive_interval = options.stream_keepalive};
  co_await WriteEventStream(stream, deadline, wire, sse, stopping, conn.idle);
}

asio::awaitable<void> Server::Impl::ServePlain(tcp::socket socket, std::shared_ptr<Conn> conn,
                                               bool reject) {
  Deadline deadline(conn->strand, socket);
  conn->socket = &socket;
  try {
    co_await Serve(socket, *conn, deadline, reject);
  } catch (const std::exception& e) {
    GW_LOG_ERROR("http: connection failed: {}", e.what());
  }
  Unregister(conn, !reject);  // before the socket closes, so Shutdown never sees a reused fd
}

asio::awaitable<void> Server::Impl::ServeTls(tcp::socket socket, std::shared_ptr<Conn> conn,
                                             bool reject,
                                             std::shared_ptr<const ActiveConfig> active) {
  asio::ssl::stream<tcp::socket> stream(std::move(socket), *active->ssl);
  Deadline deadline(conn->strand, stream.next_layer());
  conn->socket = &stream.next_layer();
  try {
    deadline.Arm(options.read_timeout);
    auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kAwait);
    deadline.Disarm();
    if (ec) {
      GW_LOG_DEBUG("http: TLS handshake: {}", ec.message());
    } else {
      co_await Serve(stream, *conn, deadline, reject);
    }
  } catch (const std::exception& e) {
    GW_LOG_ERROR("http: TLS connection failed: {}", e.what());
  }
  Unregister(conn, !reject);
}

void Server::Impl::Shutdown() {
  std::unique_lock<std::mutex> lock(mu);
  if (shut_down) return;
  shut_down = true;
  stopping = true;
  asio::post(accept_strand, [this] {
    error_code ec;
    acceptor.close(ec);
  });
  for (const std::shared_ptr<Conn>& conn : conns) {
    asio::post(conn->strand, [conn] {
      error_code ec;
      if (conn->socket != nullptr && conn->idle) conn->socket->cancel(ec);
    });
  }
  auto deadline = std::chrono::steady_clock::now() + options.shutdown_grace;
  if (!cv.wait_until(lock, deadline, [this] { return conns.empty(); })) {
    GW_LOG_WARN("http: {} connections still busy after {} ms; closing them", conns.size(),
                options.shutdown_grace.count());
    // Safe from this thread: the fd stays open until its session unregisters under mu.
    for (const std::shared_ptr<Conn>& conn : conns) ::shutdown(conn->fd, SHUT_RDWR);
    cv.wait_for(lock, std::chrono::seconds(1), [this] { return conns.empty(); });
  }
  lock.unlock();
  work.reset();
  ioc.stop();
  for (std::thread& thread : threads) thread.join();
  threads.clear();
  // A session whose handler outlived the grace period never unregistered: its Conn refers to a
  // strand of `ioc`, so it must go now, before `ioc` is destroyed (members die in reverse order
  // and `conns` is declared first).
  lock.lock();
  conns.clear();
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { Shutdown(); }

StatusOr<std::unique_ptr<Server>> Server::Start(ServerOptions options, Handler handler) {
  if (options.threads < 1) options.threads = 1;
  if (options.max_connections < 1) {
    return InvalidArgumentError("http server: max_connections must be at least 1");
  }
  auto impl = std::make_unique<Impl>(std::move(options), std::move(handler));
  GW_ASSIGN_OR_RETURN(impl->config, LoadActiveConfig(impl->options.web_config_file));
  GW_RETURN_IF_ERROR(impl->Listen());
  Impl* raw = impl.get();
  asio::co_spawn(raw->accept_strand, raw->AcceptLoop(), asio::detached);
  for (int i = 0; i < raw->options.threads; ++i) {
    raw->threads.emplace_back([raw] {
      pthread_setname_np(pthread_self(), "gw-http");
      // The top-level guard of a server thread: nothing we run should throw, but if something
      // does, log it and keep serving.
      for (;;) {
        try {
          raw->ioc.run();
          return;
        } catch (const std::exception& e) {
          GW_LOG_ERROR("http: server thread: {}", e.what());
        }
      }
    });
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

uint16_t Server::port() const { return impl_->port; }

Status Server::ReloadWebConfig() {
  if (impl_->options.web_config_file.empty()) return Status::Ok();
  StatusOr<std::shared_ptr<const ActiveConfig>> loaded =
      LoadActiveConfig(impl_->options.web_config_file);
  if (!loaded.ok()) {
    GW_LOG_ERROR("http: reload of web config failed, keeping the old one: {}",
                 loaded.status().message());
    return loaded.status();
  }
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->config = *std::move(loaded);
  GW_LOG_INFO("http: reloaded web config {}", impl_->options.web_config_file);
  return Status::Ok();
}

void Server::Shutdown() { impl_->Shutdown(); }

}  // namespace gw::http
