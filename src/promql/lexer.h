// PromQL's lexer (Prometheus 2.42's promql/parser/lex.go): numbers, strings with Go escapes,
// durations, identifiers, keywords, operators and punctuation. Comments (#...) are dropped.
#ifndef GW_PROMQL_LEXER_H_
#define GW_PROMQL_LEXER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace gw::promql {

enum class TokenType {
  kEof,
  kNumber,            // text: as written (1, 0x1f, 1e3, Inf, NaN)
  kString,            // text: as written with quotes; value: unquoted
  kDuration,          // 5m, 1h30m, 100ms
  kIdentifier,        // up, rate, job (also every label name inside braces)
  kMetricIdentifier,  // a name containing ':'
  kKeyword,           // bool by without on ignoring group_left group_right offset start end
  kAggregator,     // sum avg min max count stddev stdvar group topk bottomk quantile count_values
  kOperator,       // + - * / % ^ == != > < >= <= and or unless atan2
  kAssign,         // =  (matchers)
  kNotEqualRegex,  // !~
  kEqualRegex,     // =~
  kLeftParen,
  kRightParen,
  kLeftBrace,
  kRightBrace,
  kLeftBracket,
  kRightBracket,
  kComma,
  kColon,
  kAt,
};

struct Token {
  TokenType type = TokenType::kEof;
  std::string text;   // the source text; keywords, aggregators and word operators lowercased
  std::string value;  // kString: the unquoted value
  size_t pos = 0;     // byte offset in the query
};

// Prometheus' description of a token in "unexpected ..." errors: `<op:+>`, `<aggr:sum>`,
// `<by>`, `identifier "foo"`, `number "1"`, `"("`, `end of input`.
std::string Describe(const Token& t);

// "<line>:<column>" of a byte offset (both 1-based, column in bytes), as Prometheus reports.
std::string LineColumn(std::string_view query, size_t pos);

// Splits `query` into tokens ending with kEof. Errors: kInvalidArgument
// "<line>:<col>: parse error: <what>", e.g. "unterminated quoted string", "unexpected
// character: '$'", "bad number or duration syntax: \"1x\"".
StatusOr<std::vector<Token>> Lex(std::string_view query);

}  // namespace gw::promql

#endif  // GW_PROMQL_LEXER_H_
