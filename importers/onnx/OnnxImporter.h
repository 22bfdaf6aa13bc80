// OnnxImporter.h - the public entry of the ONNX front end.
#pragma once

#include <string>

#include "ir/ModelParameters.h"
#include "ir/Module.h"

namespace weft {

// Reads an ONNX model file and translates its graph into a module whose @main takes the
// graph inputs (by name, in order) and returns its outputs (a tuple when several).
// Control flow (If, Loop, Scan) becomes if and tail-recursive functions; sequences
// become List values, optionals Option values. External data is read only from files
// inside the model's directory. Throws CompileError naming the node (name, op_type,
// domain, opset) and the reason; never returns a partial module.
// With `parameters`, the initializers it names become inputs of @main after the graph inputs
// (ir/ModelParameters.h), their values written into it.
Module import_onnx(const std::string& path, ParametersAsInputs* parameters = nullptr);

}  // namespace weft
