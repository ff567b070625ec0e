#include "http/exchange.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "http/gzip.h"

namespace gw::http {
namespace {

std::string HeaderOf(const WireResponse& response, std::string_view name) {
  for (const auto& [n, v] : response.headers) {
    if (n == name) return v;
  }
  return "<absent>";
}

Request Get(const std::string& accept_encoding = "") {
  Request request;
  request.method = "GET";
  request.target = request.path = "/metrics";
  if (!accept_encoding.empty()) request.headers["accept-encoding"] = accept_encoding;
  return request;
}

Handler Serve(const std::string& body) {
  return [body](const Request&) { return Response::Text(200, body); };
}

TEST(ExchangeTest, PassesTheRequestAndTheResponseThrough) {
  Request request = Get();
  request.method = "POST";
  request.body = "payload";
  Handler handler = [](const Request& r) {
    Response response = Response::Text(201, r.method + " " + r.path + " " + r.body);
    response.content_type = "application/json";
    response.headers.emplace_back("X-Custom", "1");
    return response;
  };
  WireResponse out = Exchange(request, handler, WebConfig(), {});
  EXPECT_EQ(out.status, 201);
  EXPECT_EQ(*out.body, "POST /metrics payload");
  EXPECT_EQ(HeaderOf(out, "Content-Type"), "application/json");
  EXPECT_EQ(HeaderOf(out, "X-Custom"), "1");
  EXPECT_EQ(HeaderOf(out, "Content-Encoding"), "<absent>");
  EXPECT_FALSE(out.close);
  EXPECT_FALSE(out.omit_body);
}

TEST(ExchangeTest, OtherMethodsGet405) {
  Request request = Get();
  request.method = "DELETE";
  bool called = false;
  WireResponse out = Exchange(request,
                              [&](const Request&) {
                                called = true;
                                return Response();
                              },
                              WebConfig(), {});
  EXPECT_EQ(out.status, 405);
  EXPECT_EQ(HeaderOf(out, "Allow"), "GET, HEAD, POST");
  EXPECT_FALSE(called);
}

TEST(ExchangeTest, HandlerExceptionsBecome500) {
  WireResponse out = Exchange(
      Get(), [](const Request&) -> Response { throw std::runtime_error("boom"); }, WebConfig(), {});
  EXPECT_EQ(out.status, 500);
  EXPECT_EQ(*out.body, "Internal Server Error\n");
  out = Exchange(Get(), [](const Request&) -> Response { throw 42; }, WebConfig(), {});
  EXPECT_EQ(out.status, 500);
  out = Exchange(Get(), [](const Request&) { return Response::Text(1000, "?"); }, WebConfig(), {});
  EXPECT_EQ(out.status, 500);
}

TEST(ExchangeTest, GzipsLargeBodiesForClientsThatAcceptIt) {
  std::string big(5000, 'm');
  WireResponse out = Exchange(Get("gzip"), Serve(big), WebConfig(), {.gzip_min_bytes = 1024});
  EXPECT_EQ(HeaderOf(out, "Content-Encoding"), "gzip");
  EXPECT_EQ(HeaderOf(out, "Vary"), "Accept-Encoding");
  EXPECT_EQ(*GzipDecompress(*out.body, 10000), big);

  out = Exchange(Get("gzip;q=0"), Serve(big), WebConfig(), {.gzip_min_bytes = 1024});
  EXPECT_EQ(HeaderOf(out, "Content-Encoding"), "<absent>");
  EXPECT_EQ(HeaderOf(out, "Vary"), "Accept-Encoding");
  EXPECT_EQ(*out.body, big);

  out = Exchange(Get("gzip"), Serve("small"), WebConfig(), {.gzip_min_bytes = 1024});
  EXPECT_EQ(HeaderOf(out, "Content-Encoding"), "<absent>");
  EXPECT_EQ(*out.body, "small");
}

TEST(ExchangeTest, PreGzippedBodiesPassOrAreDecompressed) {
  std::string page(3000, 'p');
  Handler handler = [&](const Request&) {
    Response response;
    response.body = std::make_shared<const std::string>(GzipCompress(page));
    response.content_encoding = "gzip";
    return response;
  };
  WireResponse out = Exchange(Get("gzip"), handler, WebConfig(), {});
  EXPECT_EQ(HeaderOf(out, "Content-Encoding"), "gzip");
  EXPECT_EQ(*GzipDecompress(*out.body, 10000), page);

  out = Exchange(Get("identity"), handler, WebConfig(), {});
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(HeaderOf(out, "Content-Encoding"), "<absent>");
  EXPECT_EQ(*out.body, page);

  out = Exchange(Get(), handler, WebConfig(), {.max_decompressed_bytes = 100});
  EXPECT_EQ(out.status, 500);
}

TEST(ExchangeTest, HeadKeepsHeadersAndDropsTheBody) {
  Request request = Get();
  request.method = "HEAD";
  WireResponse out = Exchange(request, Serve("twelve bytes"), WebConfig(), {});
  EXPECT_EQ(out.status, 200);
  EXPECT_TRUE(out.omit_body);
  EXPECT_EQ(out.body->size(), 12u);
}

TEST(ExchangeTest, BasicAuthAndConfiguredHeaders) {
  // "$2b$04$" hash of "pw" made with crypt_r; checked in web_config_test.
  StatusOr<WebConfig> config = ParseWebConfig(
      "http_server_config:\n  headers:\n    X-Frame-Options: deny\n"
      "basic_auth_users:\n  u: $2b$04$abcdefghijklmnopqrstuuyvPXIbu7xe6/CED2DzX8z6Si09MlzlW\n",
      "w");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  WireResponse out = Exchange(Get(), Serve("secret"), *config, {});
  EXPECT_EQ(out.status, 401);
  EXPECT_EQ(HeaderOf(out, "WWW-Authenticate"), "Basic");
  EXPECT_EQ(HeaderOf(out, "X-Frame-Options"), "deny");
  EXPECT_EQ(*out.body, "Unauthorized\n");

  WireResponse error = ServerError(413, "too big\n", *config);
  EXPECT_EQ(error.status, 413);
  EXPECT_TRUE(error.close);
  EXPECT_EQ(HeaderOf(error, "X-Frame-Options"), "deny");
}

}  // namespace
}  // namespace gw::http
