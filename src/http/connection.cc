// Each request runs as a coroutine on the connection's io_context, which run_for() bounds: one
// deadline covers resolution, connect, TLS, write, read and the one retry. A request that misses
// it leaves its coroutine suspended; the io_context is then destroyed (which destroys the
// coroutine's frame) and made anew for the next request.
#include "http/connection.h"

#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <string>

#include "http/openssl_runtime.h"

namespace gw::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

// Beast reads at most min(64 KiB, free capacity of the buffer) per read call, and a fresh
// flat_buffer has room for 512 bytes: without a reserve a page arrives in 512-byte reads.
constexpr size_t kMinReadBufferBytes = size_t{16} * 1024;
constexpr size_t kMaxReadBufferBytes = size_t{64} * 1024;

struct Call {
  Url url;
  std::string what;  // "GET http://..." for messages
  bhttp::request<bhttp::string_body> request;
  size_t max_response_bytes = 0;
  bool head = false;
  bool idempotent = false;
  bool done = false;
  Status status;
  bool retryable = false;   // failed as a connection the server had closed would fail
  bool keep_alive = false;  // the response lets the connection stay open
  ClientResponse response;
};

// RFC 9110 section 9.2.2: a client may send these again after a connection failure.
bool IsIdempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "TRACE" ||
         method == "PUT" || method == "DELETE";
}

StatusOr<asio::ssl::context> MakeTlsContext(const std::string& host, const ClientOptions& options) {
  GW_RETURN_IF_ERROR(RequireOpenSsl());
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  error_code ec;
  auto fail = [&](std::string_view what, const std::string& file) {
    return InvalidArgumentError(std::string(what) + " \"" + file + "\": " + ec.message());
  };
  if (options.insecure_skip_verify) {
    ctx.set_verify_mode(asio::ssl::verify_none);
  } else {
    ctx.set_verify_mode(asio::ssl::verify_peer);
    if (options.ca_file.empty()) {
      ctx.set_default_verify_paths(ec);
    } else if (ctx.load_verify_file(options.ca_file, ec)) {
      return fail("CA file", options.ca_file);
    }
    ctx.set_verify_callback(asio::ssl::host_name_verification(host));
  }
  if (!options.cert_file.empty() &&
      (ctx.use_certificate_chain_file(options.cert_file, ec) ||
       ctx.use_private_key_file(options.key_file, asio::ssl::context::pem, ec))) {
    return fail("client certificate", options.cert_file);
  }
  return ctx;
}

void BuildRequest(std::string_view method, const Url& url,
                  const std::map<std::string, std::string>& headers, std::string_view body,
                  bool keep_alive, bhttp::request<bhttp::string_body>& request) {
  request.version(11);
  request.method_string(method);
  request.target(url.target);
  bool default_port = url.port == (url.scheme == "https" ? "443" : "80");
  std::string host = url.host.find(':') == std::string::npos ? url.host : "[" + url.host + "]";
  request.set(bhttp::field::host, default_port ? host : host + ":" + url.port);
  request.set(bhttp::field::user_agent, "gpuwatchdog");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.keep_alive(keep_alive);
  request.body() = std::string(body);
  if (!body.empty() || method == "POST" || method == "PUT") request.prepare_payload();
}

void ReadResponse(bhttp::response<bhttp::string_body>& message, ClientResponse& out) {
  out.status = static_cast<int>(message.result_int());
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto [it, inserted] = out.headers.emplace(name, std::string(field.value()));
    if (!inserted) it->second += ", " + std::string(field.value());
  }
  out.body = std::move(message.body());
}

}  // namespace

struct HttpConnection::State {
  State(ClientOptions o, ConnectionMode m) : options(std::move(o)), mode(m) {}

