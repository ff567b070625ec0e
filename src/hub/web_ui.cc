#include "hub/web_ui.h"

#include <fstream>
#include <sstream>
#include <system_error>

#include "http/gzip.h"

namespace gw::hub {
namespace {

namespace fs = std::filesystem;

bool OwnPath(const std::string& path) {
  return path.starts_with("/api/") || path == "/metrics" || path.starts_with("/-/");
}

bool HasExtension(const std::string& path) {
  const size_t slash = path.rfind('/');
  return path.find('.', slash == std::string::npos ? 0 : slash) != std::string::npos;
}

http::Response File(std::shared_ptr<const std::string> gzipped, const std::string& type,
                    bool immutable) {
  http::Response r;
  r.content_type = type;
  r.body = std::move(gzipped);
  r.content_encoding = "gzip";
  r.headers.emplace_back("Cache-Control",
                         immutable ? "public, max-age=31536000, immutable" : "no-cache");
  return r;
}

}  // namespace

std::string WebUi::ContentType(const std::string& name) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},    {".svg", "image/svg+xml"},
      {".png", "image/png"},                  {".ico", "image/x-icon"},
      {".json", "application/json"},         {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},  {".map", "application/json"},
      {".webmanifest", "application/manifest+json"}};
  const auto it = kTypes.find(fs::path(name).extension().string());
  return it != kTypes.end() ? it->second : "application/octet-stream";
}

std::shared_ptr<const std::string> WebUi::Load(const fs::path& file) const {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return nullptr;
  const auto mtime = fs::last_write_time(file, ec);
  const uintmax_t size = fs::file_size(file, ec);
  if (ec) return nullptr;
  std::lock_guard lock(mu_);
  Cached& c = cache_[file.string()];
  if (c.gzipped != nullptr && c.mtime == mtime && c.size == size) return c.gzipped;
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) return nullptr;
  c = Cached{mtime, size, std::make_shared<const std::string>(http::GzipCompress(text.str()))};
  return c.gzipped;
}

std::optional<http::Response> WebUi::Handle(const http::Request& request) const {
  if ((request.method != "GET" && request.method != "HEAD") || OwnPath(request.path)) {
    return std::nullopt;
  }
  const std::string& path = request.path;
  if (path.find("..") != std::string::npos || path.find('\0') != std::string::npos ||
      path.find('%') != std::string::npos) {
    return http::Response::Text(400, "bad path\n");
  }
  const fs::path index = root_ / "index.html";
  if (path != "/" && HasExtension(path)) {
    auto body = Load(root_ / path.substr(1));
    if (body == nullptr) return http::Response::Text(404, "not found\n");
    return File(std::move(body), ContentType(path), path.starts_with("/assets/"));
  }
  auto body = Load(index);
  if (body == nullptr) {
    return http::Response::Text(
        path == "/" ? 200 : 404,
        "GPU Watchdog hub. The dashboard is not built (run `make web`, or point "
        "--web.ui-path at a built web/dist). API: /api/v1/query, /api/v1/query_range, "
        "/api/v1/series, /api/v1/labels, /api/v1/label/<name>/values, /api/v1/rules, "
        "/api/v1/alerts, /api/v1/write; own metrics: /metrics\n");
  }
  return File(std::move(body), "text/html; charset=utf-8", /*immutable=*/false);
}

}  // namespace gw::hub
