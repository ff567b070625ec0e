// Internal to the server (server.cc, sse_writer.cc): a per-connection timer that cancels the
// socket's pending operations when it fires. Not beast::tcp_stream's, which closes the socket
// and so leaves no way to answer 408.
#ifndef GW_HTTP_DEADLINE_H_
#define GW_HTTP_DEADLINE_H_

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>

namespace gw::http {

// State is shared with the timer's handler, which may run after the session's frame is gone.
// Thread-safety: use only on the connection's strand.
class Deadline {
 public:
  Deadline(const boost::asio::any_io_executor& executor, boost::asio::ip::tcp::socket& socket)
      : timer_(executor), state_(std::make_shared<State>()) {
    state_->socket = &socket;
  }
  ~Deadline() { state_->socket = nullptr; }
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

  void Arm(std::chrono::milliseconds timeout) {
    state_->fired = false;
    uint64_t generation = ++state_->generation;
    timer_.expires_after(timeout);
    timer_.async_wait([state = state_, generation](boost::system::error_code ec) {
      if (ec || generation != state->generation || state->socket == nullptr) return;
      state->fired = true;
      state->socket->cancel(ec);
    });
  }
  void Disarm() {
    ++state_->generation;
    timer_.cancel();
  }
  bool fired() const { return state_->fired; }

 private:
  struct State {
    boost::asio::ip::tcp::socket* socket = nullptr;
    uint64_t generation = 0;
    bool fired = false;
  };
  boost::asio::steady_timer timer_;
  std::shared_ptr<State> state_;
};

}  // namespace gw::http

#endif  // GW_HTTP_DEADLINE_H_
