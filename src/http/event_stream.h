// A response body that is written as it is produced: the Server-Sent Events a handler keeps
// pushing after it has returned. The handler returns a Response whose `stream` is set; the
// server sends the headers, then every chunk as it is queued, until one side ends it.
#ifndef GW_HTTP_EVENT_STREAM_H_
#define GW_HTTP_EVENT_STREAM_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace gw::http {

// One Server-Sent Events frame: "event: NAME\ndata: LINE\n...\n\n" (a multi-line `data` becomes
// one data line each; an empty `name` leaves the event line out).
std::string SseEvent(std::string_view name, std::string_view data);

// A queue of chunks between a producer (the handler's side, any thread) and the server's
// connection. Thread-safety: every method may be called from any thread.
class EventStream {
 public:
  // A producer more than max_queued_bytes ahead of the client (a stalled reader) finds the
  // stream closed: the client is dropped rather than buffered for without end.
  explicit EventStream(size_t max_queued_bytes = size_t{1} << 20)
      : max_queued_bytes_(max_queued_bytes) {}
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  // Queues bytes to be sent as they are. Returns false, queuing nothing, once the stream is
  // closed: by Close(), because the client went away or the server shut down, or because the
  // queue was full. A producer drops its stream when this returns false.
  bool Send(std::string chunk);
  // Ends the response after the chunks already queued. Idempotent.
  void Close();
  bool closed() const;

  // The server's side. SetWaker installs a function called (from the producer's thread, without
  // locks held) after each Send and Close; it must only post work. Take moves out what is queued
  // and says whether the producer has closed. Finish detaches the waker and closes the stream
  // for good: the server calls it when the connection ends.
  void SetWaker(std::function<void()> waker);
  struct Taken {
    std::deque<std::string> chunks;
    bool closed = false;
  };
  Taken Take();
  void Finish();

 private:
  void Wake();

  const size_t max_queued_bytes_;
  mutable std::mutex mu_;
  std::deque<std::string> queue_;  // GUARDED_BY(mu_)
  size_t queued_bytes_ = 0;        // GUARDED_BY(mu_)
  bool closed_ = false;            // GUARDED_BY(mu_)
  std::function<void()> waker_;    // GUARDED_BY(mu_)
};

}  // namespace gw::http

#endif  // GW_HTTP_EVENT_STREAM_H_
