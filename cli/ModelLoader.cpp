// ModelLoader.cpp - file extension to front end, then well-formedness and type inference.
#include "cli/ModelLoader.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ir/Parser.h"
#include "ir/TypeInference.h"
#include "ir/WellFormed.h"
#ifdef WEFT_HAVE_ONNX
#include "importers/onnx/OnnxImporter.h"
#endif
#ifdef WEFT_HAVE_TORCHSCRIPT
#include "importers/torchscript/TorchScriptImporter.h"
#endif

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
    read_text(path);  // report a missing or unreadable file first, the same way for every format
#ifdef WEFT_HAVE_ONNX
    if (ext == ".onnx") m = import_onnx(path);
#endif
#ifdef WEFT_HAVE_TORCHSCRIPT
    if (ext == ".pt") m = import_torchscript(path);
#endif
    if (!m.main())
      throw CompileError(Span{path, 0, 0}, "this build of weft has no " + ext + " importer (its package was not found at configure time)");
  } else {
    throw CompileError(Span{path, 0, 0}, "unknown model format '" + ext + "' (expected .weft, .onnx or .pt)");
  }
  check_well_formed(m);
  if (!m.main()) throw CompileError(Span{path, 0, 0}, "module has no @main function");
  infer_types(m);
  return m;
}

}  // namespace weft::cli
