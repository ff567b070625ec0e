// Test helpers for the tsdb tests: the shared StatusIs matcher.
#ifndef GW_TSDB_TEST_UTIL_H_
#define GW_TSDB_TEST_UTIL_H_

#include "common/status_matchers.h"

namespace gw::tsdb::testing {

using ::gw::testing::StatusIs;

}  // namespace gw::tsdb::testing

#endif  // GW_TSDB_TEST_UTIL_H_
