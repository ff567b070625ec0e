#include "remote/sender_policy.h"

#include <gtest/gtest.h>

namespace gw::remote {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Wed, 21 Oct 2015 07:28:00 GMT
constexpr int64_t kDateMs = 1445412480000;

TEST(ParseRetryAfterTest, DelaySeconds) {
  EXPECT_EQ(ParseRetryAfter("120", 0), milliseconds(120'000));
  EXPECT_EQ(ParseRetryAfter(" 0 ", 0), milliseconds(0));
  EXPECT_EQ(ParseRetryAfter("99999999999999999999999", 0).value() > seconds(1'000'000), true);
}

TEST(ParseRetryAfterTest, HttpDateRelativeToNow) {
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", kDateMs - 3'500), milliseconds(3'500));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", kDateMs + 10'000), milliseconds(0))
      << "a date in the past means now";
}

TEST(ParseRetryAfterTest, GarbageIsNullopt) {
  EXPECT_EQ(ParseRetryAfter("", 0), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("-5", 0), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("1.5", 0), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("soon", 0), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT trailing", 0), std::nullopt);
}

http::ClientResponse Answer(int status, std::map<std::string, std::string> headers = {},
                            std::string body = "") {
  return http::ClientResponse{status, std::move(headers), std::move(body)};
}

TEST(ClassifyAttemptTest, SuccessIsAny2xx) {
  EXPECT_EQ(ClassifyAttempt(Answer(204), 0).outcome, SendOutcome::kSent);
  EXPECT_EQ(ClassifyAttempt(Answer(200), 0).outcome, SendOutcome::kSent);
  EXPECT_EQ(ClassifyAttempt(Answer(204), 0).code, "204");
}

TEST(ClassifyAttemptTest, RetriesServerErrorsAnd429) {
  for (int status : {500, 502, 503, 504, 429}) {
    EXPECT_EQ(ClassifyAttempt(Answer(status), 0).outcome, SendOutcome::kRetry) << status;
  }
}

TEST(ClassifyAttemptTest, NeverRetriesOther4xx) {
  for (int status : {400, 401, 403, 404, 409, 413, 415}) {
    EXPECT_EQ(ClassifyAttempt(Answer(status), 0).outcome, SendOutcome::kDrop) << status;
  }
  EXPECT_EQ(ClassifyAttempt(Answer(302), 0).outcome, SendOutcome::kDrop);
}

TEST(ClassifyAttemptTest, DetailQuotesTheFirstLineOfTheBody) {
  const AttemptVerdict v = ClassifyAttempt(Answer(400, {}, "out of order sample\nmore"), 0);
  EXPECT_EQ(v.detail, "HTTP 400: out of order sample");
}

TEST(ClassifyAttemptTest, RetryAfterOnlyWith429And5xx) {
  EXPECT_EQ(ClassifyAttempt(Answer(429, {{"retry-after", "7"}}), 0).retry_after, seconds(7));
  EXPECT_EQ(ClassifyAttempt(Answer(503, {{"retry-after", "2"}}), 0).retry_after, seconds(2));
  EXPECT_EQ(ClassifyAttempt(Answer(429), 0).retry_after, std::nullopt);
}

TEST(ClassifyAttemptTest, TransportErrors) {
  const AttemptVerdict refused = ClassifyAttempt(UnavailableError("connect: refused"), 0);
  EXPECT_EQ(refused.outcome, SendOutcome::kRetry);
  EXPECT_EQ(refused.code, "error");
  EXPECT_EQ(ClassifyAttempt(DeadlineExceededError("timeout"), 0).outcome, SendOutcome::kRetry);
  EXPECT_EQ(ClassifyAttempt(InvalidArgumentError("bad CA file"), 0).outcome, SendOutcome::kDrop);
}

TEST(RetryDelayTest, RetryAfterWinsButIsCappedAtMaxBackoff) {
  AttemptVerdict v;
  EXPECT_EQ(RetryDelay(v, milliseconds(40), seconds(5)), milliseconds(40));
  v.retry_after = seconds(2);
  EXPECT_EQ(RetryDelay(v, milliseconds(40), seconds(5)), seconds(2));
  v.retry_after = seconds(3600);
  EXPECT_EQ(RetryDelay(v, milliseconds(40), seconds(5)), seconds(5));
}

}  // namespace
}  // namespace gw::remote
