// yaml-cpp reports bad input by throwing; the project reports it as a Status. One place turns
// the first into the second, so every YAML file (web config, hub config) words syntax errors
// the same way. Header-only: include it only where yaml-cpp is linked.
#ifndef GW_COMMON_YAML_ERRORS_H_
#define GW_COMMON_YAML_ERRORS_H_

#include <yaml-cpp/exceptions.h>

#include <exception>
#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"

namespace gw {

// Runs `parse` (which reads YAML through yaml-cpp and returns a Status) and turns what yaml-cpp
// throws into kInvalidArgument "<file>:<line>: YAML syntax error: <what> (check ...)".
template <typename Parse>
Status CatchYamlErrors(std::string_view file_name, Parse&& parse) {
  try {
    return std::forward<Parse>(parse)();
  } catch (const YAML::Exception& e) {
    std::string line = e.mark.is_null() ? "" : ":" + std::to_string(e.mark.line + 1);
    return InvalidArgumentError(std::string(file_name) + line + ": YAML syntax error: " + e.msg +
                                " (check indentation, colons and quoting)");
  } catch (const std::exception& e) {
    return InvalidArgumentError(std::string(file_name) + ": cannot read YAML: " + e.what());
  }
}

}  // namespace gw

#endif  // GW_COMMON_YAML_ERRORS_H_