  bool OpenFor(const Url& url) const {
    return (socket || tls_stream) && url.scheme == scheme && url.host == host && url.port == port;
  }
  void CloseStream() {
    tls_stream.reset();
    socket.reset();
    // An idle connection keeps no read buffer (a hub holds one connection per target).
    buffer.clear();
    buffer.shrink_to_fit();
  }
  // Destroys the io_context with whatever it still runs: after a timeout.
  void Abandon() {
    CloseStream();  // before the io_context its sockets belong to
    ioc.reset();
  }
  Status PrepareTls(const std::string& for_host);
  asio::awaitable<void> Connect(Call& call);
  asio::awaitable<void> Handshake(tcp::socket socket, Call& call);
  template <class Stream>
  asio::awaitable<void> Talk(Stream& stream, Call& call);
  asio::awaitable<void> TalkOverOpenStream(Call& call) {
    if (tls_stream) {
      co_await Talk(*tls_stream, call);
    } else {
      co_await Talk(*socket, call);
    }
  }
  asio::awaitable<void> Exchange(Call& call);

  const ClientOptions options;
  const ConnectionMode mode;
  // Declared before what uses them, so destroyed after: the context outlives its sockets, the
  // TLS context its streams.
  std::optional<asio::io_context> ioc;
  std::optional<asio::ssl::context> tls;
  std::string tls_host;  // the host tls verifies
  // The open connection: one of these, or neither.
  std::optional<tcp::socket> socket;
  std::optional<asio::ssl::stream<tcp::socket>> tls_stream;
  std::string scheme, host, port;  // its origin
  beast::flat_buffer buffer;
  size_t last_body_bytes = 0;
  uint64_t connections_opened = 0;
};

Status HttpConnection::State::PrepareTls(const std::string& for_host) {
  if (tls && tls_host == for_host) return Status::Ok();
  // The context verifies one host name; an open stream to another host uses it.
  CloseStream();
  tls.reset();
  tls_host.clear();
  GW_ASSIGN_OR_RETURN(tls, MakeTlsContext(for_host, options));
  tls_host = for_host;
  return Status::Ok();
}

asio::awaitable<void> HttpConnection::State::Connect(Call& call) {
  CloseStream();
  auto executor = co_await asio::this_coro::executor;
  tcp::socket socket(executor);
  error_code connect_ec;
  error_code not_ip;
  asio::ip::address address = asio::ip::make_address(call.url.host, not_ip);
  if (!not_ip) {
    // A literal address needs no resolver, whose thread costs a round trip between threads.
    std::array<tcp::endpoint, 1> endpoints = {
        tcp::endpoint(address, static_cast<uint16_t>(std::stoi(call.url.port)))};
    std::tie(connect_ec, std::ignore) = co_await asio::async_connect(socket, endpoints, kAwait);
  } else {
    tcp::resolver resolver(executor);
    auto [resolve_ec, endpoints] =
        co_await resolver.async_resolve(call.url.host, call.url.port, kAwait);
    if (resolve_ec) {
      call.status =
          UnavailableError(call.what + ": resolve " + call.url.host + ": " + resolve_ec.message());
      co_return;
    }
    std::tie(connect_ec, std::ignore) = co_await asio::async_connect(socket, endpoints, kAwait);
  }
  if (connect_ec) {
    call.status = UnavailableError(call.what + ": connect: " + connect_ec.message());
    co_return;
  }
  ++connections_opened;
  error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  co_await Handshake(std::move(socket), call);
  if (!call.status.ok()) co_return;
  scheme = call.url.scheme;
  host = call.url.host;
  port = call.url.port;
}

asio::awaitable<void> HttpConnection::State::Handshake(tcp::socket socket, Call& call) {
  if (call.url.scheme != "https") {
    this->socket.emplace(std::move(socket));
    co_return;
  }
  tls_stream.emplace(std::move(socket), *tls);
  error_code not_ip;
  asio::ip::make_address(call.url.host, not_ip);
  if (not_ip) SSL_set_tlsext_host_name(tls_stream->native_handle(), call.url.host.c_str());
  auto [ec] = co_await tls_stream->async_handshake(asio::ssl::stream_base::client, kAwait);
  if (ec) {
    tls_stream.reset();
    call.status = UnavailableError(call.what + ": TLS handshake: " + ec.message());
  }
}

