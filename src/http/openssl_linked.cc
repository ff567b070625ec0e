// RequireOpenSsl for the programs that link OpenSSL: nothing to do.
#include "http/openssl_runtime.h"

namespace gw::http {

Status RequireOpenSsl() { return Status::Ok(); }

bool OpenSslLoaded() { return true; }

}  // namespace gw::http
