#include "hub/scrape_fetch.h"

#include <openssl/evp.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "hub/inflate.h"

namespace gw::hub {
namespace {

std::string Base64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// Read at every scrape, as Prometheus does, so a rotated password needs no reload. Trailing
// whitespace (the newline editors add) is not part of the password.
StatusOr<std::string> ReadPasswordFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("password_file " + path + ": cannot be opened");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return IoError("password_file " + path + ": read failed");
  std::string password = text.str();
  while (!password.empty() && std::isspace(static_cast<unsigned char>(password.back()))) {
    password.pop_back();
  }
  return password;
}

StatusOr<FetchedPage> Fail(Status status, std::string_view reason, FetchError* error) {
  error->status = status;
  error->reason = reason;
  return status;
}

std::string_view ReasonOf(const Status& status) {
  switch (status.code()) {
    case StatusCode::kDeadlineExceeded:
      return kFailTimeout;
    case StatusCode::kResourceExhausted:
      return kFailBodySize;
    default:
      return kFailConnection;
  }
}

}  // namespace

StatusOr<FetchedPage> FetchPage(const std::string& url, const FetchOptions& options,
                                FetchError* error) {
  http::HttpConnection once({}, http::ConnectionMode::kClose);
  return FetchPage(url, options, &once, error);
}

StatusOr<FetchedPage> FetchPage(const std::string& url, const FetchOptions& options,
                                http::HttpConnection* connection, FetchError* error) {
  char timeout_s[32];
  std::snprintf(timeout_s, sizeof timeout_s, "%g", static_cast<double>(options.timeout_ms) / 1e3);
  std::map<std::string, std::string> headers = {
      {"Accept", std::string(kScrapeAcceptHeader)},
      {"Accept-Encoding", "gzip"},
      {"User-Agent", "gpuwatchdog-hub"},
      {"X-Prometheus-Scrape-Timeout-Seconds", timeout_s}};
  if (options.basic_auth) {
    std::string password = options.basic_auth->password;
    if (!options.basic_auth->password_file.empty()) {
      auto from_file = ReadPasswordFile(options.basic_auth->password_file);
      if (!from_file.ok()) return Fail(from_file.status(), kFailAuth, error);
      password = std::move(*from_file);
    }
    headers["Authorization"] = "Basic " + Base64(options.basic_auth->username + ":" + password);
  }
  size_t max_bytes = http::ClientOptions().max_response_bytes;
  uint64_t limit = options.body_size_limit_bytes;
  if (limit != 0 && limit < max_bytes) max_bytes = limit;
  auto response = connection->Request("GET", url, headers, "",
                                      std::chrono::milliseconds(options.timeout_ms), max_bytes);
  if (!response.ok()) return Fail(response.status(), ReasonOf(response.status()), error);
  if (response->status < 200 || response->status > 299) {
    return Fail(FailedPreconditionError("HTTP " + std::to_string(response->status) + " from " + url),
                kFailHttpStatus, error);
  }
  FetchedPage page;
  page.content_type = response->headers["content-type"];
  if (response->headers["content-encoding"] == "gzip") {
    auto body = InflateGzip(response->body, max_bytes);
    if (!body.ok()) {
      return Fail(body.status().WithContext("gzip body from " + url),
                  body.status().code() == StatusCode::kResourceExhausted ? kFailBodySize
                                                                         : kFailParse,
                  error);
    }
    page.body = std::move(*body);
  } else {
    page.body = std::move(response->body);
  }
  return page;
}

}  // namespace gw::hub
