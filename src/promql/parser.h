// PromQL's parser: Prometheus 2.42's grammar (promql/parser/generated_parser.y) and its type
// checks (checkAST), written as recursive descent with precedence climbing.
#ifndef GW_PROMQL_PARSER_H_
#define GW_PROMQL_PARSER_H_

#include <string_view>

#include "common/status.h"
#include "promql/ast.h"

namespace gw::promql {

// Parses and type-checks one expression. Errors: kInvalidArgument
// "<line>:<col>: parse error: <what>" with Prometheus' wording where it is known, e.g.
// `1:6: parse error: unexpected <op:*>`,
// `1:1: parse error: expected type range vector in call to function "rate", got instant vector`.
// The tree owns everything it points to, except Call::func (a static table).
StatusOr<ExprPtr> ParseExpr(std::string_view query);

// Parses a duration as PromQL writes it ("1h30m", "5m", "100ms", "1y"): the units y w d h m s
// ms, each at most once, in that order. Errors name the input; 0 is an error, as in PromQL.
StatusOr<int64_t> ParseDurationMs(std::string_view text);

}  // namespace gw::promql

#endif  // GW_PROMQL_PARSER_H_
