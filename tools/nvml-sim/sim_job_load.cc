// Reading load files: names, contents and the directory scan.
#include "sim_job_load.h"

#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

namespace gw::nvmlsim {
namespace {

constexpr double kMaxMemoryMib = 1e12;
constexpr std::streamsize kMaxFileBytes = 4096;  // a load file is one short line

template <typename T>
bool ParseDecimal(std::string_view text, T& value) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

// A value in [0, max]; false for anything else (including "nan" and "inf").
bool ParseBounded(std::string_view text, double max, double& value) {
  return ParseDecimal(text, value) && std::isfinite(value) && value >= 0 && value <= max;
}

Status SetValue(std::string_view key, std::string_view text, ProcessLoad& load,
                std::set<std::string, std::less<>>& seen) {
  if (!seen.emplace(key).second) {
    return InvalidArgumentError(fmt::format("\"{}\" is given twice", key));
  }
  double value = 0;
  bool ok = false;
  if (key == "utilization") {
    ok = ParseBounded(text, 100, load.utilization);
  } else if (key == "memory_mib") {
    ok = ParseBounded(text, kMaxMemoryMib, load.memory_mib);
  } else if (key == "memory_utilization") {
    ok = ParseBounded(text, 100, value);
    load.memory_utilization = value;
  } else {
    return InvalidArgumentError(
        fmt::format("unknown key \"{}\" (use utilization, memory_mib, memory_utilization)", key));
  }
  if (!ok) return InvalidArgumentError(fmt::format("bad value \"{}\" for {}", text, key));
  return Status::Ok();
}

void Complain(std::set<std::string>& warned, const std::string& name, std::string_view what) {
  if (!warned.insert(name).second) return;
  std::fprintf(stderr, "nvml-sim: load file %s ignored: %.*s\n", name.c_str(),
               static_cast<int>(what.size()), what.data());
}

StatusOr<ProcessLoad> ReadLoadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoError("cannot open it", errno);
  std::string text(static_cast<size_t>(kMaxFileBytes), '\0');
  in.read(text.data(), kMaxFileBytes);
  text.resize(static_cast<size_t>(in.gcount()));
  return ParseLoadFile(text);
}

}  // namespace

std::optional<std::pair<unsigned, uint32_t>> ParseLoadFileName(std::string_view name) {
  size_t dot = name.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::string_view index_text = name.substr(0, dot);
  std::string_view pid_text = name.substr(dot + 1);
  unsigned index = 0;
  uint32_t pid = 0;
  // from_chars accepts no sign or spaces, so only plain digits get through.
  if (!ParseDecimal(index_text, index) || !ParseDecimal(pid_text, pid)) return std::nullopt;
  // pid 0 and pids beyond pid_t would make kill() signal a process group.
  if (pid == 0 || pid > static_cast<uint32_t>(INT_MAX)) return std::nullopt;
  return std::make_pair(index, pid);
}

StatusOr<ProcessLoad> ParseLoadFile(std::string_view text) {
  ProcessLoad load;
  std::set<std::string, std::less<>> seen;
  std::istringstream tokens{std::string(text)};
  std::string token;
  while (tokens >> token) {
    size_t eq = token.find('=');
    if (eq == std::string::npos) {
      return InvalidArgumentError(fmt::format("\"{}\" is not key=value", token));
    }
    std::string_view view(token);
    GW_RETURN_IF_ERROR(SetValue(view.substr(0, eq), view.substr(eq + 1), load, seen));
  }
  for (std::string_view required : {"utilization", "memory_mib"}) {
    if (!seen.contains(required)) {
      return InvalidArgumentError(fmt::format("{}= is missing", required));
    }
  }
  return load;
}

bool ProcessAlive(uint32_t pid) { return kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM; }

std::vector<std::vector<ProcessLoad>> ScanLoadDir(const std::string& dir, size_t gpu_count,
                                                  std::set<std::string>& warned) {
  std::vector<std::vector<ProcessLoad>> per_gpu(gpu_count);
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  // A missing dir is no load: the jobs create it, and none may have run yet.
  for (; !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    std::optional<std::pair<unsigned, uint32_t>> key = ParseLoadFileName(name);
    std::error_code type_ec;
    if (!key || key->first >= gpu_count || !it->is_regular_file(type_ec)) continue;
    if (!ProcessAlive(key->second)) continue;
    StatusOr<ProcessLoad> load = ReadLoadFile(it->path());
    if (!load.ok()) {
      Complain(warned, it->path().string(), load.status().message());
      continue;
    }
    load->pid = key->second;
    per_gpu[key->first].push_back(*load);
  }
  for (auto& loads : per_gpu) {
    std::sort(loads.begin(), loads.end(),
              [](const ProcessLoad& a, const ProcessLoad& b) { return a.pid < b.pid; });
  }
  return per_gpu;
}

}  // namespace gw::nvmlsim
