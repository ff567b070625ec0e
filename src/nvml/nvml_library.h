// Loads libnvidia-ml.so.1 with dlopen and binds the entry points GPU Watchdog uses.
#ifndef GW_NVML_NVML_LIBRARY_H_
#define GW_NVML_NVML_LIBRARY_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "nvml/nvml_functions.h"

namespace gw::nvml {

// The bound function table. A pointer is null when the library does not export the symbol; for
// functions that exist in versioned form the newest version found is bound and its name kept.
struct NvmlFunctions {
// NOLINTBEGIN(bugprone-macro-parentheses): `ret(*name) params` is a declarator; parentheses
// around the arguments would not compile.
#define GW_NVML_VERSIONED_MEMBER(versioned, plain, ret, params) ret(*plain) params = nullptr;
#define GW_NVML_PLAIN_MEMBER(name, ret, params) ret(*name) params = nullptr;
  GW_NVML_VERSIONED_FUNCTIONS(GW_NVML_VERSIONED_MEMBER)
  GW_NVML_PLAIN_FUNCTIONS(GW_NVML_PLAIN_MEMBER)
#undef GW_NVML_VERSIONED_MEMBER
#undef GW_NVML_PLAIN_MEMBER
  // NOLINTEND(bugprone-macro-parentheses)
};

// Owns the dlopen handle. Thread-safety: immutable after Load(); the NVML functions themselves
// are thread-safe per NVIDIA's documentation.
class NvmlLibrary {
 public:
  // Opens `path`, or when empty "libnvidia-ml.so.1" (then "libnvidia-ml.so") through the normal
  // library search. Errors: kUnavailable when the library cannot be opened (no driver installed)
  // naming dlerror's reason; kFailedPrecondition when a core symbol (nvmlInit, nvmlShutdown,
  // nvmlDeviceGetCount, nvmlDeviceGetHandleByIndex) is missing.
  static StatusOr<std::unique_ptr<NvmlLibrary>> Load(const std::string& path);

  NvmlLibrary(const NvmlLibrary&) = delete;
  NvmlLibrary& operator=(const NvmlLibrary&) = delete;
  ~NvmlLibrary();

  const NvmlFunctions& fn() const { return fn_; }
  const std::string& path() const { return path_; }
  // Symbols this library lacks, by name (optional ones: each disables the metrics it feeds).
  const std::vector<std::string>& missing_symbols() const { return missing_; }
  // The symbol bound for a versioned function, e.g. "nvmlInit_v2" or "nvmlInit".
  std::string_view BoundName(std::string_view plain_name) const;
  // What nvml-sim, GPU Watchdog's simulated driver (docs/nvml-sim.md), says about itself when
  // this library is nvml-sim (it exports gwNvmlSimInfo, which a real libnvidia-ml never does);
  // empty for a real driver.
  const std::string& simulator_info() const { return simulator_info_; }
  bool simulated() const { return !simulator_info_.empty(); }

 private:
  NvmlLibrary() = default;
  void Bind();
  // The address of `versioned`, else of `plain` (older drivers), else null; records in bound_
  // which name was bound or in missing_ that neither was. REQUIRES: string literals (bound_
  // keeps views of them).
  void* FindVersioned(const char* versioned, const char* plain);
  // The address of `name`, else null, recorded in missing_.
  void* FindPlain(const char* name);

  void* handle_ = nullptr;
  std::string path_;
  NvmlFunctions fn_;
  std::vector<std::string> missing_;
  std::string simulator_info_;
  std::vector<std::pair<std::string_view, std::string_view>> bound_;  // plain -> chosen
};

// NVML's name for a return code ("NVML_ERROR_GPU_IS_LOST"); computed locally so that a sick
// driver is never asked to describe its own failure.
std::string_view NvmlReturnName(nvmlReturn_t code);

}  // namespace gw::nvml

#endif  // GW_NVML_NVML_LIBRARY_H_
