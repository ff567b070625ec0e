// GET /api/v1/stream: the dashboard's live updates, as Server-Sent Events. The stream says
// *when* to refetch, not what changed: the dashboard keeps asking /api/v1/* for data, so it
// works the same whether queries are answered by the hub's store or an external engine.
//
//   event: samples   data: {"t":1700000000.123}   new samples were stored; t is the newest
//   event: alerts    data: {"firing":3}           the number of firing alerts changed
//
// One thread reads a few cheap numbers (LiveSignal) every interval, only while someone
// listens, and fans the events out to every open stream. docs/api.md has the protocol.
#ifndef GW_HUB_LIVE_FEED_H_
#define GW_HUB_LIVE_FEED_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/periodic.h"
#include "http/event_stream.h"
#include "http/http_types.h"

namespace gw::hub {

// What the feed watches. samples_appended only grows while the process lives.
struct LiveSignal {
  uint64_t samples_appended = 0;
  int64_t newest_sample_ms = 0;
  size_t firing_alerts = 0;
};

struct LiveFeedOptions {
  // How often the signal is read: at most one `samples` event per interval.
  std::chrono::milliseconds interval{1000};
  // EventSource's reconnection delay, sent first on every stream ("retry:").
  std::chrono::milliseconds client_retry{5000};
  // A client this far behind is dropped (see http::EventStream).
  size_t max_queued_bytes = size_t{64} * 1024;
};

// Thread-safety: every method may be called from any thread.
class LiveFeed {
 public:
  using SignalFn = std::function<LiveSignal()>;

  // `signal` is called from the feed's thread (or Poll's caller) and must be cheap.
  explicit LiveFeed(SignalFn signal, LiveFeedOptions options = {});
  ~LiveFeed();
  LiveFeed(const LiveFeed&) = delete;
  LiveFeed& operator=(const LiveFeed&) = delete;

  // Starts the thread that calls Poll every interval.
  void Start();
  // Stops the thread and closes every stream. Idempotent.
  void Stop();

  // Answers GET or HEAD /api/v1/stream with a new stream; 405 to other methods.
  http::Response Handle(const http::Request& request);
  // A new stream, registered for the events from the next Poll on.
  std::shared_ptr<http::EventStream> Subscribe();
  // One round: drops closed streams; with any left, reads the signal and sends what changed
  // since the last round that had listeners. Returns the number of open streams.
  size_t Poll();

 private:
  std::vector<std::string> EventsSince(const LiveSignal& now);

  const SignalFn signal_;
  const LiveFeedOptions options_;
  std::mutex mu_;
  std::vector<std::shared_ptr<http::EventStream>> streams_;  // GUARDED_BY(mu_)
  std::optional<LiveSignal> last_;  // only touched by Poll, which one thread runs at a time
  std::mutex poll_mu_;              // makes Poll from tests and the thread take turns
  PeriodicThread thread_;
};

// The `data` of a samples event: {"t":<unix seconds with milliseconds>}.
std::string SamplesEventData(int64_t newest_sample_ms);

}  // namespace gw::hub

#endif  // GW_HUB_LIVE_FEED_H_
