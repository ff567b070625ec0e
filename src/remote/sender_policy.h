// What the remote_write sender does with the answer to one POST: done, retry later, or give
// up. Pure functions, so the rules of the remote_write spec are tested without a network.
// Thread-safety: the functions are pure.
#ifndef GW_REMOTE_SENDER_POLICY_H_
#define GW_REMOTE_SENDER_POLICY_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "http/client.h"

namespace gw::remote {

enum class SendOutcome {
  kSent,   // 2xx
  kRetry,  // 5xx, 429, or no answer (connection refused or reset, timeout)
  kDrop,   // any other answer (4xx, 1xx, 3xx) or an error that will not go away
};

struct AttemptVerdict {
  SendOutcome outcome = SendOutcome::kDrop;
  // The receiver's Retry-After, when it sent a usable one with a 429 or 5xx.
  std::optional<std::chrono::milliseconds> retry_after;
  // The `code` label of gw_remote_storage_requests_total: "204", "500", or "error".
  std::string code;
  // For the log: "HTTP 400: <first line of the body>" or the transport error.
  std::string detail;
};

// Classifies the result of HttpRequest. `now_ms` (wall clock) resolves an HTTP-date
// Retry-After.
AttemptVerdict ClassifyAttempt(const StatusOr<http::ClientResponse>& result, int64_t now_ms);

// Parses a Retry-After value: delay-seconds ("120") or an HTTP-date ("Wed, 21 Oct 2015
// 07:28:00 GMT", RFC 9110). A date in the past is a zero delay. nullopt when unparsable.
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value, int64_t now_ms);

// The wait before the next attempt: the Retry-After when given, else `backoff`; both are
// capped at `max_backoff`, so a receiver cannot stall a shard for longer than the operator
// allowed.
std::chrono::milliseconds RetryDelay(const AttemptVerdict& verdict,
                                     std::chrono::milliseconds backoff,
                                     std::chrono::milliseconds max_backoff);

}  // namespace gw::remote

#endif  // GW_REMOTE_SENDER_POLICY_H_
