#include "http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>

#include "http/client.h"
#include "http/gzip.h"
#include "http/test_util.h"

namespace gw::http {
namespace {

using std::chrono::milliseconds;
using testing::RawConn;
using testing::RawResponse;
using testing::TempDir;

constexpr milliseconds kTimeout(5000);

std::unique_ptr<Server> StartOrDie(ServerOptions options, Handler handler) {
  if (options.listen_address == ":9400") options.listen_address = "127.0.0.1:0";
  StatusOr<std::unique_ptr<Server>> server = Server::Start(options, std::move(handler));
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  return server.ok() ? std::move(server).value() : nullptr;
}

Handler Echo() {
  return [](const Request& r) { return Response::Text(200, r.method + " " + r.target); };
}

std::string Url(const Server& server, std::string_view path = "/") {
  return "http://127.0.0.1:" + std::to_string(server.port()) + std::string(path);
}

TEST(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  std::unique_ptr<Server> server = StartOrDie({}, Echo());
  ASSERT_TRUE(server);
  RawConn conn(server->port());
  ASSERT_TRUE(conn.Send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n"));
  RawResponse first = conn.Read();
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.body, "GET /a");
  ASSERT_TRUE(conn.Send("GET /b?q=1 HTTP/1.1\r\nHost: x\r\n\r\n"));
  RawResponse second = conn.Read();
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(second.body, "GET /b?q=1");
}

TEST(ServerTest, PassesPathQueryHeadersAndBody) {
  std::promise<Request> seen;
  std::unique_ptr<Server> server = StartOrDie({}, [&](const Request& r) {
    seen.set_value(r);
    return Response::Text(200, "ok");
  });
  ASSERT_TRUE(server);
  StatusOr<ClientResponse> response = HttpRequest("POST", Url(*server, "/api/v1/write?x=1&y=2"),
                                                  {{"X-Thing", "v"}}, "payload", kTimeout);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  Request request = seen.get_future().get();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/api/v1/write");
  EXPECT_EQ(request.query, "x=1&y=2");
  EXPECT_EQ(request.Header("x-thing"), "v");
  EXPECT_EQ(request.body, "payload");
}

TEST(ServerTest, GzipsOnlyWhenAsked) {
  std::string page(4000, 'g');
  std::unique_ptr<Server> server =
      StartOrDie({}, [&](const Request&) { return Response::Text(200, page); });
  ASSERT_TRUE(server);
  StatusOr<ClientResponse> gz = HttpGet(Url(*server), {{"Accept-Encoding", "gzip"}}, kTimeout);
  ASSERT_TRUE(gz.ok()) << gz.status().ToString();
  EXPECT_EQ(gz->headers["content-encoding"], "gzip");
  EXPECT_EQ(gz->headers["vary"], "Accept-Encoding");
  EXPECT_LT(gz->body.size(), 200u);
  EXPECT_EQ(*GzipDecompress(gz->body, 10000), page);

  StatusOr<ClientResponse> plain = HttpGet(Url(*server), {}, kTimeout);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->headers.count("content-encoding"), 0u);
  EXPECT_EQ(plain->body, page);
}

TEST(ServerTest, PreGzippedBodyPassesThroughOrIsDecompressed) {
  std::string page(4000, 'p');
  auto compressed = std::make_shared<const std::string>(GzipCompress(page));
  std::unique_ptr<Server> server = StartOrDie({}, [&](const Request&) {
    Response response;
    response.body = compressed;
    response.content_encoding = "gzip";
    return response;
  });
  ASSERT_TRUE(server);
  StatusOr<ClientResponse> gz = HttpGet(Url(*server), {{"Accept-Encoding", "gzip"}}, kTimeout);
  ASSERT_TRUE(gz.ok()) << gz.status().ToString();
  EXPECT_EQ(gz->headers["content-encoding"], "gzip");
  EXPECT_EQ(gz->body, *compressed);
  StatusOr<ClientResponse> plain = HttpGet(Url(*server), {}, kTimeout);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->headers.count("content-encoding"), 0u);
  EXPECT_EQ(plain->body, page);
}

