// ModelLoader.h - turns a model file named on the command line into a checked IR module.
#pragma once

#include <string>

#include "ir/Module.h"

namespace weft::cli {

// Reads FILE by its extension (.weft text IR, .onnx, .pt) into a well-formed module with
// every type inferred. Throws CompileError naming the file
// (and line) for anything wrong with it.
Module load_model(const std::string& path);

}  // namespace weft::cli
