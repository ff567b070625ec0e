// The request and response types that handlers see. They carry no trace of the HTTP library,
// so handlers and their tests never include Beast or Asio.
#ifndef GW_HTTP_HTTP_TYPES_H_
#define GW_HTTP_HTTP_TYPES_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/event_stream.h"

namespace gw::http {

// One parsed HTTP request. Thread-safety: a value; distinct objects may be used from distinct
// threads.
struct Request {
  std::string method;  // "GET", "HEAD" or "POST" (the server answers 405 to the rest)
  std::string target;  // as sent: "/metrics?x=1"
  std::string path;    // the target before '?', not percent-decoded: "/metrics"
  std::string query;   // the target after '?', without it: "x=1"
  // Header names lower-cased; repeated headers joined with ", ".
  std::map<std::string, std::string> headers;
  std::string body;

  // The value of a header given by its lower-case name, or "" if absent.
  std::string Header(std::string_view lower_name) const;
};

// What a handler answers. The body is shared so that a pre-rendered page (a metrics page) is
// sent without copying.
struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::shared_ptr<const std::string> body;  // null means empty
  // "gzip" when body is already gzip-compressed; the server then sends it as is to clients that
  // accept gzip and decompresses it for the others. Empty for an identity body.
  std::string content_encoding;
  // Extra headers, sent as given (after the server's own and the web config's).
  std::vector<std::pair<std::string, std::string>> headers;
  // Set for a Server-Sent Events stream: the server answers with the status, Content-Type
  // text/event-stream, Cache-Control: no-cache and X-Accel-Buffering: no (body, content_type
  // and content_encoding are ignored; never gzipped), then writes what the handler keeps
  // sending through the stream until either side ends it (see EventStream). The connection is
  // closed afterwards. A HEAD request gets the headers only.
  std::shared_ptr<EventStream> stream;

  // A response with the given status and a text/plain body.
  static Response Text(int status, std::string body);
};

// Answers one request. It may be called from several threads at once. An exception it throws is
// caught by the server, logged, and answered with 500. For HEAD requests the handler sees
// method "HEAD" and may answer as for GET; the server drops the body.
using Handler = std::function<Response(const Request&)>;

}  // namespace gw::http

#endif  // GW_HTTP_HTTP_TYPES_H_
