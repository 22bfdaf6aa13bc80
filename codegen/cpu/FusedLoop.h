// FusedLoop.h - a fused group (codegen/lower/Fusion.h) as one C++ function: one loop nest over its result, no intermediate tensor.
#pragma once

#include <map>
#include <string>

#include "codegen/lower/Fusion.h"

namespace weft::codegen {

// Prints each fused kernel once per distinct text, at file scope:
//  - `weft_fused_elem_N(a0, a1, ...)`: one element of the result from one element of each
//    input, in their compute types (float for f16/bf16): each op's scalar_expr (ir/OpRegistry.h)
//    in a lambda, its value stored in the op's own dtype before the next op reads it, which is
//    what the interpreter's kernels compute one op at a time;
//  - `weft_fused_<ops>_N(const Tensor& in0, ...)`: the result's shape, computed once per call
//    (weft_rt::fused_shape), then one loop over it. Inputs of the result's shape are read at the
//    output index, one-element inputs once before the loop, and other inputs (a per-channel
//    bias, a row broadcast along columns) through the runs of weft_rt::fused_rows, each with a
//    stride of 0 or 1 known at compile time, so every inner loop is a plain contiguous loop
//    g++ vectorizes. Large results are split over the run's thread pool as runtime maps are.
class FusedLoops {
 public:
  // The C++ expression computing `k`'s result from the input tensors `args`.
  std::string call(const lower::FusedKernel& k, const std::vector<std::string>& args);
  // The definitions of the kernels called so far.
  const std::string& definitions() const { return defs_; }

 private:
  std::map<std::string, std::string> names_;  // kernel text (less its name) -> its name
  std::string defs_;
};

}  // namespace weft::codegen
