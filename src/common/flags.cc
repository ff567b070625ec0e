#include "common/flags.h"

#include <charconv>
#include <limits>

namespace gw {
namespace {

struct Unit {
  std::string_view name;
  int64_t ms;
};

// Longest names first so that "ms" is not read as "m" followed by "s".
constexpr Unit kUnits[] = {
    {"ms", 1},         {"y", 365LL * 86'400'000}, {"w", 7LL * 86'400'000},
    {"d", 86'400'000}, {"h", 3'600'000},          {"m", 60'000},
    {"s", 1'000},
};

Status BadDuration(std::string_view text, std::string_view why) {
  return InvalidArgumentError("duration \"" + std::string(text) + "\": " + std::string(why) +
                              " (use a number and a unit: ms, s, m, h, d, w, y; e.g. 1m30s)");
}

}  // namespace

StatusOr<int64_t> ParseDurationMs(std::string_view text) {
  if (text.empty()) return BadDuration(text, "empty");
  if (text == "0") return int64_t{0};
  int64_t total = 0;
  std::string_view rest = text;
  int64_t previous_unit_ms = std::numeric_limits<int64_t>::max();
  while (!rest.empty()) {
    uint64_t number = 0;
    auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), number);
    if (ec != std::errc() || ptr == rest.data()) return BadDuration(text, "expected a number");
    rest.remove_prefix(static_cast<size_t>(ptr - rest.data()));
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {
      if (rest.substr(0, u.name.size()) == u.name) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) return BadDuration(text, "unknown unit");
    // As Prometheus' model.ParseDuration: units from the largest down, each at most once.
    if (unit->ms >= previous_unit_ms) return BadDuration(text, "units out of order or repeated");
    previous_unit_ms = unit->ms;
    rest.remove_prefix(unit->name.size());
    if (number > static_cast<uint64_t>(std::numeric_limits<int64_t>::max() / unit->ms) ||
        total > std::numeric_limits<int64_t>::max() - static_cast<int64_t>(number) * unit->ms) {
      return BadDuration(text, "too large");
    }
    total += static_cast<int64_t>(number) * unit->ms;
  }
  return total;
}

std::string FormatDurationMs(int64_t ms) {
  if (ms == 0) return "0s";
  std::string out;
  for (const Unit& u :
       {kUnits[1], kUnits[2], kUnits[3], kUnits[4], kUnits[5], kUnits[6], kUnits[0]}) {
    if (ms >= u.ms) {
      out += std::to_string(ms / u.ms);
      out += u.name;
      ms %= u.ms;
    }
  }
  return out;
}

StatusOr<ListenAddress> ParseListenAddress(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return InvalidArgumentError("listen address \"" + std::string(text) +
                                "\": " + std::string(why) + " (use host:port, :port or [v6]:port)");
  };
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad("missing port");
  ListenAddress out;
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return bad("IPv6 addresses need brackets");
  }
  out.host = std::string(host);
  std::string_view port = text.substr(colon + 1);
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || value > 65535) {
    return bad("port must be a number from 0 to 65535");
  }
  out.port = static_cast<uint16_t>(value);
  return out;
}

}  // namespace gw
