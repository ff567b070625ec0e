// day_of_month, day_of_week, day_of_year, days_in_month, hour, minute, month, year
// (Prometheus 2.42's dateWrapper), computed as Go's time package computes them in UTC, so that
// even values outside any sensible date (NaN, ±Inf, 1e20) give Prometheus' answers.
#include <cmath>
#include <cstdint>
#include <limits>
#include <unordered_map>

#include "promql/eval_functions_internal.h"

namespace gw::promql::internal {
namespace {

constexpr uint64_t kSecondsPerDay = 86400;
constexpr uint64_t kDaysPer400Years = 365 * 400 + 97;
constexpr uint64_t kDaysPer100Years = 365 * 100 + 24;
constexpr uint64_t kDaysPer4Years = 365 * 4 + 1;
// Go's "absolute" time counts seconds from a Monday, 1 January of year -292277022399; this is
// the absolute time of the Unix epoch.
constexpr int64_t kAbsoluteZeroYear = -292277022399;
constexpr uint64_t kUnixToAbsolute = 9223372028715321600ULL;

// Go's int64(v) on amd64: NaN and values out of range become the least int64; the rest are
// truncated toward zero.
int64_t GoInt64(double v) {
  constexpr double kTwo63 = 9223372036854775808.0;
  if (!(v >= -kTwo63 && v < kTwo63)) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

struct Date {
  int64_t year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31
  int yday = 0;   // 0..365
  uint64_t abs = 0;
};

bool IsLeap(int64_t year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

// Days before each month in a non-leap year (Go's daysBefore).
constexpr int kDaysBefore[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};

// Go's absDate: the Unix seconds' date in UTC. Arithmetic wraps as Go's does.
Date DateOf(int64_t unix_s) {
  Date date;
  date.abs = static_cast<uint64_t>(unix_s) + kUnixToAbsolute;
  uint64_t d = date.abs / kSecondsPerDay;
  uint64_t n = d / kDaysPer400Years;
  uint64_t y = 400 * n;
  d -= kDaysPer400Years * n;
  n = d / kDaysPer100Years;
  n -= n >> 2;  // the last day of a 400-year cycle
  y += 100 * n;
  d -= kDaysPer100Years * n;
  n = d / kDaysPer4Years;
  y += 4 * n;
  d -= kDaysPer4Years * n;
  n = d / 365;
  n -= n >> 2;  // the last day of a 4-year cycle
  y += n;
  d -= 365 * n;
  date.year = static_cast<int64_t>(y) + kAbsoluteZeroYear;
  date.yday = static_cast<int>(d);
  int day = date.yday;
  if (IsLeap(date.year)) {
    if (day == 31 + 29 - 1) {
      date.month = 2;
      date.day = 29;
      return date;
    }
    if (day > 31 + 29 - 1) --day;  // after the leap day: as if it were not there
  }
  int month = day / 31;  // an estimate at most one month low
  int begin = kDaysBefore[month];
  if (day >= kDaysBefore[month + 1]) begin = kDaysBefore[++month];
  date.month = month + 1;
  date.day = day - begin + 1;
  return date;
}

double DayOfMonth(const Date& d) { return d.day; }
double DayOfWeek(const Date& d) {
  // The absolute epoch is a Monday; Sunday is 0.
  const uint64_t weekday = ((d.abs + kSecondsPerDay) % (7 * kSecondsPerDay)) / kSecondsPerDay;
  return static_cast<double>(weekday);
}
double DayOfYear(const Date& d) { return d.yday + 1; }
double DaysInMonth(const Date& d) {
  if (d.month == 2) return IsLeap(d.year) ? 29 : 28;
  return kDaysBefore[d.month] - kDaysBefore[d.month - 1];
}
// Whole hours and minutes: the divisions truncate on purpose, as Go's do.
double Hour(const Date& d) {
  const uint64_t hour = d.abs % kSecondsPerDay / 3600;
  return static_cast<double>(hour);
}
double Minute(const Date& d) {
  const uint64_t minute = d.abs % 3600 / 60;
  return static_cast<double>(minute);
}
double Month(const Date& d) { return d.month; }
double Year(const Date& d) { return static_cast<double>(d.year); }

using DateFn = double (*)(const Date&);

// With no argument, the evaluation time (a one-element vector without labels); otherwise each
// element's value as Unix seconds, without __name__.
template <DateFn kField>
StatusOr<Vector> DateFunction(std::span<const ArgValue> args, int64_t t_ms) {
  if (args.empty()) return Vector{{tsdb::Labels(), t_ms, kField(DateOf(t_ms / 1000))}};
  Vector out;
  for (const VectorElement& e : VectorArg(args, 0)) {
    out.push_back({DropMetricName(e.metric), t_ms, kField(DateOf(GoInt64(e.v)))});
  }
  return out;
}

}  // namespace

InstantFn FindDateFn(std::string_view name) {
  static const auto* const kFns = new std::unordered_map<std::string_view, InstantFn>{
      {"day_of_month", DateFunction<DayOfMonth>},
      {"day_of_week", DateFunction<DayOfWeek>},
      {"day_of_year", DateFunction<DayOfYear>},
      {"days_in_month", DateFunction<DaysInMonth>},
      {"hour", DateFunction<Hour>},
      {"minute", DateFunction<Minute>},
      {"month", DateFunction<Month>},
      {"year", DateFunction<Year>},
  };
  auto it = kFns->find(name);
  return it == kFns->end() ? nullptr : it->second;
}

}  // namespace gw::promql::internal
