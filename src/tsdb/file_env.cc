#include "tsdb/file_env.h"

namespace gw::tsdb {

std::string JoinPath(std::string_view dir, std::string_view name) {
  std::string path(dir);
  if (!path.empty() && path.back() != '/') path += '/';
  path += name;
  return path;
}

Status WriteStringToFile(Env* env, std::string_view data, const std::string& path) {
  GW_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, env->NewWritableFile(path));
  GW_RETURN_IF_ERROR(file->Append(data));
  GW_RETURN_IF_ERROR(file->Sync());
  return file->Close();
}

StatusOr<std::string> ReadFileToString(Env* env, const std::string& path) {
  GW_ASSIGN_OR_RETURN(std::unique_ptr<SequentialFile> file, env->NewSequentialFile(path));
  std::string out;
  char buf[8192];
  for (;;) {
    GW_ASSIGN_OR_RETURN(size_t n, file->Read(sizeof(buf), buf));
    if (n == 0) return out;
    out.append(buf, n);
  }
}

}  // namespace gw::tsdb
