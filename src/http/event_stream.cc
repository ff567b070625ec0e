#include "http/event_stream.h"

#include <utility>

namespace gw::http {

std::string SseEvent(std::string_view name, std::string_view data) {
  std::string out;
  if (!name.empty()) out.append("event: ").append(name).append("\n");
  for (size_t start = 0;;) {
    size_t end = data.find('\n', start);
    out.append("data: ").append(data.substr(start, end - start)).append("\n");
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  out.append("\n");
  return out;
}

bool EventStream::Send(std::string chunk) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return false;
    if (queued_bytes_ + chunk.size() > max_queued_bytes_) {
      // The client is not reading: end the stream; what is queued is dropped with it.
      closed_ = true;
      queue_.clear();
      queued_bytes_ = 0;
    } else {
      queued_bytes_ += chunk.size();
      queue_.push_back(std::move(chunk));
    }
  }
  Wake();
  return !closed();
}

void EventStream::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return;
    closed_ = true;
  }
  Wake();
}

bool EventStream::closed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return closed_;
}

void EventStream::SetWaker(std::function<void()> waker) {
  std::lock_guard<std::mutex> lock(mu_);
  waker_ = std::move(waker);
}

EventStream::Taken EventStream::Take() {
  std::lock_guard<std::mutex> lock(mu_);
  Taken taken;
  taken.chunks.swap(queue_);
  taken.closed = closed_;
  queued_bytes_ = 0;
  return taken;
}

void EventStream::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  queue_.clear();
  queued_bytes_ = 0;
  waker_ = nullptr;
}

void EventStream::Wake() {
  std::function<void()> waker;
  {
    std::lock_guard<std::mutex> lock(mu_);
    waker = waker_;
  }
  if (waker) waker();
}

}  // namespace gw::http
