#include "remote/sender_policy.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>

namespace gw::remote {
namespace {

std::string FirstLine(std::string_view body) {
  body = body.substr(0, body.find('\n'));
  constexpr size_t kMaxDetail = 200;
  return std::string(body.substr(0, kMaxDetail));
}

}  // namespace

std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value, int64_t now_ms) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); })) {
    int64_t seconds = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    // A number too large to hold is "a very long time"; RetryDelay caps it anyway.
    if (ec == std::errc::result_out_of_range)
      seconds = int64_t{1} << 40;
    else if (ec != std::errc())
      return std::nullopt;
    return std::chrono::seconds(seconds);
  }
  std::tm tm{};
  const std::string text(value);
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  const int64_t date_ms = int64_t{timegm(&tm)} * 1000;
  return std::chrono::milliseconds(std::max<int64_t>(0, date_ms - now_ms));
}

AttemptVerdict ClassifyAttempt(const StatusOr<http::ClientResponse>& result, int64_t now_ms) {
  AttemptVerdict verdict;
  if (!result.ok()) {
    const StatusCode code = result.status().code();
    const bool transient =
        code == StatusCode::kUnavailable || code == StatusCode::kDeadlineExceeded;
    verdict.outcome = transient ? SendOutcome::kRetry : SendOutcome::kDrop;
    verdict.code = "error";
    verdict.detail = result.status().ToString();
    return verdict;
  }
  const int status = result->status;
  verdict.code = std::to_string(status);
  verdict.detail = "HTTP " + verdict.code;
  if (!result->body.empty()) verdict.detail += ": " + FirstLine(result->body);
  if (status >= 200 && status < 300) {
    verdict.outcome = SendOutcome::kSent;
  } else if (status == 429 || (status >= 500 && status < 600)) {
    verdict.outcome = SendOutcome::kRetry;
    auto header = result->headers.find("retry-after");
    if (header != result->headers.end()) {
      verdict.retry_after = ParseRetryAfter(header->second, now_ms);
    }
  } else {
    verdict.outcome = SendOutcome::kDrop;
  }
  return verdict;
}

std::chrono::milliseconds RetryDelay(const AttemptVerdict& verdict,
                                     std::chrono::milliseconds backoff,
                                     std::chrono::milliseconds max_backoff) {
  return std::min(verdict.retry_after.value_or(backoff), max_backoff);
}

}  // namespace gw::remote