template <class Stream>
asio::awaitable<void> HttpConnection::State::Talk(Stream& stream, Call& call) {
  auto [write_ec, written] = co_await bhttp::async_write(stream, call.request, kAwait);
  if (write_ec) {
    // The server did not take the whole request: sending it again cannot repeat its effect.
    call.retryable = true;
    call.status = UnavailableError(call.what + ": write: " + write_ec.message());
    co_return;
  }
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(call.max_response_bytes);
  parser.skip(call.head);
  if (!call.head) {
    parser.get().body().reserve(std::min(last_body_bytes, call.max_response_bytes));
  }
  // About what the last response needed, so that a page arrives in few reads.
  buffer.reserve(std::clamp(last_body_bytes + 1024, kMinReadBufferBytes, kMaxReadBufferBytes));
  auto [read_ec, read] = co_await bhttp::async_read(stream, buffer, parser, kAwait);
  if (read_ec == bhttp::error::body_limit) {
    call.status = ResourceExhaustedError(call.what + ": response body exceeds " +
                                         std::to_string(call.max_response_bytes) + " bytes");
  } else if (read_ec) {
    call.retryable = call.idempotent && !parser.got_some();
    call.status = UnavailableError(call.what + ": read response: " + read_ec.message());
  } else {
    call.keep_alive = parser.keep_alive();
    if (!call.head) last_body_bytes = parser.get().body().size();
    ReadResponse(parser.get(), call.response);
  }
}

asio::awaitable<void> HttpConnection::State::Exchange(Call& call) {
  bool reused = OpenFor(call.url);
  if (!reused) co_await Connect(call);
  if (call.status.ok()) co_await TalkOverOpenStream(call);
  if (reused && !call.status.ok() && call.retryable) {
    // Most likely the server closed the idle connection (its idle timeout, a restart).
    call.status = Status::Ok();
    call.retryable = false;
    co_await Connect(call);
    if (call.status.ok()) co_await TalkOverOpenStream(call);
  }
  // Bytes past the response were not asked for: the connection is out of step.
  if (!call.status.ok() || !call.keep_alive || mode == ConnectionMode::kClose ||
      buffer.size() != 0) {
    CloseStream();
  }
  call.done = true;
}

HttpConnection::HttpConnection(ClientOptions options, ConnectionMode mode)
    : state_(std::make_unique<State>(std::move(options), mode)) {}

HttpConnection::~HttpConnection() = default;

StatusOr<ClientResponse> HttpConnection::Request(std::string_view method, std::string_view url,
                                                 const std::map<std::string, std::string>& headers,
                                                 std::string_view body,
                                                 std::chrono::milliseconds timeout,
                                                 std::optional<size_t> max_response_bytes) {
  State& s = *state_;
  Call call;
  GW_ASSIGN_OR_RETURN(call.url, ParseUrl(url));
  call.what = std::string(method) + " " + std::string(url);
  call.max_response_bytes = max_response_bytes.value_or(s.options.max_response_bytes);
  call.head = method == "HEAD";
  call.idempotent = IsIdempotent(method);
  if (call.url.scheme == "https") GW_RETURN_IF_ERROR(s.PrepareTls(call.url.host));
  BuildRequest(method, call.url, headers, body, s.mode == ConnectionMode::kKeepAlive, call.request);
  if (!s.ioc) {
    try {
      s.ioc.emplace();
    } catch (const boost::system::system_error& e) {  // out of file descriptors
      return UnavailableError(call.what + ": cannot make an I/O context: " + e.what());
    }
  }
  s.ioc->restart();
  asio::co_spawn(*s.ioc, s.Exchange(call), asio::detached);
  s.ioc->run_for(timeout);
  if (!call.done) {
    s.Abandon();  // the suspended coroutine refers to call: it goes first
    return DeadlineExceededError(call.what + ": no complete response within " +
                                 std::to_string(timeout.count()) + " ms");
  }
  if (!call.status.ok()) return call.status;
  return std::move(call.response);
}

void HttpConnection::Close() { state_->CloseStream(); }

bool HttpConnection::open() const { return state_->socket || state_->tls_stream; }

uint64_t HttpConnection::connections_opened() const { return state_->connections_opened; }

}  // namespace gw::http
