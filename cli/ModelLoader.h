// ModelLoader.h - turns a model file named on the command line into a checked IR module.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cli/InputTypeFlags.h"
#include "cli/ValueIO.h"
#include "ir/ModelParameters.h"
#include "ir/Module.h"

namespace weft::cli {

// Reads FILE by its extension (.weft text IR, .onnx, .pt) into a well-formed module with
// every type inferred. Throws CompileError naming the file
// (and line) for anything wrong with it.
// `inputs.types` (--input-type) refine @main's declared input types (refine_input_types);
// a .pt takes them, and `inputs.shapes`, as the types of forward's tensor arguments, and
// `samples` (the tensor type of the value each input will get, e.g. an .npy's dtype and
// rank with every dim `?`) for the arguments nothing else types. The caller still specializes to `inputs.shapes` (specialize_inputs):
// that binds the symbols a model declares across the whole module.
// With `parameters`, the weights it names become @main inputs after the model's own
// (ir/ModelParameters.h); a .weft model has none, so naming any is a CompileError.
Module load_model(const std::string& path, const InputTypes& inputs = {}, const std::map<std::string, Type>& samples = {},
                  ParametersAsInputs* parameters = nullptr);

// load_model for a run on the files `inputs`: a TorchScript forward records no tensor
// types, so the files say what its inputs are, first with every dim `?` (one import for
// every size), then, if that import fails, with the files' sizes. Other formats ignore them.
Module load_model_for_inputs(const std::string& path, const InputTypes& types, const std::vector<NamedInput>& inputs);

}  // namespace weft::cli
