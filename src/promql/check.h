// The parser's type checks (Prometheus' checkAST), run on a syntactically complete tree.
// Internal to the parser; exposed so the checks can live in their own file.
#ifndef GW_PROMQL_CHECK_H_
#define GW_PROMQL_CHECK_H_

#include <string_view>

#include "common/status.h"
#include "promql/ast.h"

namespace gw::promql {

// Returns the first error in depth-first, left-to-right order, as Prometheus reports its first.
// Also normalises vector matching: dropped when a side is a scalar, many-to-many for set
// operators. `query` is only for error positions.
Status CheckAst(std::string_view query, Expr& e);

}  // namespace gw::promql

#endif  // GW_PROMQL_CHECK_H_
