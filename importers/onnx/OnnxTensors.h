// OnnxTensors.h - ONNX tensors and types to weft tensors and types.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>

#include "ir/Tensor.h"
#include "ir/Type.h"

namespace weft::onnx_import {

// The weft dtype of an ONNX TensorProto.DataType; CompileError at `where` if it has none
// (strings, complex numbers).
DType to_dtype(int onnx_type, const Span& where);

// Reads a TensorProto's data from raw_data, the typed fields, or external data, which
// must lie inside `model_dir` (absolute paths, `..` and links leading out are refused).
// Checks that the data length matches the shape and that dims are valid.
Tensor to_tensor(const onnx::TensorProto& proto, const std::string& model_dir, const Span& where);

// The weft type of a ValueInfo's TypeProto: tensors (dim_param -> symbol, dim_value ->
// static, missing -> unknown), sequences -> List[T], optionals -> Option[T].
// Returns null when the proto carries no type (allowed for intermediate values). A tensor
// without a shape is `f32[*]` (unknown rank) with `unranked_ok`, as for graph inputs, which
// need a type; else null, so an intermediate value's type comes from its producer.
Type to_type(const onnx::TypeProto& proto, const Span& where, bool unranked_ok = false);

// A symbol name usable in the IR for an ONNX dim_param ("batch size" -> "batch_size").
std::string sanitize_symbol(const std::string& dim_param);

}  // namespace weft::onnx_import
