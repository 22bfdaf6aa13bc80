// ModelParameters.h - named weights an importer keeps as @main inputs instead of constants (`weft grad --wrt`).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ir/Tensor.h"

namespace weft {

// Asks an importer to make the named weights (ONNX initializer names; TorchScript paths as
// `named_parameters()` spells them, `encoder.layers.0.linear1.weight`) inputs of @main,
// after the model's own inputs, in the order given, each named after its weight: then no
// import-time folding hides them, and a gradient can be taken with respect to them. The
// importer fills `values` with each one's tensor, so the caller can bind it back to a
// constant (opt/Gradient.h's GradientOptions::parameters). An unknown name is a CompileError
// naming it.
struct ParametersAsInputs {
  std::vector<std::string> names;
  std::map<std::string, Tensor> values;
};

}  // namespace weft