TEST(ServerTest, HeadSendsLengthWithoutBody) {
  std::unique_ptr<Server> server = StartOrDie({}, Echo());
  ASSERT_TRUE(server);
  RawConn conn(server->port());
  ASSERT_TRUE(conn.Send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /g HTTP/1.1\r\nHost: x\r\n\r\n"));
  RawResponse head = conn.Read(/*head=*/true);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers["content-length"], "7");  // "HEAD /h"
  RawResponse get = conn.Read();                   // would be garbled had HEAD sent a body
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, "GET /g");
}

TEST(ServerTest, OversizedRequestGets413) {
  ServerOptions options;
  options.max_request_bytes = 1024;
  std::unique_ptr<Server> server = StartOrDie(options, Echo());
  ASSERT_TRUE(server);
  StatusOr<ClientResponse> body =
      HttpRequest("POST", Url(*server), {}, std::string(100000, 'b'), kTimeout);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(body->status, 413);
  StatusOr<ClientResponse> header =
      HttpGet(Url(*server), {{"X-Big", std::string(2000, 'h')}}, kTimeout);
  ASSERT_TRUE(header.ok()) << header.status().ToString();
  EXPECT_EQ(header->status, 413);
  StatusOr<ClientResponse> fine = HttpRequest("POST", Url(*server), {}, "small", kTimeout);
  ASSERT_TRUE(fine.ok()) << fine.status().ToString();
  EXPECT_EQ(fine->status, 200);
}

TEST(ServerTest, GarbageGets400AndClose) {
  std::unique_ptr<Server> server = StartOrDie({}, Echo());
  ASSERT_TRUE(server);
  RawConn conn(server->port());
  ASSERT_TRUE(conn.Send("THIS IS NOT HTTP\r\n\r\n"));
  RawResponse response = conn.Read();
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body, "Bad Request\n");
  EXPECT_TRUE(conn.ClosedByPeer());
}

TEST(ServerTest, OtherMethodsGet405) {
  std::unique_ptr<Server> server = StartOrDie({}, Echo());
  ASSERT_TRUE(server);
  StatusOr<ClientResponse> response = HttpRequest("DELETE", Url(*server), {}, "", kTimeout);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 405);
  EXPECT_EQ(response->headers["allow"], "GET, HEAD, POST");
}

TEST(ServerTest, HandlerExceptionGets500) {
  std::unique_ptr<Server> server =
      StartOrDie({}, [](const Request&) -> Response { throw std::runtime_error("kaput"); });
  ASSERT_TRUE(server);
  StatusOr<ClientResponse> response = HttpGet(Url(*server), {}, kTimeout);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 500);
  EXPECT_EQ(response->body, "Internal Server Error\n");
}

