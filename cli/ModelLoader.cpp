// ModelLoader.cpp - file extension to front end, then well-formedness and type inference.
#include "cli/ModelLoader.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ir/Parser.h"
#include "ir/TypeInference.h"
#include "ir/WellFormed.h"

namespace weft::cli {

namespace fs = std::filesystem;

namespace {
std::string read_text(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw CompileError(Span{path, 0, 0}, "no such file");
  if (fs::is_directory(path, ec)) throw CompileError(Span{path, 0, 0}, "is a directory, expected a model file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CompileError(Span{path, 0, 0}, "cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

Module load_model(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  Module m;
  if (ext == ".weft") {
    m = parse_module(read_text(path), path);
  } else if (ext == ".onnx" || ext == ".pt") {
    read_text(path);  // report a missing file first
    throw CompileError(Span{path, 0, 0}, "this build of weft cannot import " + ext + " models yet (its importer has not landed)");
  } else {
    throw CompileError(Span{path, 0, 0}, "unknown model format '" + ext + "' (expected .weft, .onnx or .pt)");
  }
  check_well_formed(m);
  if (!m.main()) throw CompileError(Span{path, 0, 0}, "module has no @main function");
  infer_types(m);
  return m;
}

}  // namespace weft::cli
