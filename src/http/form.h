// URL query strings and application/x-www-form-urlencoded bodies, as the Prometheus API takes
// its parameters (GET query or POST form, repeated keys such as match[]).
#ifndef GW_HTTP_FORM_H_
#define GW_HTTP_FORM_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "http/http_types.h"

namespace gw::http {

// Key-value pairs in the order given; keys may repeat.
class Form {
 public:
  // Parses "a=1&b=x%20y&b=z" ('+' is a space). kInvalidArgument for a bad %-escape.
  static StatusOr<Form> Parse(std::string_view text);
  // The request's query plus, for a POST with a form content type, its body.
  static StatusOr<Form> FromRequest(const Request& request);

  // The first value of `key`, or "" when absent.
  std::string Get(std::string_view key) const;
  bool Has(std::string_view key) const;
  std::vector<std::string> GetAll(std::string_view key) const;

 private:
  std::vector<std::pair<std::string, std::string>> pairs_;
};

// Decodes %XX escapes and, when plus_is_space, '+'. kInvalidArgument for a bad escape.
StatusOr<std::string> PercentDecode(std::string_view text, bool plus_is_space);

// Encodes everything but unreserved characters (A-Z a-z 0-9 - . _ ~) as %XX, for a query
// string or form value.
std::string PercentEncode(std::string_view text);

}  // namespace gw::http

#endif  // GW_HTTP_FORM_H_
