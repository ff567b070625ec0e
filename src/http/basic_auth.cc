// HTTP basic authentication against the web config's bcrypt hashes (CheckBasicAuth in
// web_config.h).
#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <optional>

#include "http/web_config.h"

namespace gw::http {
namespace {

// Checked against when the user is unknown, so that the answer takes as long as for a known
// user and response times do not reveal which users exist (as the toolkit does).
constexpr char kDummyHash[] = "$2b$10$QeFmxqAVvhmRX9u4Q0KJ7uOy9gk0rBoJt3bq9CEYFJzD.yVQq0Nvi";

std::optional<std::string> DecodeBase64(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char c : in) {
    int v = value(c);
    if (v < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xff));
    }
  }
  return out;
}

std::string CacheKey(std::string_view user, std::string_view hash, std::string_view password) {
  std::string material;
  material.reserve(user.size() + hash.size() + password.size() + 2);
  material.append(user).push_back('\0');
  material.append(hash).push_back('\0');
  material.append(password);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(material.data()), material.size(), digest);
  OPENSSL_cleanse(material.data(), material.size());
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

bool BcryptMatches(const std::string& password, const std::string& hash) {
  // crypt_data is about 32 KiB: too big for a request thread's stack to be sure.
  auto data = std::make_unique<crypt_data>();
  const char* result = crypt_r(password.c_str(), hash.c_str(), data.get());
  return result != nullptr && result[0] != '*' && std::strlen(result) == hash.size() &&
         CRYPTO_memcmp(result, hash.data(), hash.size()) == 0;
}

}  // namespace

bool BasicAuthCache::Contains(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.count(key) > 0;
}

void BasicAuthCache::Insert(std::string key) {
  std::lock_guard<std::mutex> lock(mu_);
  // Bounded so that many distinct users cannot grow it without limit; a full clear is fine
  // because an entry is only a saved bcrypt run.
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_.insert(std::move(key));
}

size_t BasicAuthCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

bool CheckBasicAuth(const WebConfig& config, std::string_view authorization_header) {
  if (config.basic_auth_users.empty()) return true;
  std::string_view header = authorization_header;
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  constexpr std::string_view kScheme = "basic ";
  if (header.size() < kScheme.size() ||
      !std::equal(kScheme.begin(), kScheme.end(), header.begin(), [](char a, char b) {
        return a == std::tolower(static_cast<unsigned char>(b));
      })) {
    return false;
  }
  header.remove_prefix(kScheme.size());
  while (!header.empty() && (header.front() == ' ' || header.back() == ' ')) {
    header.front() == ' ' ? header.remove_prefix(1) : header.remove_suffix(1);
  }
  std::optional<std::string> decoded = DecodeBase64(header);
  if (!decoded) return false;
  size_t colon = decoded->find(':');
  if (colon == std::string::npos) return false;
  std::string user = decoded->substr(0, colon);
  std::string password = decoded->substr(colon + 1);
  OPENSSL_cleanse(decoded->data(), decoded->size());
  auto it = config.basic_auth_users.find(user);
  if (it == config.basic_auth_users.end()) {
    BcryptMatches(password, kDummyHash);
    return false;
  }
  std::string key = CacheKey(user, it->second, password);
  bool ok = (config.auth_cache && config.auth_cache->Contains(key)) ||
            BcryptMatches(password, it->second);
  if (ok && config.auth_cache) config.auth_cache->Insert(std::move(key));
  OPENSSL_cleanse(password.data(), password.size());
  return ok;
}

}  // namespace gw::http
