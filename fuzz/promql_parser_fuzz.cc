// The PromQL parser on arbitrary bytes: it may reject, never crash or hang. Whatever it accepts
// must print to text that parses again to the same tree and prints identically.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "promql/ast.h"
#include "promql/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  gw::StatusOr<gw::promql::ExprPtr> first = gw::promql::ParseExpr(text);
  if (!first.ok()) return 0;
  const std::string printed = gw::promql::ToString(**first);
  gw::StatusOr<gw::promql::ExprPtr> again = gw::promql::ParseExpr(printed);
  if (!again.ok()) {
    std::fprintf(stderr, "printed form does not parse: %s\n%s\n", printed.c_str(),
                 again.status().ToString().c_str());
    std::abort();
  }
  const std::string reprinted = gw::promql::ToString(**again);
  if (reprinted != printed || !gw::promql::Equal(**first, **again)) {
    std::fprintf(stderr, "round trip changed the expression:\n%s\n%s\n", printed.c_str(),
                 reprinted.c_str());
    std::abort();
  }
  return 0;
}
