// Feeds arbitrary bytes to ParseWebConfig: it must return a Status, never crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/web_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  gw::StatusOr<gw::http::WebConfig> config = gw::http::ParseWebConfig(text, "fuzz.yml");
  if (config.ok()) {
    // Touch what a server would read, so that a half-built config shows up under ASan.
    volatile size_t sink = config->tls.cert_file.size() + config->http.headers.size() +
                           config->basic_auth_users.size() + config->tls.cipher_suites.size();
    (void)sink;
  }
  return 0;
}
