// OpenSSL, which TLS and basic auth need. Most programs link it and have it from the start. The
// GPU exporter, which runs on every node and usually serves plain HTTP to a Prometheus on the
// same network, loads it only when its web config asks for TLS or basic auth: merely mapping
// libcrypto and libssl costs about 1.7 MiB of resident memory (docs/benchmarks.md).
//
// Which of the two a program gets is chosen at link time: a target with the CMake property
// GW_OPENSSL_ON_DEMAND links openssl_on_demand.cc (forwarders for the OpenSSL functions the
// program calls, resolved with dlopen), every other target links openssl_linked.cc and OpenSSL.
#ifndef GW_HTTP_OPENSSL_RUNTIME_H_
#define GW_HTTP_OPENSSL_RUNTIME_H_

#include "common/status.h"

namespace gw::http {

// Makes OpenSSL usable; call it before the first OpenSSL function. Idempotent; thread-safe.
// Errors: kFailedPrecondition naming the library and the loader's reason when OpenSSL cannot be
// loaded, or the function it lacks.
Status RequireOpenSsl();

// Whether OpenSSL is in this process (always, where the program links it).
bool OpenSslLoaded();

}  // namespace gw::http

#endif  // GW_HTTP_OPENSSL_RUNTIME_H_
