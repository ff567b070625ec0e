// Test helper: a gMock matcher for Status and StatusOr, so tests check the specific error.
//   EXPECT_THAT(result, StatusIs(StatusCode::kCorruption, HasSubstr("bad CRC")));
#ifndef GW_COMMON_STATUS_MATCHERS_H_
#define GW_COMMON_STATUS_MATCHERS_H_

#include <gmock/gmock.h>

#include <string>

#include "common/status.h"

namespace gw::testing {

inline Status GetStatus(const Status& s) { return s; }
template <typename T>
Status GetStatus(const StatusOr<T>& s) {
  return s.status();
}

MATCHER_P2(StatusIs, code, message_matcher,
           "status " + std::string(StatusCodeName(code)) + " with a matching message") {
  const Status s = GetStatus(arg);
  *result_listener << "which is " << s.ToString();
  return s.code() == code &&
         ::testing::ExplainMatchResult(message_matcher, s.message(), result_listener);
}

}  // namespace gw::testing

#endif  // GW_COMMON_STATUS_MATCHERS_H_
