#include "http/exchange.h"

#include <exception>

#include "common/logging.h"
#include "http/gzip.h"

namespace gw::http {
namespace {

std::shared_ptr<const std::string> EmptyBody() {
  static const auto* const kEmpty =
      new std::shared_ptr<const std::string>(std::make_shared<const std::string>());
  return *kEmpty;
}

WireResponse Start(int status, const WebConfig& config) {
  WireResponse out;
  out.status = status;
  out.body = EmptyBody();
  for (const auto& [name, value] : config.http.headers) out.headers.emplace_back(name, value);
  return out;
}

Response Guarded(const Request& request, const Handler& handler) {
  try {
    return handler(request);
  } catch (const std::exception& e) {
    GW_LOG_ERROR("http: handler for {} {} threw: {}", request.method, request.target, e.what());
  } catch (...) {
    GW_LOG_ERROR("http: handler for {} {} threw a non-standard exception", request.method,
                 request.target);
  }
  return Response::Text(500, "Internal Server Error\n");
}

// Puts response's body into out, compressing or decompressing as the client allows. Returns
// false when a pre-gzipped body cannot be decompressed (a bug in the handler).
bool Encode(const Request& request, Response& response, const ExchangeOptions& options,
            WireResponse& out) {
  std::shared_ptr<const std::string> body = response.body ? response.body : EmptyBody();
  bool accepts = AcceptsGzip(request.Header("accept-encoding"));
  if (response.content_encoding == "gzip") {
    out.headers.emplace_back("Vary", "Accept-Encoding");
    if (!accepts) {
      StatusOr<std::string> plain = GzipDecompress(*body, options.max_decompressed_bytes);
      if (!plain.ok()) {
        GW_LOG_ERROR("http: pre-gzipped body for {}: {}", request.target,
                     plain.status().ToString());
        return false;
      }
      out.body = std::make_shared<const std::string>(std::move(plain).value());
      return true;
    }
    out.headers.emplace_back("Content-Encoding", "gzip");
  } else if (response.content_encoding.empty() && body->size() >= options.gzip_min_bytes) {
    out.headers.emplace_back("Vary", "Accept-Encoding");
    if (accepts) {
      out.headers.emplace_back("Content-Encoding", "gzip");
      body = std::make_shared<const std::string>(GzipCompress(*body));
    }
  } else if (!response.content_encoding.empty()) {
    out.headers.emplace_back("Content-Encoding", response.content_encoding);
  }
  out.body = std::move(body);
  return true;
}

// An event stream is never compressed: gzip would hold events back until a block filled.
void StartStream(Response& response, WireResponse& out) {
  out.headers.emplace_back("Content-Type", "text/event-stream");
  out.headers.emplace_back("Cache-Control", "no-cache");
  out.headers.emplace_back("X-Accel-Buffering", "no");  // nginx: pass events on at once
  out.stream = std::move(response.stream);
}

WireResponse Answer(const Request& request, const Handler& handler, const WebConfig& config,
                    const ExchangeOptions& options) {
  if (!CheckBasicAuth(config, request.Header("authorization"))) {
    WireResponse out = ServerError(401, "Unauthorized\n", config);
    out.headers.emplace_back("WWW-Authenticate", "Basic");
    out.close = false;
    return out;
  }
  if (request.method != "GET" && request.method != "HEAD" && request.method != "POST") {
    WireResponse out = ServerError(405, "Method Not Allowed\n", config);
    out.headers.emplace_back("Allow", "GET, HEAD, POST");
    out.close = false;
    return out;
  }
  Response response = Guarded(request, handler);
  if (response.status < 100 || response.status > 999) {
    GW_LOG_ERROR("http: handler for {} answered status {}", request.target, response.status);
    if (response.stream) response.stream->Finish();
    response = Response::Text(500, "Internal Server Error\n");
  }
  WireResponse out = Start(response.status, config);
  if (response.stream) {
    StartStream(response, out);
  } else {
    out.headers.emplace_back("Content-Type", response.content_type);
    if (!Encode(request, response, options, out)) {
      out = ServerError(500, "Internal Server Error\n", config);
      out.close = false;
    }
  }
  for (auto& header : response.headers) out.headers.push_back(std::move(header));
  return out;
}

}  // namespace

WireResponse Exchange(const Request& request, const Handler& handler, const WebConfig& config,
                      const ExchangeOptions& options) {
  WireResponse out = Answer(request, handler, config, options);
  out.omit_body = request.method == "HEAD";
  return out;
}

WireResponse ServerError(int status, std::string_view text, const WebConfig& config) {
  WireResponse out = Start(status, config);
  out.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  out.body = std::make_shared<const std::string>(text);
  out.close = true;
  return out;
}

}  // namespace gw::http
