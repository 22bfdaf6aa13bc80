// ModelLoader.h - turns a model file named on the command line into a checked IR module.
#pragma once

#include <string>

#include "ir/Module.h"

namespace weft::cli {

// Reads FILE by its extension (.weft text IR; .onnx and .pt once their importers land),
// checks it is well formed and infers its types. Throws CompileError naming the file
// (and line) for anything wrong with it.
Module load_model(const std::string& path);

}  // namespace weft::cli
