// Declarations of every symbol libnvidia-ml.so.1 exports, generated from the same X-macro list
// as the exporter's loader, so a definition with a drifted signature fails to compile.
#ifndef GW_TOOLS_NVML_SIM_SIM_EXPORTS_H_
#define GW_TOOLS_NVML_SIM_SIM_EXPORTS_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include "nvml/nvml_functions.h"

#define GW_NVMLSIM_API extern "C" __attribute__((visibility("default")))

#define GW_NVMLSIM_DECLARE_VERSIONED_(versioned, plain, ret, params) \
  GW_NVMLSIM_API ret versioned params;                               \
  GW_NVMLSIM_API ret plain params;
#define GW_NVMLSIM_DECLARE_PLAIN_(name, ret, params) GW_NVMLSIM_API ret name params;
GW_NVML_VERSIONED_FUNCTIONS(GW_NVMLSIM_DECLARE_VERSIONED_)
GW_NVML_PLAIN_FUNCTIONS(GW_NVMLSIM_DECLARE_PLAIN_)
GW_NVMLSIM_API nvmlReturn_t nvmlInitWithFlags(unsigned int flags);
// Not NVML: present only in nvml-sim, so that a loader can tell a simulated driver from a real
// one (a real libnvidia-ml.so.1 never exports it). Returns a static string.
GW_NVMLSIM_API const char* gwNvmlSimInfo(void);
#undef GW_NVMLSIM_DECLARE_VERSIONED_
#undef GW_NVMLSIM_DECLARE_PLAIN_

namespace gw::nvmlsim {

// NVML reports whole units; a curve value is rounded to the nearest and clamped at 0.
inline unsigned RoundToUnsigned(double value) {
  if (!(value > 0)) return 0;
  if (value >= static_cast<double>(std::numeric_limits<unsigned>::max())) {
    return std::numeric_limits<unsigned>::max();
  }
  return static_cast<unsigned>(std::lround(value));
}

inline unsigned long long RoundToU64(double value) {
  if (!(value > 0)) return 0;
  if (value >= 1e18) return 1000000000000000000ULL;  // above any scenario value
  return static_cast<unsigned long long>(std::llround(value));
}

// Copies text with its terminating NUL into an NVML string buffer.
inline nvmlReturn_t CopyOut(const std::string& text, char* buffer, unsigned int length) {
  if (buffer == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  if (length < text.size() + 1) return NVML_ERROR_INSUFFICIENT_SIZE;
  std::memcpy(buffer, text.c_str(), text.size() + 1);
  return NVML_SUCCESS;
}

}  // namespace gw::nvmlsim

#endif  // GW_TOOLS_NVML_SIM_SIM_EXPORTS_H_
