#include "slurm/testdata_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace gw::slurm::testing {

std::string TestdataPath(const std::string& relative) {
  return std::string(GW_SLURM_TESTDATA) + "/" + relative;
}

std::string ReadTestdata(const std::string& relative) {
  std::ifstream in(TestdataPath(relative), std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << TestdataPath(relative);
    return "";
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> ListTestdata(const std::string& relative_dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(TestdataPath(relative_dir), ec)) {
    if (entry.is_regular_file()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace gw::slurm::testing
