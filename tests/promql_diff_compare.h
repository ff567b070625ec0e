// Comparing two answers of the Prometheus query API, and the query list of the differential
// test. Pure functions, tested in promql_differential_test.cc.
#ifndef GW_TESTS_PROMQL_DIFF_COMPARE_H_
#define GW_TESTS_PROMQL_DIFF_COMPARE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "tests/promql_diff_harness.h"

namespace gw::promql_diff {

// One line of queries.txt.
struct QueryCase {
  std::string text;           // with placeholders (T0, T1) still in
  int line = 0;               // 1-based line in the file
  bool expect_error = false;  // in the "#! errors" section: the reference must fail it
};

// Reads the query list: one query per line; blank lines and lines starting with '#' are
// skipped; a line "#! errors" starts the section of queries both sides must reject.
// Errors: kNotFound when the file cannot be read, kInvalidArgument when it holds no query.
StatusOr<std::vector<QueryCase>> LoadQueries(const std::string& path);

// Replaces each whole-word placeholder (e.g. "T0") with its value ("1700000012.345").
std::string Substitute(std::string_view query, const std::map<std::string, std::string>& values);

// True when the outermost expression (after stripping parentheses) is a call of sort or
// sort_desc, where an instant vector's order is part of the answer.
bool OutermostIsSort(std::string_view query);

struct Tolerance {
  double relative = 1e-6;
  double absolute = 1e-9;  // for values near zero
};

// Float values as the API writes them: "NaN", "+Inf", "-Inf" or a decimal.
bool ValuesAgree(double want, double got, const Tolerance& tol = {});

// Compares the reference's answer `want` with the answer under test `got`. nullopt when they
// agree; otherwise a short description of the first differences (a few lines). `ordered`:
// the order of an instant vector matters. Errors agree when both are errors of the same
// errorType (and HTTP status); error texts are not compared.
std::optional<std::string> CompareAnswers(const ApiAnswer& want, const ApiAnswer& got, bool ordered,
                                          const Tolerance& tol = {});

// True when the answer is a successful result with at least one series, sample or scalar.
bool HasData(const ApiAnswer& answer);
// True when the answer is a well-formed API error ({"status":"error",...}).
bool IsApiError(const ApiAnswer& answer);

}  // namespace gw::promql_diff

#endif  // GW_TESTS_PROMQL_DIFF_COMPARE_H_
