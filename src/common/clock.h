// Time sources behind an interface so tests can drive time by hand.
#ifndef GW_COMMON_CLOCK_H_
#define GW_COMMON_CLOCK_H_

#include <atomic>
#include <cstdint>

namespace gw {

// Thread-safe: implementations may be called from any thread.
class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock milliseconds since the Unix epoch (for sample timestamps).
  virtual int64_t NowMs() const = 0;
  // Monotonic nanoseconds from an arbitrary origin (for durations).
  virtual int64_t MonotonicNs() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override;
  int64_t MonotonicNs() const override;
  // A process-wide instance; it holds no state.
  static const Clock& Get();
};

// A clock that moves only when told.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t now_ms = 1'700'000'000'000) : now_ms_(now_ms) {}
  int64_t NowMs() const override { return now_ms_.load(); }
  int64_t MonotonicNs() const override { return now_ms_.load() * 1'000'000; }
  void AdvanceMs(int64_t ms) { now_ms_ += ms; }
  void SetMs(int64_t ms) { now_ms_ = ms; }

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace gw

#endif  // GW_COMMON_CLOCK_H_
