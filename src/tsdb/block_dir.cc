// The blocks of a data directory: the crash-safety rules of docs/formats/block.md applied at
// open, and deletion in an order a crash cannot turn into a half-deleted block.
#include <algorithm>
#include <map>

#include "tsdb/block.h"
#include "tsdb/block_format.h"

namespace gw::tsdb {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// A leftover of an interrupted write or delete: <ulid>.tmp or <ulid>.tmp-for-deletion.
bool IsLeftover(std::string_view name) {
  for (std::string_view suffix : {block::kTmpSuffix, block::kDeletionSuffix}) {
    if (EndsWith(name, suffix) && IsUlid(name.substr(0, name.size() - suffix.size()))) return true;
  }
  return false;
}

// Deletes the blocks that another opened block of a higher level was compacted from.
Status DropCompactedParents(Env* env, std::vector<std::unique_ptr<Block>>* blocks) {
  std::map<std::string, int, std::less<>> child_level;  // parent ULID -> highest child level
  for (const auto& b : *blocks) {
    for (const std::string& p : b->meta().parents) {
      child_level[p] = std::max(child_level[p], b->meta().level);
    }
  }
  for (auto& b : *blocks) {
    auto it = child_level.find(b->meta().ulid);
    if (it == child_level.end() || it->second <= b->meta().level) continue;
    const std::string dir = b->dir();
    b.reset();  // close its files before they go
    GW_RETURN_IF_ERROR(DeleteBlock(env, dir));
  }
  std::erase(*blocks, nullptr);
  return Status::Ok();
}

}  // namespace

Status RemoveAll(Env* env, const std::string& path) {
  StatusOr<std::vector<std::string>> children = env->GetChildren(path);
  if (!children.ok()) return env->RemoveFile(path);  // not a directory (or not there)
  for (const std::string& child : *children)
    GW_RETURN_IF_ERROR(RemoveAll(env, JoinPath(path, child)));
  return env->RemoveDir(path);
}

Status DeleteBlock(Env* env, const std::string& dir) {
  std::string trimmed = dir;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  const std::string doomed = trimmed + std::string(block::kDeletionSuffix);
  GW_RETURN_IF_ERROR(env->RenameFile(trimmed, doomed));
  const size_t slash = trimmed.rfind('/');
  GW_RETURN_IF_ERROR(env->SyncDir(slash == std::string::npos ? "." : trimmed.substr(0, slash)));
  return RemoveAll(env, doomed);
}

StatusOr<OpenedBlocks> OpenBlocks(Env* env, const std::string& dir) {
  OpenedBlocks out;
  StatusOr<std::vector<std::string>> names = env->GetChildren(dir);
  if (!names.ok()) {
    if (names.status().code() == StatusCode::kNotFound) return out;
    return names.status();
  }
  std::sort(names->begin(), names->end());
  for (const std::string& name : *names) {
    const std::string path = JoinPath(dir, name);
    if (IsLeftover(name)) {
      GW_RETURN_IF_ERROR(RemoveAll(env, path));
      continue;
    }
    if (!IsUlid(name)) continue;
    StatusOr<std::unique_ptr<Block>> b = Block::Open(env, path);
    if (b.ok()) {
      out.blocks.push_back(std::move(*b));
    } else {
      out.failed.emplace_back(path, b.status());
    }
  }
  GW_RETURN_IF_ERROR(DropCompactedParents(env, &out.blocks));
  std::sort(out.blocks.begin(), out.blocks.end(), [](const auto& a, const auto& b) {
    return std::pair(a->meta().min_t_ms, a->meta().ulid) <
           std::pair(b->meta().min_t_ms, b->meta().ulid);
  });
  return out;
}

}  // namespace gw::tsdb
