#include "nvml/nvml_library.h"

#include <dlfcn.h>

namespace gw::nvml {

StatusOr<std::unique_ptr<NvmlLibrary>> NvmlLibrary::Load(const std::string& path) {
  std::unique_ptr<NvmlLibrary> lib(new NvmlLibrary());
  std::vector<std::string> candidates;
  if (path.empty()) {
    candidates = {"libnvidia-ml.so.1", "libnvidia-ml.so"};
  } else {
    candidates = {path};
  }
  std::string reasons;
  for (const std::string& candidate : candidates) {
    // RTLD_NODELETE: the driver library stays mapped after dlclose. Unloading a library that
    // may have started threads of its own, or that keeps process-wide state behind a static
    // pointer (as NVML and our simulator do), is asking for a crash or a leak at a reload.
    lib->handle_ = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (lib->handle_ != nullptr) {
      lib->path_ = candidate;
      break;
    }
    const char* err = dlerror();
    if (!reasons.empty()) reasons += "; ";
    reasons += err != nullptr ? err : candidate;
  }
  if (lib->handle_ == nullptr) {
    return UnavailableError("cannot load the NVIDIA management library (" + reasons +
                            "): is the NVIDIA driver installed? (or pass --nvml.library=PATH)");
  }
  lib->Bind();
  const NvmlFunctions& f = lib->fn_;
  if (f.nvmlInit == nullptr || f.nvmlShutdown == nullptr || f.nvmlDeviceGetCount == nullptr ||
      f.nvmlDeviceGetHandleByIndex == nullptr) {
    return FailedPreconditionError(lib->path_ +
                                   " lacks a core NVML symbol (nvmlInit, nvmlShutdown, "
                                   "nvmlDeviceGetCount or nvmlDeviceGetHandleByIndex)");
  }
  return lib;
}

void NvmlLibrary::Bind() {
  // One assignment per entry of the X-macro lists; a symbol the library lacks leaves its
  // pointer null.
  // NOLINTBEGIN(bugprone-macro-parentheses): `ret(*) params` is a function pointer type;
  // parentheses around the arguments would not compile.
#define GW_BIND_VERSIONED(versioned, plain, ret, params) \
  fn_.plain = reinterpret_cast<ret(*) params>(FindVersioned(#versioned, #plain));
#define GW_BIND_PLAIN(name, ret, params) \
  fn_.name = reinterpret_cast<ret(*) params>(FindPlain(#name));
  GW_NVML_VERSIONED_FUNCTIONS(GW_BIND_VERSIONED)
  GW_NVML_PLAIN_FUNCTIONS(GW_BIND_PLAIN)
#undef GW_BIND_VERSIONED
#undef GW_BIND_PLAIN
  // NOLINTEND(bugprone-macro-parentheses)
  // nvml-sim's marker; not an NVML function, so its absence is not a missing symbol.
  if (void* sym = dlsym(handle_, "gwNvmlSimInfo"); sym != nullptr) {
    const char* info = reinterpret_cast<const char* (*)()>(sym)();
    simulator_info_ = info != nullptr && *info != '\0' ? info : "nvml-sim";
  }
}

void* NvmlLibrary::FindVersioned(const char* versioned, const char* plain) {
  // Versioned names first, as nvml.h maps them; the old name stays for older drivers.
  if (void* sym = dlsym(handle_, versioned); sym != nullptr) {
    bound_.emplace_back(plain, versioned);
    return sym;
  }
  if (void* old = dlsym(handle_, plain); old != nullptr) {
    bound_.emplace_back(plain, plain);
    return old;
  }
  missing_.emplace_back(versioned);
  return nullptr;
}

void* NvmlLibrary::FindPlain(const char* name) {
  void* sym = dlsym(handle_, name);
  if (sym == nullptr) missing_.emplace_back(name);
  return sym;
}

NvmlLibrary::~NvmlLibrary() {
  if (handle_ != nullptr) dlclose(handle_);
}

std::string_view NvmlLibrary::BoundName(std::string_view plain_name) const {
  for (const auto& [plain, chosen] : bound_) {
    if (plain == plain_name) return chosen;
  }
  return {};
}

std::string_view NvmlReturnName(nvmlReturn_t code) {
  switch (code) {
    case NVML_SUCCESS:
      return "NVML_SUCCESS";
    case NVML_ERROR_UNINITIALIZED:
      return "NVML_ERROR_UNINITIALIZED";
    case NVML_ERROR_INVALID_ARGUMENT:
      return "NVML_ERROR_INVALID_ARGUMENT";
    case NVML_ERROR_NOT_SUPPORTED:
      return "NVML_ERROR_NOT_SUPPORTED";
    case NVML_ERROR_NO_PERMISSION:
      return "NVML_ERROR_NO_PERMISSION";
    case NVML_ERROR_NOT_FOUND:
      return "NVML_ERROR_NOT_FOUND";
    case NVML_ERROR_INSUFFICIENT_SIZE:
      return "NVML_ERROR_INSUFFICIENT_SIZE";
    case NVML_ERROR_DRIVER_NOT_LOADED:
      return "NVML_ERROR_DRIVER_NOT_LOADED";
    case NVML_ERROR_TIMEOUT:
      return "NVML_ERROR_TIMEOUT";
    case NVML_ERROR_LIBRARY_NOT_FOUND:
      return "NVML_ERROR_LIBRARY_NOT_FOUND";
    case NVML_ERROR_FUNCTION_NOT_FOUND:
      return "NVML_ERROR_FUNCTION_NOT_FOUND";
    case NVML_ERROR_GPU_IS_LOST:
      return "NVML_ERROR_GPU_IS_LOST";
    case NVML_ERROR_RESET_REQUIRED:
      return "NVML_ERROR_RESET_REQUIRED";
    case NVML_ERROR_ARGUMENT_VERSION_MISMATCH:
      return "NVML_ERROR_ARGUMENT_VERSION_MISMATCH";
    case NVML_ERROR_UNKNOWN:
      return "NVML_ERROR_UNKNOWN";
    default:
      return "NVML_ERROR_OTHER";
  }
}

}  // namespace gw::nvml
