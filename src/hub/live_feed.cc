#include "hub/live_feed.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <utility>

namespace gw::hub {

std::string SamplesEventData(int64_t newest_sample_ms) {
  // Integer arithmetic, so a timestamp never prints as 1.7e+09 or loses its milliseconds.
  const char* sign = newest_sample_ms < 0 ? "-" : "";
  uint64_t ms = newest_sample_ms < 0 ? 0 - static_cast<uint64_t>(newest_sample_ms)
                                     : static_cast<uint64_t>(newest_sample_ms);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "{\"t\":%s%" PRIu64 ".%03" PRIu64 "}", sign, ms / 1000,
                ms % 1000);
  return buf;
}

LiveFeed::LiveFeed(SignalFn signal, LiveFeedOptions options)
    : signal_(std::move(signal)), options_(options) {}

LiveFeed::~LiveFeed() { Stop(); }

void LiveFeed::Start() {
  thread_.Start("gw-live", options_.interval, [this] { Poll(); });
}

void LiveFeed::Stop() {
  thread_.Stop();
  std::vector<std::shared_ptr<http::EventStream>> streams;
  {
    std::lock_guard<std::mutex> lock(mu_);
    streams.swap(streams_);
  }
  for (const auto& stream : streams) stream->Close();
}

http::Response LiveFeed::Handle(const http::Request& request) {
  if (request.method != "GET" && request.method != "HEAD") {
    http::Response r = http::Response::Text(405, "use GET for /api/v1/stream\n");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  http::Response response;
  response.stream = Subscribe();
  return response;
}

std::shared_ptr<http::EventStream> LiveFeed::Subscribe() {
  auto stream = std::make_shared<http::EventStream>(options_.max_queued_bytes);
  stream->Send("retry: " + std::to_string(options_.client_retry.count()) + "\n\n");
  std::lock_guard<std::mutex> lock(mu_);
  streams_.push_back(stream);
  return stream;
}

size_t LiveFeed::Poll() {
  std::lock_guard<std::mutex> poll_lock(poll_mu_);
  std::vector<std::shared_ptr<http::EventStream>> streams;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::erase_if(streams_, [](const auto& s) { return s->closed(); });
    streams = streams_;
  }
  if (streams.empty()) return 0;
  std::vector<std::string> events = EventsSince(signal_());
  for (const auto& stream : streams) {
    for (const std::string& event : events) {
      if (!stream->Send(event)) break;  // gone: dropped next round
    }
  }
  return streams.size();
}

// What changed since the last round with listeners. The first such round only takes a
// baseline: a new listener fetches everything when it connects anyway.
std::vector<std::string> LiveFeed::EventsSince(const LiveSignal& now) {
  std::vector<std::string> events;
  if (last_.has_value()) {
    if (now.samples_appended != last_->samples_appended ||
        now.newest_sample_ms != last_->newest_sample_ms) {
      events.push_back(http::SseEvent("samples", SamplesEventData(now.newest_sample_ms)));
    }
    if (now.firing_alerts != last_->firing_alerts) {
      events.push_back(
          http::SseEvent("alerts", "{\"firing\":" + std::to_string(now.firing_alerts) + "}"));
    }
  }
  last_ = now;
  return events;
}

}  // namespace gw::hub
