// "Did you mean ...?" for error messages about unknown keys and names.
#ifndef GW_COMMON_SUGGEST_H_
#define GW_COMMON_SUGGEST_H_

#include <cstddef>
#include <span>
#include <string_view>

namespace gw {

// The Levenshtein distance between a and b.
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is close enough to be a likely typo (distance at most
// max(min_distance, |word| / 3)), else "".
std::string_view ClosestMatch(std::string_view word, std::span<const std::string_view> candidates,
                              size_t min_distance = 2);

}  // namespace gw

#endif  // GW_COMMON_SUGGEST_H_
