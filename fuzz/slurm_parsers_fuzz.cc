// The Slurm output parsers (src/slurm) on arbitrary bytes: each may reject, none may crash, hang
// or read out of bounds. One input goes to all of them, and to the host list and GRES parsers
// directly, so every seed exercises the shared helpers from each side.
#include <cstdint>
#include <string_view>

#include "slurm/commands.h"
#include "slurm/slurm_types.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  gw::slurm::ParseSinfo(text).IgnoreError();
  gw::slurm::ParseSqueue(text).IgnoreError();
  gw::slurm::ParseScontrolJobs(text).IgnoreError();
  gw::slurm::ParseSdiag(text).IgnoreError();
  gw::slurm::ExpandHostList(text).IgnoreError();
  auto gres = gw::slurm::ParseGres(text);
  if (gres.ok()) {
    static_cast<void>(gw::slurm::GpuCount(*gres));
    static_cast<void>(gw::slurm::GpuIndices(*gres));
  }
  return 0;
}
