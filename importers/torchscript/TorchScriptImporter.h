// TorchScriptImporter.h - the public entry of the TorchScript front end (no LibTorch in sight).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ir/ModelParameters.h"
#include "ir/Module.h"

namespace weft {

// Reads a TorchScript file (torch.jit.script or torch.jit.trace, saved with torch.jit.save)
// through LibTorch: freezes it (weights become constants), inlines, runs LibTorch's
// lowering passes, and translates forward into a module whose @main takes forward's
// arguments (named after them, in order) and returns forward's result as is (a tuple
// stays a tuple). int -> i64[], float -> f64[], bool -> bool[], List -> List, Optional ->
// Option; prim::If -> if, prim::Loop -> a tail-recursive global function.
//
// TorchScript does not record dtypes or ranks of tensor arguments (a traced module saved
// and loaded again has lost its example shapes too), so each tensor argument's type comes,
// in this order, from `inputs.given`, `inputs.shapes`, the file's extra file `weft_inputs`
// (one `name: type` a line in the weft text syntax, e.g. `x: f32[batch, 3, h, w]`; save
// with _extra_files={"weft_inputs": ...}), then `inputs.samples`. int -> i64[], float ->
// f64[], bool -> bool[] and lists or optionals of them need none of these.
// Throws CompileError naming the aten schema and the Python source line for anything it
// cannot translate, and naming the argument for one without a type or a name in `given`
// or `shapes` that forward does not have; never returns a partial module.
struct TorchScriptInputTypes {
  // An argument's whole weft type (`Option[f32[k]]` for an Optional[Tensor]), by name.
  std::map<std::string, Type> given;
  // A Tensor argument's static shape: its dtype is the one weft_inputs declares, else f32.
  // Where weft_inputs declares the argument, the declared type is kept (of the same rank)
  // so that specialize_inputs (opt/) can bind its symbols across the whole module.
  std::map<std::string, std::vector<int64_t>> shapes;
  // The last resort: the tensor type of a value the caller will pass (for an Optional or
  // List argument, of its element), e.g. an .npy's dtype and rank with every dim `?`, so
  // that one import serves every size. Names that are not arguments are ignored.
  std::map<std::string, Type> samples;
};
// With `parameters`, the parameters it names (paths as named_parameters() gives them) become
// inputs of @main after forward's arguments (ir/ModelParameters.h), their values written into it.
Module import_torchscript(const std::string& path, const TorchScriptInputTypes& inputs = {}, ParametersAsInputs* parameters = nullptr);

}  // namespace weft
