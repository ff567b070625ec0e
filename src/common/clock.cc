#include "common/clock.h"

#include <chrono>

namespace gw {

int64_t SystemClock::NowMs() const {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  return duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int64_t SystemClock::MonotonicNs() const {
  using std::chrono::duration_cast;
  using std::chrono::nanoseconds;
  return duration_cast<nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

const Clock& SystemClock::Get() {
  static const SystemClock kClock;
  return kClock;
}

}  // namespace gw
