// The client runs each request as a coroutine on its own io_context, which run_for() bounds:
// one deadline covers resolution, connect, TLS, write and read.
#include "http/client.h"

#include <openssl/ssl.h>

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
#include <optional>

namespace gw::http {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

struct Call {
  Url url;
  std::string what;  // "GET http://..." for messages
  bhttp::request<bhttp::string_body> request;
  size_t max_response_bytes = 0;
  bool head = false;
  bool done = false;
  Status status;
  ClientResponse response;
};

StatusOr<asio::ssl::context> MakeTlsContext(const Url& url, const ClientOptions& options) {
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
    ctx.set_verify_callback(asio::ssl::host_name_verification(url.host));
  }
  if (!options.cert_file.empty() &&
      (ctx.use_certificate_chain_file(options.cert_file, ec) ||
       ctx.use_private_key_file(options.key_file, asio::ssl::context::pem, ec))) {
    return fail("client certificate", options.cert_file);
  }
  return ctx;
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

template <class Stream>
asio::awaitable<void> Talk(Stream& stream, Call& call) {
  auto [write_ec, written] = co_await bhttp::async_write(stream, call.request, kAwait);
  if (write_ec) {
    call.status = UnavailableError(call.what + ": write: " + write_ec.message());
    co_return;
  }
  boost::beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(call.max_response_bytes);
  parser.skip(call.head);
  auto [read_ec, read] = co_await bhttp::async_read(stream, buffer, parser, kAwait);
  if (read_ec == bhttp::error::body_limit) {
    call.status = ResourceExhaustedError(call.what + ": response body exceeds " +
                                         std::to_string(call.max_response_bytes) + " bytes");
  } else if (read_ec) {
    call.status = UnavailableError(call.what + ": read response: " + read_ec.message());
  } else {
    ReadResponse(parser.get(), call.response);
  }
}

asio::awaitable<void> Connected(tcp::socket socket, Call& call, asio::ssl::context* tls) {
  if (tls == nullptr) {
    co_await Talk(socket, call);
    co_return;
  }
  asio::ssl::stream<tcp::socket> stream(std::move(socket), *tls);
  error_code not_ip;
  asio::ip::make_address(call.url.host, not_ip);
  if (not_ip) SSL_set_tlsext_host_name(stream.native_handle(), call.url.host.c_str());
  auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::client, kAwait);
  if (ec) {
    call.status = UnavailableError(call.what + ": TLS handshake: " + ec.message());
    co_return;
  }
  co_await Talk(stream, call);
}

asio::awaitable<void> Run(Call& call, asio::ssl::context* tls) {
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  auto [resolve_ec, endpoints] =
      co_await resolver.async_resolve(call.url.host, call.url.port, kAwait);
  if (resolve_ec) {
    call.status =
        UnavailableError(call.what + ": resolve " + call.url.host + ": " + resolve_ec.message());
  } else {
    tcp::socket socket(executor);
    auto [connect_ec, endpoint] = co_await asio::async_connect(socket, endpoints, kAwait);
    if (connect_ec) {
      call.status = UnavailableError(call.what + ": connect: " + connect_ec.message());
    } else {
      co_await Connected(std::move(socket), call, tls);
    }
  }
  call.done = true;
}

}  // namespace

StatusOr<Url> ParseUrl(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return InvalidArgumentError("URL \"" + std::string(text) + "\": " + std::string(why));
  };
  Url url;
  size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return bad("missing scheme (use http:// or https://)");
  url.scheme = std::string(text.substr(0, scheme_end));
  if (url.scheme != "http" && url.scheme != "https") return bad("scheme must be http or https");
  std::string_view rest = text.substr(scheme_end + 3);
  size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  url.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (url.target.front() == '?') url.target.insert(0, "/");
  if (authority.find('@') != std::string_view::npos) return bad("user info is not supported");
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("unclosed '[' in host");
    url.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return bad("junk after ']'");
    if (!after.empty()) port = after.substr(1);
  } else {
    size_t colon = authority.find(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (url.host.empty()) return bad("missing host");
  if (port.empty()) port = url.scheme == "https" ? "443" : "80";
  if (port.find_first_not_of("0123456789") != std::string_view::npos || port.size() > 5 ||
      std::stoi(std::string(port)) > 65535) {
    return bad("port must be a number from 0 to 65535");
  }
  url.port = std::string(port);
  return url;
}

StatusOr<ClientResponse> HttpRequest(std::string_view method, std::string_view url,
                                     const std::map<std::string, std::string>& headers,
                                     std::string_view body, std::chrono::milliseconds timeout,
                                     const ClientOptions& options) {
  Call call;
  GW_ASSIGN_OR_RETURN(call.url, ParseUrl(url));
  call.what = std::string(method) + " " + std::string(url);
  call.max_response_bytes = options.max_response_bytes;
  call.head = method == "HEAD";
  std::optional<asio::ssl::context> tls;
  if (call.url.scheme == "https") {
    GW_ASSIGN_OR_RETURN(tls, MakeTlsContext(call.url, options));
  }
  bhttp::request<bhttp::string_body>& request = call.request;
  request.version(11);
  request.method_string(method);
  request.target(call.url.target);
  bool default_port = call.url.port == (call.url.scheme == "https" ? "443" : "80");
  std::string host =
      call.url.host.find(':') == std::string::npos ? call.url.host : "[" + call.url.host + "]";
  request.set(bhttp::field::host, default_port ? host : host + ":" + call.url.port);
  request.set(bhttp::field::user_agent, "gpuwatchdog");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.keep_alive(false);
  request.body() = std::string(body);
  if (!body.empty() || method == "POST" || method == "PUT") request.prepare_payload();

  // Declared after call, so destroyed first: an unfinished coroutine's frame dies with it.
  asio::io_context ioc;
  asio::co_spawn(ioc, Run(call, tls ? &*tls : nullptr), asio::detached);
  ioc.run_for(timeout);
  if (!call.done) {
    return DeadlineExceededError(call.what + ": no complete response within " +
                                 std::to_string(timeout.count()) + " ms");
  }
  if (!call.status.ok()) return call.status;
  return std::move(call.response);
}

StatusOr<ClientResponse> HttpGet(std::string_view url,
                                 const std::map<std::string, std::string>& headers,
                                 std::chrono::milliseconds timeout, const ClientOptions& options) {
  return HttpRequest("GET", url, headers, "", timeout, options);
}

}  // namespace gw::http
