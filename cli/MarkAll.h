// MarkAll.h - `--mark-all`: @main rewritten to also return every intermediate tensor it computes, so a library and its oracle can be compared value by value.
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
};

// `m` with @main returning (its result, v1, ..., vn): v1..vn are the tensors bound by @main's
// own lets (not those inside branches, loops or other functions) to an operator call, in
// evaluation order; `marks` (when given) receives them in the same order. Flattened, the new
// result's last n tensors are the marks. Type-checked like the input. `onnx_tensors`, when
// given and of one entry per let of @main's chain (else ignored), names each let's ONNX tensor.
Module expose_intermediates(const Module& m, std::vector<MarkedValue>* marks, const std::vector<std::string>* onnx_tensors = nullptr);

}  // namespace weft::cli
