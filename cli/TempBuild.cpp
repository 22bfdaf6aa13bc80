// TempBuild.cpp - scratch directories and library names for commands that compile a model for their own use.
#include "cli/TempBuild.h"

#include <stdlib.h>

#include <cctype>

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

std::string library_name_for(const std::string& model) {
  std::string name = fs::path(model).stem().string();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) name = "m_" + name;
  return name;
}

}  // namespace weft::cli
