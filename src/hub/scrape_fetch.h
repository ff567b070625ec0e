// One HTTP GET of a metrics page, as Prometheus sends it: its Accept header, gzip, the scrape
// timeout header, basic auth, and a limit on the (decompressed) body.
#ifndef GW_HUB_SCRAPE_FETCH_H_
#define GW_HUB_SCRAPE_FETCH_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "http/connection.h"
#include "hub/hub_config.h"

namespace gw::hub {

// Prometheus' default scrape Accept header, less the formats the hub does not read
// (protobuf, text 1.0.0 with UTF-8 names).
inline constexpr std::string_view kScrapeAcceptHeader =
    "application/openmetrics-text;version=1.0.0;q=0.5,"
    "application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

struct FetchOptions {
  int64_t timeout_ms = 10'000;
  uint64_t body_size_limit_bytes = 0;  // 0: no limit (the client's own 64 MiB cap still holds)
  std::optional<BasicAuth> basic_auth;
};

struct FetchedPage {
  std::string body;  // decompressed
  std::string content_type;
};

// Why a scrape failed, for the failures counter; stable strings (label values).
inline constexpr std::string_view kFailTimeout = "timeout";
inline constexpr std::string_view kFailConnection = "connection";
inline constexpr std::string_view kFailHttpStatus = "http_status";
inline constexpr std::string_view kFailBodySize = "body_size_limit";
inline constexpr std::string_view kFailAuth = "auth_config";
inline constexpr std::string_view kFailParse = "parse";
inline constexpr std::string_view kFailSampleLimit = "sample_limit";
inline constexpr std::string_view kFailLabelLimit = "label_limit";
inline constexpr std::string_view kFailStorage = "storage";

struct FetchError {
  Status status;
  std::string_view reason;  // one of kFail*
};

// GETs url. Errors (with their reason): kDeadlineExceeded (timeout), kUnavailable
// (connection), kFailedPrecondition "HTTP 503" for a non-2xx answer (http_status),
// kResourceExhausted past the body limit (body_size_limit), kNotFound / kIoError for an
// unreadable password_file (auth_config), kInvalidArgument for bad gzip (parse).
// Thread-safe: each call opens its own connection and closes it.
StatusOr<FetchedPage> FetchPage(const std::string& url, const FetchOptions& options,
                                FetchError* error);

// The same over `connection`, which stays open for the next fetch when the target allows it
// (one per scrape loop, as Prometheus keeps one per target). A connection the target closed
// meanwhile is replaced without failing the fetch. Errors and reasons as above.
// REQUIRES: calls with the same connection do not overlap.
StatusOr<FetchedPage> FetchPage(const std::string& url, const FetchOptions& options,
                                http::HttpConnection* connection, FetchError* error);

}  // namespace gw::hub

#endif  // GW_HUB_SCRAPE_FETCH_H_
