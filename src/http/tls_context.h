// The OpenSSL server context for a web config's tls_server_config. Plain OpenSSL, so that this
// file does not pull Asio in; server.cc wraps the result.
#ifndef GW_HTTP_TLS_CONTEXT_H_
#define GW_HTTP_TLS_CONTEXT_H_

#include <memory>

#include "common/status.h"
#include "http/web_config.h"

struct ssl_ctx_st;  // OpenSSL's SSL_CTX

namespace gw::http {

struct SslCtxDeleter {
  void operator()(ssl_ctx_st* ctx) const;
};
using SslCtxPtr = std::unique_ptr<ssl_ctx_st, SslCtxDeleter>;

// Builds a server context: certificate chain and key, protocol versions, ciphers, curves, and
// client certificate policy (including client_allowed_sans). REQUIRES: tls.enabled().
// Errors: kInvalidArgument naming the setting and file and OpenSSL's reason (unreadable or
// mismatched certificate and key, bad CA file, ciphers OpenSSL does not know).
// Thread-safety: may be called from any thread; the context may be shared by many connections.
StatusOr<SslCtxPtr> NewServerSslContext(const TlsServerConfig& tls);

}  // namespace gw::http

#endif  // GW_HTTP_TLS_CONTEXT_H_
