// TorchScriptImporter.h - the public entry of the TorchScript front end (no LibTorch in sight).
#pragma once

#include <string>
#include <vector>

#include "ir/Module.h"

namespace weft {

// Reads a TorchScript file (torch.jit.script or torch.jit.trace, saved with torch.jit.save)
// through LibTorch: freezes it (weights become constants), inlines, runs LibTorch's
// lowering passes, and translates forward into a module whose @main takes forward's
// arguments (named after them, in order) and returns forward's result as is (a tuple
// stays a tuple). int -> i64[], float -> f64[], bool -> bool[], List -> List, Optional ->
// Option; prim::If -> if, prim::Loop -> a tail-recursive global function.
//
// TorchScript does not record dtypes or ranks of tensor arguments, so they come from the
// file's extra file `weft_inputs` (one `name: type` a line in the weft text syntax, e.g.
// `x: f32[batch, 3, h, w]`; save with _extra_files={"weft_inputs": ...}) or, when given,
// from `input_types` (one per forward argument; null entries fall back to the file).
// Throws CompileError naming the aten schema and the Python source line for anything it
// cannot translate; never returns a partial module.
Module import_torchscript(const std::string& path);
Module import_torchscript(const std::string& path, const std::vector<Type>& input_types);

}  // namespace weft
