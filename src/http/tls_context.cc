#include "http/tls_context.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <string>
#include <vector>

namespace gw::http {
namespace {

using Sans = std::vector<std::string>;

// The SSL_CTX slot that holds the client_allowed_sans list; OpenSSL frees it with the context.
int SansIndex() {
  static const int kIndex = SSL_CTX_get_ex_new_index(
      0, nullptr, nullptr, nullptr,
      [](void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) { delete static_cast<Sans*>(ptr); });
  return kIndex;
}

std::string OpenSslError() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof(buf));
  return buf;
}

int VersionOf(TlsVersion version) {
  switch (version) {
    case TlsVersion::kTls10:
      return TLS1_VERSION;
    case TlsVersion::kTls11:
      return TLS1_1_VERSION;
    case TlsVersion::kTls12:
      return TLS1_2_VERSION;
    case TlsVersion::kTls13:
      return TLS1_3_VERSION;
  }
  return TLS1_2_VERSION;
}

// The SANs of a certificate as text: DNS names, emails, URIs and IP addresses.
std::vector<std::string> SansOf(X509* cert) {
  std::vector<std::string> out;
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type == GEN_DNS || name->type == GEN_EMAIL || name->type == GEN_URI) {
      const ASN1_STRING* s = name->d.ia5;
      out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                       ASN1_STRING_length(s));
    } else if (name->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = name->d.iPAddress;
      char text[INET6_ADDRSTRLEN] = {};
      int family = ASN1_STRING_length(ip) == 4 ? AF_INET : AF_INET6;
      if (ASN1_STRING_length(ip) == 4 || ASN1_STRING_length(ip) == 16) {
        inet_ntop(family, ASN1_STRING_get0_data(ip), text, sizeof(text));
        out.emplace_back(text);
      }
    }
  }
  GENERAL_NAMES_free(names);
  return out;
}

// Verification that accepts any certificate, for RequestClientCert and RequireAnyClientCert.
int AcceptAny(int, X509_STORE_CTX*) { return 1; }

// Normal chain verification plus, for the leaf, the client_allowed_sans check.
int VerifyWithSans(int preverify_ok, X509_STORE_CTX* store) {
  if (!preverify_ok || X509_STORE_CTX_get_error_depth(store) != 0) return preverify_ok;
  auto* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* allowed = static_cast<Sans*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), SansIndex()));
  if (allowed == nullptr || allowed->empty()) return 1;
  for (const std::string& san : SansOf(X509_STORE_CTX_get_current_cert(store))) {
    for (const std::string& want : *allowed) {
      if (san == want) return 1;
    }
  }
  X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
  return 0;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ":") + item;
  return out;
}

Status SetClientAuth(SSL_CTX* ctx, const TlsServerConfig& tls) {
  using Auth = ClientAuthType;
  if (!tls.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, tls.client_ca_file.c_str(), nullptr) != 1) {
      return InvalidArgumentError("tls_server_config.client_ca_file \"" + tls.client_ca_file +
                                  "\": " + OpenSslError() + " (use a PEM file of CA certificates)");
    }
    SSL_CTX_set_client_CA_list(ctx, SSL_load_client_CA_file(tls.client_ca_file.c_str()));
  }
  auto* sans = new Sans(tls.client_allowed_sans);
  SSL_CTX_set_ex_data(ctx, SansIndex(), sans);
  switch (tls.client_auth_type) {
    case Auth::kNoClientCert:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
      break;
    case Auth::kRequestClientCert:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, AcceptAny);
      break;
    case Auth::kRequireAnyClientCert:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, AcceptAny);
      break;
    case Auth::kVerifyClientCertIfGiven:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, VerifyWithSans);
      break;
    case Auth::kRequireAndVerifyClientCert:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, VerifyWithSans);
      break;
  }
  return Status::Ok();
}

Status Configure(SSL_CTX* ctx, const TlsServerConfig& tls) {
  SSL_CTX_set_min_proto_version(ctx, VersionOf(tls.min_version));
  SSL_CTX_set_max_proto_version(ctx, VersionOf(tls.max_version));
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  if (tls.prefer_server_cipher_suites) SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_use_certificate_chain_file(ctx, tls.cert_file.c_str()) != 1) {
    return InvalidArgumentError("tls_server_config.cert_file \"" + tls.cert_file +
                                "\": " + OpenSslError() + " (use a PEM certificate chain)");
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, tls.key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    return InvalidArgumentError("tls_server_config.key_file \"" + tls.key_file + "\": " +
                                OpenSslError() + " (use the PEM private key of cert_file)");
  }
  if (!tls.cipher_suites.empty() &&
      SSL_CTX_set_cipher_list(ctx, Join(tls.cipher_suites).c_str()) != 1) {
    return InvalidArgumentError("tls_server_config.cipher_suites: " + OpenSslError() +
                                " (choose suites this OpenSSL supports)");
  }
  if (!tls.curve_preferences.empty() &&
      SSL_CTX_set1_groups_list(ctx, Join(tls.curve_preferences).c_str()) != 1) {
    return InvalidArgumentError("tls_server_config.curve_preferences: " + OpenSslError() +
                                " (choose curves this OpenSSL supports)");
  }
  return SetClientAuth(ctx, tls);
}

}  // namespace

void SslCtxDeleter::operator()(ssl_ctx_st* ctx) const { SSL_CTX_free(ctx); }

StatusOr<SslCtxPtr> NewServerSslContext(const TlsServerConfig& tls) {
  ERR_clear_error();
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return InternalError("SSL_CTX_new: " + OpenSslError());
  GW_RETURN_IF_ERROR(Configure(ctx.get(), tls));
  return ctx;
}

}  // namespace gw::http
