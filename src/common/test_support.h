// What tests that start real processes share: free loopback ports, temporary directories, and
// the tail of a log for failure messages. For tests only (library gw_test_support).
#ifndef GW_COMMON_TEST_SUPPORT_H_
#define GW_COMMON_TEST_SUPPORT_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace gw::testing {

// A loopback TCP port that was free a moment ago (0 if none could be found).
uint16_t FreePort();

// A fresh directory under the system temp dir, removed with its contents by the destructor.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "gw-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The last `max_bytes` of a file ("" when it cannot be read).
std::string ReadTail(const std::filesystem::path& path, size_t max_bytes = 3000);

}  // namespace gw::testing

#endif  // GW_COMMON_TEST_SUPPORT_H_
