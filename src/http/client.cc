// HttpRequest is a one-shot HttpConnection (connection.cc holds the I/O).
#include "http/client.h"

#include "http/connection.h"

namespace gw::http {

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
  return HttpConnection(options, ConnectionMode::kClose)
      .Request(method, url, headers, body, timeout);
}

StatusOr<ClientResponse> HttpGet(std::string_view url,
                                 const std::map<std::string, std::string>& headers,
                                 std::chrono::milliseconds timeout, const ClientOptions& options) {
  return HttpRequest("GET", url, headers, "", timeout, options);
}

}  // namespace gw::http