TEST(ServerTest, ConnectionsPastTheLimitGet503) {
  ServerOptions options;
  options.max_connections = 1;
  std::unique_ptr<Server> server = StartOrDie(options, Echo());
  ASSERT_TRUE(server);
  RawConn holder(server->port());
  ASSERT_TRUE(holder.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_EQ(holder.Read().status, 200);  // accepted and counted; kept open
  StatusOr<ClientResponse> rejected = HttpGet(Url(*server), {}, kTimeout);
  ASSERT_TRUE(rejected.ok()) << rejected.status().ToString();
  EXPECT_EQ(rejected->status, 503);
  ASSERT_TRUE(holder.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(holder.Read().status, 200);
}

TEST(ServerTest, ReadTimeoutAnswers408ToAHalfRequestAndCloses) {
  ServerOptions options;
  options.read_timeout = milliseconds(300);
  std::unique_ptr<Server> server = StartOrDie(options, Echo());
  ASSERT_TRUE(server);
  RawConn half(server->port());
  ASSERT_TRUE(half.Send("GET / HTTP/1.1\r\nHost: x\r\n"));
  auto start = std::chrono::steady_clock::now();
  RawResponse response = half.Read();
  EXPECT_EQ(response.status, 408);
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(250));
  EXPECT_TRUE(half.ClosedByPeer());

  RawConn silent(server->port());
  EXPECT_TRUE(silent.ClosedByPeer());  // nothing sent: closed without an answer
}

TEST(ServerTest, IdleKeepAliveConnectionIsClosed) {
  ServerOptions options;
  options.idle_timeout = milliseconds(200);
  std::unique_ptr<Server> server = StartOrDie(options, Echo());
  ASSERT_TRUE(server);
  RawConn conn(server->port());
  ASSERT_TRUE(conn.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_EQ(conn.Read().status, 200);
  EXPECT_TRUE(conn.ClosedByPeer());
}

TEST(ServerTest, BindErrorNamesTheAddress) {
  std::unique_ptr<Server> first = StartOrDie({}, Echo());
  ASSERT_TRUE(first);
  ServerOptions options;
  options.listen_address = "127.0.0.1:" + std::to_string(first->port());
  StatusOr<std::unique_ptr<Server>> second = Server::Start(options, Echo());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(second.status().message(),
            "listen on " + options.listen_address + ": Address already in use");
  options.listen_address = "nonsense";
  EXPECT_EQ(Server::Start(options, Echo()).status().code(), StatusCode::kInvalidArgument);
}

TEST(ServerTest, ListensOnAllAddressesWithColonPort) {
  ServerOptions options;
  options.listen_address = ":0";
  std::unique_ptr<Server> server = StartOrDie(options, Echo());
  ASSERT_TRUE(server);
  StatusOr<ClientResponse> v4 = HttpGet(Url(*server), {}, kTimeout);
  ASSERT_TRUE(v4.ok()) << v4.status().ToString();
  EXPECT_EQ(v4->status, 200);
}

TEST(ServerTest, ShutdownLetsASlowRequestFinish) {
  std::atomic<bool> started{false};
  std::unique_ptr<Server> server = StartOrDie({}, [&](const Request&) {
    started = true;
    std::this_thread::sleep_for(milliseconds(500));
    return Response::Text(200, "done");
  });
  ASSERT_TRUE(server);
  RawConn idle(server->port());  // idle keep-alive connections are closed at once
  auto slow = std::async(std::launch::async, [&] { return HttpGet(Url(*server), {}, kTimeout); });
  while (!started) std::this_thread::sleep_for(milliseconds(5));
  auto start = std::chrono::steady_clock::now();
  server->Shutdown();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(3000));
  StatusOr<ClientResponse> response = slow.get();
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "done");
  EXPECT_TRUE(idle.ClosedByPeer());
  RawConn after(server->port());
  EXPECT_FALSE(after.connected());
  server->Shutdown();  // idempotent
}

TEST(ServerTest, BasicAuthFromWebConfigAndReload) {
  TempDir dir;
  // bcrypt (cost 4) of "pw", made with crypt_r.
  const std::string users =
      "basic_auth_users:\n  u: $2b$04$abcdefghijklmnopqrstuuyvPXIbu7xe6/CED2DzX8z6Si09MlzlW\n";
  ServerOptions options;
  options.web_config_file = dir.Write("web.yml", "");
  std::unique_ptr<Server> server = StartOrDie(options, Echo());
  ASSERT_TRUE(server);
  EXPECT_EQ(HttpGet(Url(*server), {}, kTimeout)->status, 200);

  dir.Write("web.yml", users);
  ASSERT_TRUE(server->ReloadWebConfig().ok());
  StatusOr<ClientResponse> denied = HttpGet(Url(*server), {}, kTimeout);
  ASSERT_TRUE(denied.ok()) << denied.status().ToString();
  EXPECT_EQ(denied->status, 401);
  EXPECT_EQ(denied->headers["www-authenticate"], "Basic");
  EXPECT_EQ(HttpGet(Url(*server), {{"Authorization", "Basic dTp3cm9uZw=="}}, kTimeout)->status,
            401);  // u:wrong
  StatusOr<ClientResponse> allowed =
      HttpGet(Url(*server), {{"Authorization", "Basic dTpwdw=="}}, kTimeout);  // u:pw
  ASSERT_TRUE(allowed.ok()) << allowed.status().ToString();
  EXPECT_EQ(allowed->status, 200);

  dir.Write("web.yml", "basic_auth_users: oops\n");
  Status bad = server->ReloadWebConfig();
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(HttpGet(Url(*server), {}, kTimeout)->status, 401);  // old config kept
}

}  // namespace
}  // namespace gw::http
