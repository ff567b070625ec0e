// SdiagArgs, ParseSdiag and Sdiag::Get (commands.h, slurm_types.h).
#include <cctype>
#include <charconv>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "slurm/commands.h"
#include "slurm/parse_util.h"

namespace gw::slurm {
namespace {

using internal::Quote;
using internal::Trim;

// "Total backfilled jobs (since last slurm start)" ->
// "total_backfilled_jobs_since_last_slurm_start".
std::string KeyOf(std::string_view name) {
  std::string key;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!key.empty() && key.back() != '_') {
      key += '_';
    }
  }
  if (!key.empty() && key.back() == '_') key.pop_back();
  return key;
}

// Shorter names for the long backfill lines (the names vpenso's and SckyzO's exporters use).
std::string Rename(const std::string& key) {
  static const std::unordered_map<std::string_view, std::string_view> kRenames = {
      {"total_backfilled_jobs_since_last_slurm_start", "total_backfilled_jobs_since_start"},
      {"total_backfilled_jobs_since_last_stats_cycle_start", "total_backfilled_jobs_since_cycle"},
      {"total_backfilled_heterogeneous_job_components", "total_backfilled_heterogeneous"}};
  auto it = kRenames.find(key);
  return it == kRenames.end() ? key : std::string(it->second);
}

bool ParseNumber(std::string_view text, double* value) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return ec == std::errc() && end == text.data() + text.size();
}

enum class ValueKind { kNumber, kNone, kBad };

// "3" and "18 microseconds" are numbers (the first word); "Mon Jan 15 10:00:00 2024 (1705312800)"
// is the Unix time in parentheses; anything else not starting with a digit ("None", "N/A") has
// no value.
ValueKind ParseValue(std::string_view text, double* value) {
  std::string_view word = text.substr(0, text.find_first_of(" \t"));
  bool numeric_start = !word.empty() && (std::isdigit(static_cast<unsigned char>(word[0])) ||
                                         word[0] == '-' || word[0] == '.');
  if (numeric_start) return ParseNumber(word, value) ? ValueKind::kNumber : ValueKind::kBad;
  size_t open = text.rfind('(');
  if (open != std::string_view::npos && text.ends_with(')')) {
    int64_t seconds = 0;
    if (internal::ParseNonNegative(text.substr(open + 1, text.size() - open - 2), &seconds)) {
      *value = static_cast<double>(seconds);
      return ValueKind::kNumber;
    }
  }
  return ValueKind::kNone;
}

class SdiagReader {
 public:
  // Returns false once the RPC statistics start: nothing after them is read.
  StatusOr<bool> Line(int line_number, std::string_view line);
  Sdiag Take() { return std::move(sdiag_); }

 private:
  Status Add(int line_number, std::string_view name, std::string_view value_text);

  Sdiag sdiag_;
  std::string prefix_;  // "", "main." or "backfill."
};

StatusOr<bool> SdiagReader::Line(int line_number, std::string_view line) {
  line = Trim(line);
  if (line.starts_with("Remote Procedure Call statistics") ||
      line.starts_with("Pending RPC statistics")) {
    return false;
  }
  if (line.starts_with("***")) return true;
  if (line.starts_with("Main schedule statistics")) {
    prefix_ = "main.";
    return true;
  }
  if (line.starts_with("Backfilling stats")) {
    prefix_ = "backfill.";
    return true;
  }
  // Follows the backfill section but belongs to none.
  if (line.starts_with("Latency for")) prefix_.clear();
  // "sdiag output at <date> (<unix>)" and "Data since <date> (<unix>)": no ':' after the name.
  for (std::string_view name : {"sdiag output at", "Data since"}) {
    if (line.starts_with(name)) {
      GW_RETURN_IF_ERROR(Add(line_number, name, Trim(line.substr(name.size()))));
      return true;
    }
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    return InvalidArgumentError("line " + std::to_string(line_number) +
                                ": expected \"Name: "
                                "value\" or a section title of sdiag, got " +
                                Quote(line));
  }
  GW_RETURN_IF_ERROR(Add(line_number, Trim(line.substr(0, colon)), Trim(line.substr(colon + 1))));
  return true;
}

Status SdiagReader::Add(int line_number, std::string_view name, std::string_view value_text) {
  double value = 0;
  switch (ParseValue(value_text, &value)) {
    case ValueKind::kNumber:
      sdiag_.values[prefix_ + Rename(KeyOf(name))] = value;
      return Status::Ok();
    case ValueKind::kNone:
      return Status::Ok();
    case ValueKind::kBad:
      break;
  }
  return InvalidArgumentError("line " + std::to_string(line_number) + ": value " +
                              Quote(value_text) + " of " + Quote(name) + " is not a number");
}

}  // namespace

std::optional<double> Sdiag::Get(const std::string& key) const {
  auto it = values.find(key);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> SdiagArgs(const std::string& sdiag_path) { return {sdiag_path}; }

StatusOr<Sdiag> ParseSdiag(std::string_view text) {
  SdiagReader reader;
  bool done = false;
  Status status = internal::ForEachLine(text, [&](int line_number, std::string_view line) {
    if (done) return Status::Ok();
    GW_ASSIGN_OR_RETURN(bool more, reader.Line(line_number, line));
    done = !more;
    return Status::Ok();
  });
  if (!status.ok()) return status;
  Sdiag sdiag = reader.Take();
  if (!sdiag.Get("server_thread_count").has_value()) {
    return InvalidArgumentError("no \"Server thread count:\" line in " + Quote(text.substr(0, 60)) +
                                ": is this the output of sdiag?");
  }
  return sdiag;
}

}  // namespace gw::slurm
