// PromQL's function table (Prometheus 2.42's promql/parser/functions.go): names, argument
// types and return types, for the parser's type checks.
#ifndef GW_PROMQL_FUNCTIONS_H_
#define GW_PROMQL_FUNCTIONS_H_

#include <string_view>
#include <vector>

#include "promql/ast.h"

namespace gw::promql {

struct Function {
  std::string_view name;
  std::vector<ValueType> arg_types;
  // 0: exactly arg_types.size() arguments. n > 0: the last argument type may be given 0..n
  // times. -1: the last type may repeat without limit (label_join).
  int variadic = 0;
  ValueType return_type = ValueType::kVector;
};

// nullptr if `name` is not a PromQL function. The result lives as long as the program.
const Function* FindFunction(std::string_view name);

}  // namespace gw::promql

#endif  // GW_PROMQL_FUNCTIONS_H_
