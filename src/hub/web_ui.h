// Serves the web dashboard (web/dist, built by `npm run build`): its files, and index.html for
// every other page path, so the dashboard's own routes (/nodes/node1?gpu=2) work as deep links.
#ifndef GW_HUB_WEB_UI_H_
#define GW_HUB_WEB_UI_H_

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "http/http_types.h"

namespace gw::hub {

// Thread-safe. Files are read once and kept gzipped in memory (the dashboard is a few hundred
// KiB); a file whose size or time changes on disk is read again.
class WebUi {
 public:
  explicit WebUi(std::filesystem::path root) : root_(std::move(root)) {}

  // The answer for a GET or HEAD of a page or asset path, nullopt for other methods and for
  // the paths the hub answers itself (/api/, /metrics, /-/). Hashed assets (/assets/...) are
  // cacheable forever; index.html is revalidated every time. A path with a file extension that
  // is not there is 404; ".." and NUL are 400. Without a built dashboard, `/` says how to
  // build one.
  std::optional<http::Response> Handle(const http::Request& request) const;

  // The MIME type for a file name, by extension.
  static std::string ContentType(const std::string& name);

 private:
  struct Cached {
    std::filesystem::file_time_type mtime;
    uintmax_t size = 0;
    std::shared_ptr<const std::string> gzipped;
  };
  // The file's gzipped contents, or null when it is not a regular file.
  std::shared_ptr<const std::string> Load(const std::filesystem::path& file) const;

  std::filesystem::path root_;
  mutable std::mutex mu_;
  mutable std::map<std::string, Cached> cache_;
};

}  // namespace gw::hub

#endif  // GW_HUB_WEB_UI_H_
