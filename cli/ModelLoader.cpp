// ModelLoader.cpp - file extension to front end, then well-formedness and type inference.
#include "cli/ModelLoader.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "cli/ValueIO.h"
#include "ir/Parser.h"
#include "ir/TypeInference.h"
#include "opt/SpecializeInputs.h"
#ifdef WEFT_HAVE_ONNX
#include "importers/onnx/OnnxImporter.h"
#endif
#ifdef WEFT_HAVE_TORCHSCRIPT
#include "importers/torchscript/TorchScriptImporter.h"
#endif

namespace weft::cli {

namespace fs = std::filesystem;

namespace {

// Reports a missing, unreadable or directory path the same way for every format.
void check_readable(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw CompileError(Span{path, 0, 0}, "no such file");
  if (fs::is_directory(path, ec)) throw CompileError(Span{path, 0, 0}, "is a directory, expected a model file");
  if (!std::ifstream(path, std::ios::binary)) throw CompileError(Span{path, 0, 0}, "cannot open file");
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

Module load_model(const std::string& path, const InputTypes& inputs, [[maybe_unused]] const std::map<std::string, Type>& samples,
                  ParametersAsInputs* parameters) {
  std::string ext = fs::path(path).extension().string();
  if (ext != ".weft" && ext != ".onnx" && ext != ".pt")
    throw CompileError(Span{path, 0, 0}, "unknown model format '" + ext + "' (expected .weft, .onnx or .pt)");
  check_readable(path);
  Module m;
  if (ext == ".weft") {
    if (parameters && !parameters->names.empty())
      throw CompileError(Span{path, 0, 0}, "@main has no input named '" + parameters->names[0] + "' (a .weft model has no named parameters: its weights are constants)");
    m = parse_module(read_text(path), path);
    infer_types(m);  // checks well-formedness first
    m = refine_input_types(m, inputs.types);
  } else {
    // The importers return type-checked modules.
#ifdef WEFT_HAVE_ONNX
    if (ext == ".onnx") m = refine_input_types(import_onnx(path, parameters), inputs.types);
#endif
#ifdef WEFT_HAVE_TORCHSCRIPT
    if (ext == ".pt") {
      TorchScriptInputTypes ts;
      for (const InputType& t : inputs.types) ts.given[t.name] = t.type;
      for (const InputShape& s : inputs.shapes) ts.shapes[s.name] = s.dims;
      ts.samples = samples;
      m = import_torchscript(path, ts, parameters);
    }
#endif
    if (m.function_names().empty())
      throw CompileError(Span{path, 0, 0}, "this build of weft has no " + ext + " importer (its package was not found at configure time)");
  }
  if (!m.main()) throw CompileError(Span{path, 0, 0}, "module has no @main function");
  return m;
}

// A TorchScript forward records no tensor types: the files given say what the inputs are,
// first with every dim `?` (one import for every size), then, if that import fails, with
// the files' sizes (a conversion that needs static sizes, such as adaptive pooling to a
// size that must divide the input's, then has them).
Module load_model_for_inputs(const std::string& file, const InputTypes& types, const std::vector<NamedInput>& inputs) {
  if (std::filesystem::path(file).extension() != ".pt") return load_model(file, types);
  std::map<std::string, Type> open_dims, sized;
  for (const NamedInput& in : inputs) {
    sized[in.name] = sample_type(in.path);
    if (auto* t = as_tensor(sized[in.name])) open_dims[in.name] = tensor_type(t->dtype, Shape(t->shape.size(), Dim::unknown()));
  }
  try {
    return load_model(file, types, open_dims);
  } catch (const CompileError&) {
    if (open_dims.empty()) throw;
    return load_model(file, types, sized);
  }
}

}  // namespace weft::cli
