// Gradient.h - reverse-mode automatic differentiation of whole modules (`weft grad`).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ir/Module.h"

namespace weft {

struct GradientOptions {
  // @main parameters to differentiate with respect to, by name, in the order the gradients are
  // returned. Empty: every floating-point parameter, in order.
  std::vector<std::string> wrt;
  // @main parameters that stand for the model's weights (an importer's ParametersAsInputs,
  // ir/ModelParameters.h), by name: in the gradient program they are constants of these
  // values again, not inputs; `wrt` may name them like inputs.
  std::map<std::string, Tensor> parameters;
};

// Module in (type-checked; @main returns a tensor or a tuple of them) -> module whose @main takes
// @main's parameters, then one cotangent `d_<output name>` per floating-point output (of that
// output's type), and returns the outputs followed by one gradient per `wrt` name (of that
// parameter's type); `parameters` are bound to their values instead of taken. Every other function f becomes @grad_f, taking the backpropagator first.
// The result holds closures and references (see the Note in Gradient.cpp); clean it with
// GradientCleanup. CompileError for an unknown or non-float `wrt` name, an output that is not a
// tensor, a polymorphic closure, or an operator whose gradient is not written yet.
Module Gradient(const Module& m, const GradientOptions& options);

// The passes that tidy a gradient module (inlining, constant folding, dead code), by flag name.
std::vector<std::string> gradient_cleanup_passes();

}  // namespace weft
