// Test helpers: reading files under src/slurm/testdata (GW_SLURM_TESTDATA).
#ifndef GW_SLURM_TESTDATA_UTIL_H_
#define GW_SLURM_TESTDATA_UTIL_H_

#include <string>
#include <vector>

namespace gw::slurm::testing {

// The path of a file under testdata/.
std::string TestdataPath(const std::string& relative);
// The whole file; fails the current test (ADD_FAILURE) and returns "" when it cannot be read.
std::string ReadTestdata(const std::string& relative);
// Names of the regular files in a testdata/ subdirectory, sorted; {} when it does not exist.
std::vector<std::string> ListTestdata(const std::string& relative_dir);

}  // namespace gw::slurm::testing

#endif  // GW_SLURM_TESTDATA_UTIL_H_
