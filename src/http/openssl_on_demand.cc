// RequireOpenSsl for the programs that load OpenSSL on demand (openssl_runtime.h). Every OpenSSL
// function such a program calls is defined here as a forwarder through a table that
// RequireOpenSsl fills with dlsym, so the program has no link-time dependency on libssl or
// libcrypto. The definitions repeat the declarations of OpenSSL's own headers, so the compiler
// checks each signature; a function missing from the list is a link error ("undefined reference
// to SSL_..."): add it to GW_OPENSSL_FUNCTIONS_.
#include <dlfcn.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/opensslv.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <mutex>
#include <string>

#include "http/openssl_runtime.h"

#if OPENSSL_VERSION_MAJOR != 3
#error "openssl_on_demand.cc knows the function list and library names of OpenSSL 3"
#endif

// X(return type, name, parameters, arguments): the OpenSSL functions this program calls.
#define GW_OPENSSL_FUNCTIONS_(X)                                                                 \
  X(const unsigned char*, ASN1_STRING_get0_data, (const ASN1_STRING* x), (x))                    \
  X(int, ASN1_STRING_length, (const ASN1_STRING* x), (x))                                        \
  X(long, BIO_ctrl, (BIO * b, int cmd, long larg, void* parg), (b, cmd, larg, parg))             \
  X(size_t, BIO_ctrl_pending, (BIO * b), (b))                                                    \
  X(int, BIO_free, (BIO * a), (a))                                                               \
  X(int, BIO_new_bio_pair, (BIO * *b1, size_t w1, BIO** b2, size_t w2), (b1, w1, b2, w2))        \
  X(int, BIO_read, (BIO * b, void* data, int len), (b, data, len))                               \
  X(int, BIO_write, (BIO * b, const void* data, int len), (b, data, len))                        \
  X(int, CRYPTO_get_ex_new_index,                                                                \
    (int cls, long argl, void* argp, CRYPTO_EX_new* n, CRYPTO_EX_dup* d, CRYPTO_EX_free* f),     \
    (cls, argl, argp, n, d, f))                                                                  \
  X(int, CRYPTO_memcmp, (const void* a, const void* b, size_t len), (a, b, len))                 \
  X(void, ERR_clear_error, (void), ())                                                           \
  X(void, ERR_error_string_n, (unsigned long e, char* buf, size_t len), (e, buf, len))           \
  X(unsigned long, ERR_get_error, (void), ())                                                    \
  X(const char*, ERR_lib_error_string, (unsigned long e), (e))                                   \
  X(const char*, ERR_reason_error_string, (unsigned long e), (e))                                \
  X(void, GENERAL_NAMES_free, (GENERAL_NAMES * a), (a))                                          \
  X(void, OPENSSL_cleanse, (void* ptr, size_t len), (ptr, len))                                  \
  X(int, OPENSSL_sk_num, (const OPENSSL_STACK* st), (st))                                        \
  X(void*, OPENSSL_sk_value, (const OPENSSL_STACK* st, int i), (st, i))                          \
  X(unsigned char*, SHA256, (const unsigned char* d, size_t n, unsigned char* md), (d, n, md))   \
  X(int, SSL_CTX_check_private_key, (const SSL_CTX* ctx), (ctx))                                 \
  X(long, SSL_CTX_ctrl, (SSL_CTX * ctx, int cmd, long larg, void* parg), (ctx, cmd, larg, parg)) \
  X(void, SSL_CTX_free, (SSL_CTX * ctx), (ctx))                                                  \
  X(void*, SSL_CTX_get_default_passwd_cb_userdata, (SSL_CTX * ctx), (ctx))                       \
  X(void*, SSL_CTX_get_ex_data, (const SSL_CTX* ctx, int idx), (ctx, idx))                       \
  X(int, SSL_CTX_load_verify_locations, (SSL_CTX * ctx, const char* file, const char* path),     \
    (ctx, file, path))                                                                           \
  X(SSL_CTX*, SSL_CTX_new, (const SSL_METHOD* method), (method))                                 \
  X(int, SSL_CTX_set_cipher_list, (SSL_CTX * ctx, const char* str), (ctx, str))                  \
  X(void, SSL_CTX_set_client_CA_list, (SSL_CTX * ctx, STACK_OF(X509_NAME) * names),              \
    (ctx, names))                                                                                \
  X(void, SSL_CTX_set_default_passwd_cb_userdata, (SSL_CTX * ctx, void* u), (ctx, u))            \
  X(int, SSL_CTX_set_ex_data, (SSL_CTX * ctx, int idx, void* data), (ctx, idx, data))            \
  X(uint64_t, SSL_CTX_set_options, (SSL_CTX * ctx, uint64_t op), (ctx, op))                      \
  X(void, SSL_CTX_set_verify, (SSL_CTX * ctx, int mode, SSL_verify_cb cb), (ctx, mode, cb))      \
  X(int, SSL_CTX_use_PrivateKey_file, (SSL_CTX * ctx, const char* file, int type),               \
    (ctx, file, type))                                                                           \
  X(int, SSL_CTX_use_certificate_chain_file, (SSL_CTX * ctx, const char* file), (ctx, file))     \
  X(int, SSL_accept, (SSL * s), (s))                                                             \
  X(int, SSL_connect, (SSL * s), (s))                                                            \
  X(long, SSL_ctrl, (SSL * s, int cmd, long larg, void* parg), (s, cmd, larg, parg))             \
  X(void, SSL_free, (SSL * s), (s))                                                              \
  X(SSL_CTX*, SSL_get_SSL_CTX, (const SSL* s), (s))                                              \
  X(int, SSL_get_error, (const SSL* s, int ret), (s, ret))                                       \
  X(void*, SSL_get_ex_data, (const SSL* s, int idx), (s, idx))                                   \
  X(int, SSL_get_ex_data_X509_STORE_CTX_idx, (void), ())                                         \
  X(int, SSL_get_shutdown, (const SSL* s), (s))                                                  \
  X(STACK_OF(X509_NAME)*, SSL_load_client_CA_file, (const char* file), (file))                   \
  X(SSL*, SSL_new, (SSL_CTX * ctx), (ctx))                                                       \
  X(int, SSL_read, (SSL * s, void* buf, int num), (s, buf, num))                                 \
  X(void, SSL_set_bio, (SSL * s, BIO* rbio, BIO* wbio), (s, rbio, wbio))                         \
  X(int, SSL_set_ex_data, (SSL * s, int idx, void* data), (s, idx, data))                        \
  X(int, SSL_shutdown, (SSL * s), (s))                                                           \
  X(int, SSL_write, (SSL * s, const void* buf, int num), (s, buf, num))                          \
  X(const SSL_METHOD*, TLS_server_method, (void), ())                                            \
  X(X509*, X509_STORE_CTX_get_current_cert, (const X509_STORE_CTX* ctx), (ctx))                 \
  X(int, X509_STORE_CTX_get_error_depth, (const X509_STORE_CTX* ctx), (ctx))                     \
  X(void*, X509_STORE_CTX_get_ex_data, (const X509_STORE_CTX* ctx, int idx), (ctx, idx))         \
  X(void, X509_STORE_CTX_set_error, (X509_STORE_CTX * ctx, int s), (ctx, s))                     \
  X(void*, X509_get_ext_d2i, (const X509* x, int nid, int* crit, int* idx), (x, nid, crit, idx))

