// Helpers shared by the Slurm output parsers. Internal to gw_slurm: not part of its API.
#ifndef GW_SLURM_PARSE_UTIL_H_
#define GW_SLURM_PARSE_UTIL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace gw::slurm::internal {

// Calls fn(line_number, line) for every non-blank line of text (1-based numbers; "\r\n" endings
// accepted). Stops at, and returns, the first error fn returns.
template <typename Fn>
Status ForEachLine(std::string_view text, Fn&& fn);

// Splits a line of `-O "Field:|,..."` output into exactly `count` fields. Every field is
// followed by '|', so one trailing '|' is dropped; the last field takes the rest of the line,
// '|' included, when `last_may_hold_separator` (a free-text Reason). Errors: kInvalidArgument
// "line N: expected 9 '|'-separated fields (<field names>), got 7".
StatusOr<std::vector<std::string_view>> SplitFields(std::string_view line, int line_number,
                                                    size_t count, std::string_view field_names,
                                                    bool last_may_hold_separator);

// Splits on `sep` with no special cases ("" gives one empty piece).
std::vector<std::string_view> Split(std::string_view text, char sep);

std::string_view Trim(std::string_view text);

// A whole decimal integer in [0, INT64_MAX], nothing else around it.
bool ParseNonNegative(std::string_view text, int64_t* out);

// A field that must be a non-negative integer. Errors: kInvalidArgument
// `line N: <field> "x" is not a non-negative integer`.
StatusOr<int64_t> ParseCountField(std::string_view text, int line_number, std::string_view field);

// a + b and a * b for non-negative a, b, stopping at INT64_MAX instead of overflowing (counts
// from hostile input must not be undefined behaviour).
int64_t SaturatingAdd(int64_t a, int64_t b);
int64_t SaturatingMul(int64_t a, int64_t b);

// "..." around text, with control characters escaped and long text cut, for error messages.
std::string Quote(std::string_view text);

// ---- implementation of the template ----

template <typename Fn>
Status ForEachLine(std::string_view text, Fn&& fn) {
  int line_number = 0;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (Trim(line).empty()) continue;
    GW_RETURN_IF_ERROR(fn(line_number, line));
  }
  return Status::Ok();
}

}  // namespace gw::slurm::internal

#endif  // GW_SLURM_PARSE_UTIL_H_
