// TempBuild.cpp - scratch directories and library names for commands that compile a model for their own use.
#include "cli/TempBuild.h"

#include <stdlib.h>

#include <cctype>
#include <iostream>

#include "ir/Error.h"

namespace weft::cli {

namespace fs = std::filesystem;

TempDir::TempDir(const std::string& prefix) {
  std::string pattern = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (!mkdtemp(pattern.data())) throw CompileError("cannot create a temporary directory in " + fs::temp_directory_path().string());
  path = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path, ec);
}

namespace {

// The C identifier (NAME_api) of a library compiled from `model`: its file stem, with every
// other character made '_' and a leading digit prefixed.
std::string library_name_for(const std::string& model) {
  std::string name = fs::path(model).stem().string();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) name = "m_" + name;
  return name;
}

}  // namespace

std::string compile_for_own_use(const Module& m, const std::string& model, const OwnBuild& build, const TempDir& dir,
                                const std::string& command, bool progress) {
  LibraryBuild b;
  b.name = library_name_for(model);
  b.output = (dir.path / ("lib" + b.name + ".so")).string();
  b.cpu = build.cpu;
  b.passes = build.passes;
  b.shapes = build.shapes;
  static std::ostream null(nullptr);
  if (progress) std::cerr << command << ": compiling " << model << " (-O" << b.passes.level << ")..." << std::flush;
  compile_module(m, b, null);
  if (progress) std::cerr << "\r\033[K" << std::flush;
  return b.output;
}

std::string described_build(const std::string& model, const OwnBuild& build) {
  return model + " compiled by weft (-O" + std::to_string(build.passes.level) + ")";
}

}  // namespace weft::cli
