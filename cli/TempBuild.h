// TempBuild.h - a scratch directory for a library that a command compiles for its own use (`weft check`, `weft bench`), and that library's name.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "cli/CompileCommand.h"

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

// What `weft check` and `weft bench` compile a model with (their -O, --cpu and --input-shape).
struct OwnBuild {
  PipelineFlags passes;
  std::string cpu = "native";
  std::vector<InputShape> shapes;
};

// Compiles `m`, loaded from the file `model`, into `dir` as lib<stem>.so (NAME_api is the file's
// stem made a C identifier) and returns its path. `command` ("weft check") names the progress
// line shown on a terminal when `progress` is set. The library's description for a report is
// described_build(model, build).
std::string compile_for_own_use(const Module& m, const std::string& model, const OwnBuild& build, const TempDir& dir,
                                const std::string& command, bool progress);
std::string described_build(const std::string& model, const OwnBuild& build);

}  // namespace weft::cli