namespace gw::http {
namespace {

#define GW_OPENSSL_INDEX_(ret, name, params, args) k##name,
enum FunctionIndex : int { GW_OPENSSL_FUNCTIONS_(GW_OPENSSL_INDEX_) kFunctionCount };
#undef GW_OPENSSL_INDEX_

#define GW_OPENSSL_NAME_(ret, name, params, args) #name,
constexpr const char* kFunctionNames[] = {GW_OPENSSL_FUNCTIONS_(GW_OPENSSL_NAME_)};
#undef GW_OPENSSL_NAME_

#define GW_STRINGIFY_(x) #x
#define GW_SONAME_(lib, version) "lib" lib ".so." GW_STRINGIFY_(version)
constexpr const char* kLibCrypto = GW_SONAME_("crypto", OPENSSL_SHLIB_VERSION);
constexpr const char* kLibSsl = GW_SONAME_("ssl", OPENSSL_SHLIB_VERSION);

// Filled once by RequireOpenSsl, before `loaded` turns true; read-only afterwards.
void* functions[kFunctionCount] = {};
std::atomic<bool> loaded{false};

Status Load() {
  // libssl needs libcrypto, which the loader would find through libssl's own dependencies;
  // opening libcrypto first makes the message name the library that is missing.
  void* ssl = nullptr;
  for (const char* library : {kLibCrypto, kLibSsl}) {
    ssl = dlopen(library, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (ssl == nullptr) {
      const char* reason = dlerror();
      return FailedPreconditionError(std::string("cannot load OpenSSL (") + library + ": " +
                                     (reason != nullptr ? reason : "unknown error") +
                                     "), which TLS and basic auth need: is libssl3 installed?");
    }
  }
  void* table[kFunctionCount];
  for (int i = 0; i < kFunctionCount; ++i) {
    table[i] = dlsym(ssl, kFunctionNames[i]);
    if (table[i] == nullptr) {
      return FailedPreconditionError(std::string("OpenSSL's ") + kLibSsl + " lacks " +
                                     kFunctionNames[i]);
    }
  }
  std::copy(std::begin(table), std::end(table), std::begin(functions));
  return Status::Ok();
}

// The address of function `index`; a call before RequireOpenSsl succeeded is a bug in the
// caller, and ends the program with a message rather than a jump to null.
void* Function(FunctionIndex index) {
  if (!loaded.load(std::memory_order_acquire)) {
    std::fprintf(stderr, "fatal: OpenSSL's %s called before RequireOpenSsl\n",
                 kFunctionNames[index]);
    std::abort();
  }
  return functions[index];
}

}  // namespace

Status RequireOpenSsl() {
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  if (loaded.load(std::memory_order_acquire)) return Status::Ok();
  GW_RETURN_IF_ERROR(Load());
  loaded.store(true, std::memory_order_release);
  return Status::Ok();
}

bool OpenSslLoaded() { return loaded.load(std::memory_order_acquire); }

}  // namespace gw::http

// The forwarders, with OpenSSL's names and C linkage.
// OpenSSL's names are not ours, and the parameter lists cannot be parenthesized.
// NOLINTBEGIN(readability-identifier-naming, bugprone-macro-parentheses)
#define GW_OPENSSL_FORWARDER_(ret, name, params, args)                    \
  extern "C" ret name params {                                            \
    using Signature = decltype(&name);                                    \
    return reinterpret_cast<Signature>(                                   \
        gw::http::Function(gw::http::k##name)) args;                      \
  }
GW_OPENSSL_FUNCTIONS_(GW_OPENSSL_FORWARDER_)
#undef GW_OPENSSL_FORWARDER_
// NOLINTEND(readability-identifier-naming, bugprone-macro-parentheses)
