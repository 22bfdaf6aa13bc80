// TempBuild.h - a scratch directory for a library that a command compiles for its own use (`weft check`, `weft bench`), and that library's name.
#pragma once

#include <filesystem>
#include <string>

namespace weft::cli {

// A fresh directory under the system's temporary directory, removed with everything in it
// when this goes out of scope. CompileError when it cannot be made.
struct TempDir {
  explicit TempDir(const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::filesystem::path path;
};

// The C identifier (NAME_api) of a library compiled from `model`: its file stem, with every
// other character made '_' and a leading digit prefixed.
std::string library_name_for(const std::string& model);

}  // namespace weft::cli
