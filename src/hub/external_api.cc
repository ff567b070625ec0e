#include "hub/external_api.h"

#include <map>
#include <memory>

#include "http/client.h"
#include "hub/api.h"

namespace gw::hub {

bool ExternalQueryApi::Forwards(const std::string& path) {
  return path == "/api/v1/query" || path == "/api/v1/query_range" ||
         path == "/api/v1/series" || path == "/api/v1/labels" ||
         (path.starts_with("/api/v1/label/") && path.ends_with("/values")) ||
         path == "/api/v1/metadata" || path == "/api/v1/query_exemplars";
}

std::optional<http::Response> ExternalQueryApi::Handle(const http::Request& request) const {
  if (!Forwards(request.path)) return std::nullopt;
  std::map<std::string, std::string> headers;
  if (const std::string type = request.Header("content-type"); !type.empty()) {
    headers["Content-Type"] = type;
  }
  headers["Accept"] = "application/json";
  StatusOr<http::ClientResponse> r =
      http::HttpRequest(request.method, base_url_ + request.target, headers, request.body,
                        timeout_);
  if (!r.ok()) {
    return ApiErrorResponse(UnavailableError("external query engine " + base_url_ + ": " +
                                             r.status().message()));
  }
  http::Response out;
  out.status = r->status;
  auto type = r->headers.find("content-type");
  out.content_type = type != r->headers.end() ? type->second : "application/json";
  // No Accept-Encoding was sent, so only a server ignoring that compresses; pass gzip on as
  // such (the server decompresses it for clients that do not take gzip).
  if (auto enc = r->headers.find("content-encoding"); enc != r->headers.end() && enc->second == "gzip") {
    out.content_encoding = "gzip";
  }
  out.body = std::make_shared<const std::string>(std::move(r->body));
  return out;
}

}  // namespace gw::hub
