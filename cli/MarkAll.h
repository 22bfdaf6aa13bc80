// MarkAll.h - `--mark-all`: @main rewritten to also return every intermediate tensor it computes (and its loops' per iteration), so a library and its oracle can be compared value by value.
#pragma once

#include <string>
#include <vector>

#include "ir/Module.h"

namespace weft::cli {

// One exposed intermediate: the let it comes from, the operator that computes it and where
// the model defines it (e.g. "onnx node '/lin/Gemm' (Gemm)" or a TorchScript source line).
struct MarkedValue {
  std::string name;    // the let's variable, e.g. "%_lin_Gemm_output_0"
  std::string op;      // the operator, e.g. "gemm"
  std::string source;  // the span's text; "" when the importer recorded none
  // The ONNX tensor the let binds (onnx_tensor_of_each_let), when known; "" otherwise.
  std::string onnx_tensor;
  // A value inside a loop (MarkLoops.h): the loop's function, e.g. "@ts_loop_0"; its
  // output is then the list of its values, the last iteration first. "" for @main's own.
  std::string loop;
  int loop_call = -1;  // which call of a loop: the index of its let in @main's chain
};

// `m` with @main returning (its result, v1, ..., vn): v1..vn are the tensors bound by @main's
// own lets (not those inside branches or other functions) to an operator call, in evaluation
// order, and, where such a let calls a loop (MarkLoops.h), in its place the lists of the
// values each iteration of that loop computes; `marks` (when given) receives them in the same
// order. The library's last n outputs are the marks (a list output for a loop's value); where
// @main names its outputs (an ONNX model's), the marks are named after their variables.
// Type-checked like the input. `onnx_tensors`, when
// given and of one entry per let of @main's chain (else ignored), names each let's ONNX tensor.
Module expose_intermediates(const Module& m, std::vector<MarkedValue>* marks, const std::vector<std::string>* onnx_tensors = nullptr);

}  // namespace weft::cli
