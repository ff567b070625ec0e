// Test helpers for the tsdb tests: a StatusIs matcher.
#ifndef GW_TSDB_TEST_UTIL_H_
#define GW_TSDB_TEST_UTIL_H_

#include <gmock/gmock.h>

#include <string>

#include "common/status.h"

namespace gw::tsdb::testing {

inline const Status& GetStatus(const Status& s) { return s; }
template <typename T>
Status GetStatus(const StatusOr<T>& s) {
  return s.status();
}

// EXPECT_THAT(status_or_statusor, StatusIs(StatusCode::kCorruption, HasSubstr("truncated")))
MATCHER_P2(StatusIs, code, message_matcher,
           "status " + std::string(StatusCodeName(code)) + " with a matching message") {
  const Status s = GetStatus(arg);
  *result_listener << "which is " << s.ToString();
  return s.code() == code &&
         ::testing::ExplainMatchResult(message_matcher, s.message(), result_listener);
}

}  // namespace gw::tsdb::testing

#endif  // GW_TSDB_TEST_UTIL_H_
