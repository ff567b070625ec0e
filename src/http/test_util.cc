#include "http/test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace gw::http::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "gw-http-XXXXXX").string();
  path_ = mkdtemp(pattern.data());
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::Write(const std::string& name, const std::string& text) const {
  std::string file = path_ + "/" + name;
  std::ofstream(file) << text;
  return file;
}

RawConn::RawConn(uint16_t port, std::chrono::milliseconds timeout) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{};
  tv.tv_sec = timeout.count() / 1000;
  tv.tv_usec = (timeout.count() % 1000) * 1000;
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

RawConn::~RawConn() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConn::Send(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

bool RawConn::Fill() {
  char chunk[65536];
  ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
  if (n <= 0) return false;
  buffer_.append(chunk, static_cast<size_t>(n));
  return true;
}

RawResponse RawConn::Read(bool head) {
  RawResponse out;
  size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill()) return out;
  }
  std::string head_text = buffer_.substr(0, end);
  buffer_.erase(0, end + 4);
  size_t line_end = head_text.find("\r\n");
  std::string status_line = head_text.substr(0, line_end);
  if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) return out;
  size_t pos = line_end;
  while (pos != std::string::npos && pos < head_text.size()) {
    size_t next = head_text.find("\r\n", pos + 2);
    std::string line =
        head_text.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t value_start = line.find_first_not_of(' ', colon + 1);
      out.headers[name] = value_start == std::string::npos ? "" : line.substr(value_start);
    }
    pos = next;
  }
  size_t length = head ? 0 : std::strtoul(out.headers["content-length"].c_str(), nullptr, 10);
  while (buffer_.size() < length) {
    if (!Fill()) return out;
  }
  out.body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  out.status = std::atoi(status_line.substr(9, 3).c_str());
  return out;
}

std::string RawConn::ReadUntil(const std::string& marker) {
  size_t at;
  while ((at = buffer_.find(marker)) == std::string::npos) {
    if (!Fill()) return "";
  }
  std::string out = buffer_.substr(0, at + marker.size());
  buffer_.erase(0, at + marker.size());
  return out;
}

bool RawConn::ClosedByPeer() {
  char c;
  ssize_t n = ::recv(fd_, &c, 1, 0);
  if (n == 0) return true;
  return n < 0 && errno != EAGAIN && errno != EWOULDBLOCK;
}

bool MakeCertificates(const std::string& dir) {
  std::ofstream(dir + "/server.ext") << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
  std::ofstream(dir + "/client.ext") << "subjectAltName=DNS:scraper.example.com\n";
  std::string d = "'" + dir + "'";
  std::string script =
      "cd " + d +
      " && exec >openssl.log 2>&1 && "
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 "
      "  -subj /CN=gw-test-ca && "
      "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr "
      "  -subj /CN=localhost && "
      "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
      "  -out server.crt -days 2 -extfile server.ext && "
      "openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr "
      "  -subj /CN=scraper && "
      "openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
      "  -out client.crt -days 2 -extfile client.ext";
  return std::system(script.c_str()) == 0;
}

}  // namespace gw::http::testing
